/**
 * Two pages of one workspace database (a second window, a reload overlapping the old page):
 * two engines on one IndexedDB database (fake-indexeddb, shared within this process), each
 * with its own Dexie connection, user cache and outbox, talking over Node's real
 * BroadcastChannel as two browser pages would. The replay lock is the in-process one (Node has
 * no Web Locks); the browser's is tested in replay-lock.browser.test.ts and tests/e2e/tabs.
 */
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest'
import type { KeyholderApi } from '../../src/shared/contract'
import { unwrap } from '../../src/shared/errors'
import { KeyholderDb, fromCachedUser, usersOfSystem } from '../../src/renderer/lib/db/schema'
import type { UserCacheChange } from '../../src/renderer/lib/db/user-cache'
import { SyncEngine, type EngineStatus } from '../../src/renderer/lib/sync/engine'
import { UsersIndex } from '../../src/renderer/lib/users-index'
import { startRig, type OfflineRig } from '../support/offline'

let rig: OfflineRig
let systemId: string
let dbCounter = 0
const running: SyncEngine[] = []

beforeAll(async () => {
  rig = await startRig({ users: 40 })
  systemId = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
})
afterAll(() => rig?.dispose())
afterEach(async () => {
  for (const engine of running.splice(0)) await engine.stop()
  vi.unstubAllGlobals()
})

interface Page {
  db: KeyholderDb
  engine: SyncEngine
  /** Every channel this page asked main for, in order. */
  calls: string[]
}

/** One page: its own connection to database `name`, its own engine; not started. */
function openPage(
  name: string,
  options: { startFullSyncAfterMs?: number; before?: (channel: string) => Promise<void> } = {},
): Page {
  const db = new KeyholderDb(name)
  const calls: string[] = []
  const api: KeyholderApi = {
    invoke: async (channel, request, scope) => {
      calls.push(channel)
      await options.before?.(channel)
      return rig.api.invoke(channel, request, scope)
    },
    on: () => () => undefined,
  }
  const engine = new SyncEngine(db, api, {
    ...(options.startFullSyncAfterMs !== undefined && {
      startFullSyncAfterMs: options.startFullSyncAfterMs,
    }),
    replayer: { baseDelayMs: 5, maxDelayMs: 50, settleAfterMs: 100 },
  })
  return { db, engine, calls }
}

async function start(page: Page): Promise<void> {
  running.push(page.engine)
  await page.engine.start()
}

/** Resolves with the first announcement of `db`'s cache that `wanted` accepts. */
function announced(db: KeyholderDb, wanted: (change: UserCacheChange) => boolean) {
  return new Promise<UserCacheChange>((resolve) => {
    const stop = db.users.subscribe((change) => {
      if (!wanted(change)) return
      stop()
      resolve(change)
    })
  })
}

/** Resolves when `engine` reports a listing of the system complete, here or elsewhere. */
function synced(engine: SyncEngine, here: boolean) {
  return new Promise<void>((resolve) => {
    const stop = engine.onSynced((id, byThisPage) => {
      if (id !== systemId || byThisPage !== here) return
      stop()
      resolve()
    })
  })
}

/** Resolves once `engine` is not listing (after a listing began: when it ends). */
function listingOver(engine: SyncEngine) {
  return new Promise<void>((resolve) => {
    const stop = engine.subscribe((status) => {
      if (status.syncing !== null) return
      queueMicrotask(() => stop())
      resolve()
    })
  })
}

const listings = (page: Page) =>
  page.calls.filter((c) => c === 'systems.list' || c === 'users.list_page' || c === 'events.list')

