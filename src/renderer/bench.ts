/**
 * The offline core without the UI, for `npm run bench` (scripts/bench/): the app's own pull
 * and replay on this browser's real IndexedDB, and the raw IndexedDB floor beside them.
 * Served only by the harness (bench.html); Playwright drives it through `window.keyholderBench`.
 */
import { Dexie } from 'dexie'
import { KeyholderDb, toCachedUser, usersOfSystem } from './lib/db/schema'
import { databaseName } from './lib/db/load'
import { Outbox } from './lib/sync/outbox'
import { pullSystems, pullUsers } from './lib/sync/pull'
import { Replayer } from './lib/sync/replayer'
import {
  FULL_SYNC_MAX_AGE_MS,
  listingMaxAgeMs,
  REFRESH_INTERVAL_MS,
  SyncEngine,
} from './lib/sync/engine'
import type { UserPage } from '../shared/contract'
import type { AcsUser } from '../shared/domain'
import { unwrap } from '../shared/errors'

export interface SyncRun {
  ms: number
  pages: number
  users: number
  /** Users of the system in the cache afterwards: proof the listing was really written. */
  cached: number
}

export interface RawPutOptions {
  acs_system_id: string
  pageSize: number
  db: string
  perTransaction: number
  /**
   * Store the users as the app caches them, with the same indexes as its `acs_users`: not the
   * floor, a diagnostic that tells the cost of the schema from the cost of the sync code.
   */
  appIndexes: boolean
}

export interface ReplayEdit {
  acs_user_id: string
  full_name: string
}

export interface KeyholderBench {
  /** A full sync of one system into an empty cache named `db`; only `pullUsers` is timed. */
  sync(options: { db: string; acs_system_id: string; pageSize: number }): Promise<SyncRun>
  /** Lists the system (not timed), then times writing the users raw into a fresh database. */
  rawIdbPut(options: RawPutOptions): Promise<{ ms: number; records: number }>
  /** Syncs `systems` into a fresh cache `db` and queues the edits there, uncoalesced. */
  prepareReplay(options: { db: string; edits: ReplayEdit[]; systems: string[] }): Promise<void>
  /** Times the replay of everything queued in `db` until the outbox is empty. */
  replay(options: {
    db: string
  }): Promise<{ ms: number; edits: number; calls: Record<string, { count: number; ms: number }> }>
  /** The name of the database the app opens for the active workspace. */
  appDatabase(): Promise<string>
  /**
   * Like `sync`, but on a link that drops: a run that fails is run again at once (as the
   * engine does when the connection is back), resuming where it stopped, until one completes.
   */
  syncResuming(options: {
    db: string
    acs_system_id: string
    pageSize: number
  }): Promise<SyncRun & { runs: number }>
  /**
   * Starts the app's sync engine on `db` (already synced), lets its start-up check finish, then
   * runs `refresh` (the once-a-minute look for changes) `ticks` times, telling the caller
   * before (`mark`) so it can count the bytes of just those. Returns the engine's schedule.
   */
  idleRefresh(options: { db: string; ticks: number }): Promise<{
    refresh_interval_ms: number
    listing_max_age_ms: number
    users: number
    listed: number
  }>
}

declare global {
  interface Window {
    keyholderBench?: KeyholderBench
    /** Exposed by the bench script (Playwright) to hear when to start counting. */
    keyholderBenchMark?: () => Promise<void>
  }
}

const api = window.keyholder

async function emptyCache(name: string): Promise<KeyholderDb> {
  await Dexie.delete(name)
  const db = new KeyholderDb(name)
  // Opening (and creating the schema) is not part of a sync; the app does it once at start.
  await db.open()
  return db
}

async function sync(options: {
  db: string
  acs_system_id: string
  pageSize: number
}): Promise<SyncRun> {
  const { acs_system_id, pageSize } = options
  const db = await emptyCache(options.db)
  try {
    await pullSystems(db, api)
    const started = performance.now()
    const progress = await pullUsers(db, api, acs_system_id, { pageSize })
    const ms = performance.now() - started
    const cached = await usersOfSystem(db, acs_system_id).count()
    return { ms, pages: progress.pages, users: progress.users, cached }
  } finally {
    db.close()
  }
}

async function syncResuming(options: {
  db: string
  acs_system_id: string
  pageSize: number
}): Promise<SyncRun & { runs: number }> {
  const { acs_system_id, pageSize } = options
  const db = await emptyCache(options.db)
  try {
    await pullSystems(db, api)
    const started = performance.now()
    for (let runs = 1; ; runs++) {
      try {
        const progress = await pullUsers(db, api, acs_system_id, { pageSize })
        const ms = performance.now() - started
        const cached = await usersOfSystem(db, acs_system_id).count()
        return { ms, pages: progress.pages, users: progress.users, cached, runs }
      } catch (cause) {
        if (runs >= 50) throw cause
        console.warn(`listing run ${runs} failed: ${String(cause)}`)
      }
    }
  } finally {
    db.close()
  }
}

