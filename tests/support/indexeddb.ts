// Unit and integration tests run in Node: fake-indexeddb stands in for the browser's IndexedDB.
// It is installed before any test file loads, because Dexie looks for IndexedDB on import.
import 'fake-indexeddb/auto'