test("an edit queued in page B is sent at once by page A's replayer, and B's index follows", async () => {
  const name = `keyholder-pages-${++dbCounter}`
  const a = openPage(name)
  const b = openPage(name)
  const aListed = synced(a.engine, true)
  await start(a)
  await aListed
  await start(b)
  expect(a.engine.replayer.holding).toBe(true)
  expect(b.engine.replayer.holding).toBe(false)
  // A's replayer has nothing to do and nothing scheduled: it sleeps until told of new work.
  await a.engine.replayer.idle()

  // Page B's users index, kept as the app keeps it: loaded once, then following B's cache.
  const index = new UsersIndex()
  index.replaceAll((await usersOfSystem(b.db, systemId).toArray()).map(fromCachedUser))
  b.db.users.subscribe((change) => {
    void b.db.acs_users.bulkGet(change.changed).then((users) => {
      index.upsert(users.filter((u) => u !== undefined).map(fromCachedUser))
    })
  })
  const [someone] = await usersOfSystem(b.db, systemId).limit(1).toArray()
  const id = someone!.acs_user_id

  // The commit A makes once Seam confirms, as page B hears of it.
  const confirmedInB = announced(b.db, (c) => c.elsewhere === true && c.changed.includes(id))
  await b.engine.outbox.enqueue({ op: 'update', target_id: id, params: { full_name: 'Tab Two' } })
  await confirmedInB
  // Nothing but B's notice could have woken A: no scan was due, no connectivity change came.

  expect(a.calls.filter((c) => c === 'users.update')).toHaveLength(1)
  expect(b.calls.filter((c) => c === 'users.update')).toHaveLength(0)
  expect(await b.db.outbox.count()).toBe(0)
  expect((await rig.seam.acs.users.get({ acs_user_id: id })).full_name).toBe('Tab Two')
  await vi.waitFor(() => expect(index.row(id)?.name).toBe('Tab Two'))
})

test('a page that stops while an edit is on its way still tells the others it was confirmed', async () => {
  const name = `keyholder-pages-${++dbCounter}`
  let release = () => {}
  const held = new Promise<void>((resolve) => (release = resolve))
  let sent = () => {}
  const leaving = new Promise<void>((resolve) => (sent = resolve))
  // Page A's update waits until A has been told to stop (a workspace switch, a closing window).
  const a = openPage(name, {
    before: async (channel) => {
      if (channel !== 'users.update') return
      sent()
      await held
    },
  })
  const b = openPage(name)
  const aListed = synced(a.engine, true)
  await start(a)
  await aListed
  await start(b)
  const [someone] = await usersOfSystem(b.db, systemId).limit(1).toArray()
  const id = someone!.acs_user_id

  const confirmedInB = announced(b.db, (c) => c.elsewhere === true && c.changed.includes(id))
  await a.engine.outbox.enqueue({ op: 'update', target_id: id, params: { full_name: 'Leaving' } })
  await leaving
  const stopped = a.engine.stop()
  release()
  await stopped
  // A's commit, made while it stopped, reached B.
  await confirmedInB
  expect((await b.db.acs_users.get(id))?.full_name).toBe('Leaving')
})

test('only the page holding the lock lists Seam; another takes over when it closes', async () => {
  const name = `keyholder-pages-${++dbCounter}`
  const a = openPage(name)
  // B renews at once when listing falls to it, however recent the last listing.
  const b = openPage(name, { startFullSyncAfterMs: 0 })
  const statuses: EngineStatus[] = []
  b.engine.subscribe((status) => statuses.push(status))
  const aListed = synced(a.engine, true)
  await start(a)
  await aListed
  await listingOver(a.engine)
  await start(b)
  b.calls.length = 0

  // B's timer, a reconnect, "Sync now" pressed in B: A lists, B only hears of it.
  const heardInB = synced(b.engine, false)
  const listedByA = synced(a.engine, true)
  await b.engine.refresh(0)
  await b.engine.syncNow()
  await Promise.all([heardInB, listedByA])
  expect(listings(b)).toEqual([])
  // B showed A's progress while A listed.
  expect(statuses.some((s) => s.syncing?.acs_system_id === systemId)).toBe(true)

  // A closes: B holds the lock now, and lists.
  const listedByB = synced(b.engine, true)
  running.splice(running.indexOf(a.engine), 1)
  await a.engine.stop()
  await listedByB
  expect(b.engine.replayer.holding).toBe(true)
  expect(listings(b)).toContain('users.list_page')
})

test('without BroadcastChannel each page works alone, as before', async () => {
  vi.stubGlobal('BroadcastChannel', undefined)
  const name = `keyholder-pages-${++dbCounter}`
  const a = openPage(name)
  const b = openPage(name, { startFullSyncAfterMs: 0 })
  const aListed = synced(a.engine, true)
  await start(a)
  await aListed
  const bListed = synced(b.engine, true)
  await start(b)
  await b.engine.syncNow()
  await bListed
  expect(b.engine.replayer.holding).toBe(false)
  expect(listings(b)).toContain('users.list_page')
})
