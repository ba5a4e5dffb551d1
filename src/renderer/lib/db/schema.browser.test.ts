/** The cache in Chromium's own IndexedDB: what fake-indexeddb cannot tell. */
import { expect, test } from 'vitest'
import { Dexie } from 'dexie'
import { KeyholderDb } from './schema'

test('every write is committed with strict durability (flushed to disk), not Chromium’s relaxed default', async () => {
  const name = `keyholder-durability-${Date.now()}`
  const db = new KeyholderDb(name)
  try {
    const durability = await db.transaction('rw', db.outbox, (tx) => tx.idbtrans.durability)
    expect(durability).toBe('strict')
    // Chromium's own default, for comparison: a plain transaction does not ask for it.
    const plain = db.backendDB().transaction('outbox', 'readwrite')
    expect(plain.durability).not.toBe('strict')
    plain.abort()
  } finally {
    db.close()
    await Dexie.delete(name)
  }
})