async function idleRefresh(options: { db: string; ticks: number }): Promise<{
  refresh_interval_ms: number
  listing_max_age_ms: number
  users: number
  listed: number
}> {
  const db = new KeyholderDb(options.db)
  await db.open()
  // The timer's own refreshes would come only after a minute: the ticks below stand for them.
  const engine = new SyncEngine(db, api)
  let listed = 0
  engine.onSynced(() => (listed += 1))
  try {
    await engine.start()
    if (engine.status.connectivity !== 'online') {
      throw new Error(`the app is ${engine.status.connectivity}, not online`)
    }
    await engine.refresh()
    await window.keyholderBenchMark?.()
    listed = 0
    for (let i = 0; i < options.ticks; i++) await engine.refresh()
    let users = 0
    await db.sync_state.each((state) => (users += state.user_count))
    return {
      refresh_interval_ms: REFRESH_INTERVAL_MS,
      listing_max_age_ms: listingMaxAgeMs(FULL_SYNC_MAX_AGE_MS, users),
      users,
      listed,
    }
  } finally {
    await engine.stop()
    db.close()
  }
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
  })
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve()
    transaction.onerror = transaction.onabort = () =>
      reject(transaction.error ?? new Error('IndexedDB transaction failed'))
  })
}

async function listAll(acs_system_id: string, limit: number): Promise<AcsUser[]> {
  const users: AcsUser[] = []
  let page_cursor: string | null = null
  do {
    const page: UserPage = unwrap(
      await api.invoke('users.list_page', { acs_system_id, page_cursor, limit }),
    )
    users.push(...page.acs_users)
    page_cursor = page.next_page_cursor
  } while (page_cursor)
  return users
}

/**
 * The floor for the cache writes: the native API, one object store keyed by id and nothing
 * else (no indexes, no bookkeeping), puts issued without waiting on each other.
 */
async function rawIdbPut(options: RawPutOptions): Promise<{ ms: number; records: number }> {
  const listed = await listAll(options.acs_system_id, options.pageSize)
  const records = options.appIndexes ? listed.map((u) => toCachedUser(u)) : listed
  const indexes = options.appIndexes ? new KeyholderDb('unopened').acs_users.schema.indexes : []

  await settle(indexedDB.deleteDatabase(options.db))
  const opening = indexedDB.open(options.db, 1)
  opening.onupgradeneeded = () => {
    const store = opening.result.createObjectStore('acs_users', { keyPath: 'acs_user_id' })
    for (const index of indexes) store.createIndex(index.name, index.keyPath ?? index.name)
  }
  const db = await settle(opening)
  try {
    const started = performance.now()
    for (let i = 0; i < records.length; i += options.perTransaction) {
      const transaction = db.transaction('acs_users', 'readwrite')
      const store = transaction.objectStore('acs_users')
      for (const record of records.slice(i, i + options.perTransaction)) store.put(record)
      await committed(transaction)
    }
    return { ms: performance.now() - started, records: records.length }
  } finally {
    db.close()
    await settle(indexedDB.deleteDatabase(options.db))
  }
}

async function prepareReplay(options: {
  db: string
  edits: ReplayEdit[]
  systems: string[]
}): Promise<void> {
  const db = await emptyCache(options.db)
  try {
    await pullSystems(db, api)
    for (const acs_system_id of options.systems) await pullUsers(db, api, acs_system_id)
    const outbox = new Outbox(db)
    for (const { acs_user_id, full_name } of options.edits) {
      // Uncoalesced, so each edit stays one request, as in the SDK floor.
      await outbox.enqueue(
        { op: 'update', target_id: acs_user_id, params: { full_name } },
        { coalesce: false },
      )
    }
  } finally {
    db.close()
  }
}

async function replay(options: {
  db: string
}): Promise<{ ms: number; edits: number; calls: Record<string, { count: number; ms: number }> }> {
  const db = new KeyholderDb(options.db)
  await db.open()
  try {
    const outbox = new Outbox(db)
    const edits = await db.outbox.count()
    // Where the time goes: requests to main, by channel (for the report, not judged).
    const calls: Record<string, { count: number; ms: number }> = {}
    const timedApi: typeof api = {
      ...api,
      invoke: async (channel, request) => {
        const t0 = performance.now()
        try {
          return await api.invoke(channel, request)
        } finally {
          const c = (calls[channel] ??= { count: 0, ms: 0 })
          c.count += 1
          c.ms += performance.now() - t0
        }
      },
    }
    const replayer = new Replayer(db, outbox, timedApi)
    const started = performance.now()
    replayer.start()
    try {
      for (;;) {
        await replayer.idle()
        const left = await db.outbox.toArray()
        if (left.length === 0) break
        const stuck = left.filter((e) => e.status !== 'queued' && e.status !== 'sending')
        if (stuck.length > 0) {
          throw new Error(`replay left ${stuck.length} entries: ${JSON.stringify(stuck[0])}`)
        }
        // Something is backing off (a retry): look again shortly rather than spin.
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      return { ms: performance.now() - started, edits, calls }
    } finally {
      await replayer.stop()
    }
  } finally {
    db.close()
  }
}

async function appDatabase(): Promise<string> {
  return databaseName(unwrap(await api.invoke('app.info', {})).active_workspace.workspace_id)
}

window.keyholderBench = {
  sync,
  syncResuming,
  rawIdbPut,
  prepareReplay,
  replay,
  appDatabase,
  idleRefresh,
}
