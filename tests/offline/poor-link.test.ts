/**
 * Listing over a poor link: the app's pull against the sandbox through a loopback proxy that
 * cuts connections or answers errors where a test says, and counts what reaches the server.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import { pullSystems, pullUsers } from '../../src/renderer/lib/sync/pull'
import { usersOfSystem } from '../../src/renderer/lib/db/schema'
import { SyncEngine, listingMaxAgeMs } from '../../src/renderer/lib/sync/engine'
import { UsersIndex } from '../../src/renderer/lib/users-index'
import { startFaultProxy, type Fault, type FaultProxy } from '../fault/proxy'
import { cachedIds, openClient, startRig, type OfflineRig, serverIds } from '../support/offline'

const PAGE = 10

let rig: OfflineRig
let proxy: FaultProxy
let systemId: string
/** The cursor of every listing request that reached the proxy (null: the first page). */
let listings: (string | null)[] = []
/** What the proxy does to the n-th listing request from now (0-based); pass when unset. */
let rule: (n: number, cursor: string | null) => Fault | undefined = () => undefined

beforeAll(async () => {
  rig = await startRig({
    users: 150,
    endpoint: async (sandbox) => {
      proxy = await startFaultProxy(sandbox.endpoint, (path, body) => {
        const url = new URL(path, 'http://proxy')
        if (url.pathname !== '/acs/users/list') return { kind: 'pass' }
        // The SDK sends a listing's parameters in the query string (GET) or the body (POST).
        const params = JSON.parse(body || '{}') as { page_cursor?: string | null }
        const cursor = url.searchParams.get('page_cursor') || params.page_cursor || null
        listings.push(cursor)
        return rule(listings.length - 1, cursor) ?? { kind: 'pass' }
      })
      return proxy.url
    },
  })
  systemId = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
})
afterAll(async () => {
  await rig?.dispose()
  await proxy?.close()
})

function reset(next: typeof rule = () => undefined): void {
  listings = []
  rule = next
}

/** Every request from the k-th listing request on is cut before the server sees it. */
const cutFrom =
  (k: number): typeof rule =>
  (n) =>
    n >= k ? { kind: 'drop_request' } : undefined

test('a listing cut after page k resumes at page k+1, and then counts as complete', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  const total = Math.ceil((await serverIds(rig.seam, systemId)).length / PAGE)
  const k = 3

  reset(cutFrom(k))
  await expect(
    pullUsers(client.db, rig.api, systemId, { pageSize: PAGE, retryDelaysMs: [] }),
  ).rejects.toThrow()
  expect(await usersOfSystem(client.db, systemId).count()).toBe(k * PAGE)
  expect((await client.db.sync_state.get(systemId))?.last_synced_at).toBeNull()
  const cutCursor = listings[k]

  reset()
  const result = await pullUsers(client.db, rig.api, systemId, { pageSize: PAGE })
  // Page k+1 first, with the cursor page k gave, and never page 1 again.
  expect(listings[0]).toBe(cutCursor)
  expect(listings).not.toContain(null)
  expect(listings).toHaveLength(total - k)
  expect(result).toMatchObject({ done: true, pages: total })
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
  expect((await client.db.sync_state.get(systemId))?.last_synced_at).toBeTruthy()
})

test('when Seam refuses the cursor, the listing starts over from the first page', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  const total = Math.ceil((await serverIds(rig.seam, systemId)).length / PAGE)

  reset(cutFrom(2))
  await expect(
    pullUsers(client.db, rig.api, systemId, { pageSize: PAGE, retryDelaysMs: [] }),
  ).rejects.toThrow()

  // Seam no longer knows the cursor (as its sandbox answers an unknown one).
  reset((n, cursor) =>
    n === 0 && cursor
      ? {
          kind: 'status',
          status: 400,
          error: { type: 'invalid_input', message: 'Invalid page_cursor' },
        }
      : undefined,
  )
  const result = await pullUsers(client.db, rig.api, systemId, { pageSize: PAGE })
  expect(listings[0]).not.toBeNull()
  expect(listings[1]).toBeNull()
  expect(listings).toHaveLength(1 + total)
  expect(result).toMatchObject({ done: true, pages: total })
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
})

test('a page that fails is asked for again after growing waits, then the listing goes on', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  // The second page: cut, then a 503, then a 429 asking for 2 s, then answered.
  const faults: Fault[] = [
    { kind: 'drop_request' },
    { kind: 'status', status: 503 },
    { kind: 'status', status: 429, retry_after: 2 },
  ]
  reset((_n, cursor) =>
    cursor && listings.filter((c) => c === cursor).length <= 3 ? faults.shift() : undefined,
  )
  const waits: number[] = []
  const result = await pullUsers(client.db, rig.api, systemId, {
    pageSize: PAGE,
    retryDelaysMs: [10, 30, 90],
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    },
  })
  expect(waits).toEqual([10, 30, 2000])
  const second = listings[1]!
  expect(listings.filter((c) => c === second)).toHaveLength(4)
  expect(result.done).toBe(true)
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))

  // A page that keeps failing ends the run once the waits are used up.
  reset(() => ({ kind: 'status', status: 503 }))
  waits.length = 0
  await expect(
    pullUsers(client.db, rig.api, systemId, {
      pageSize: PAGE,
      retryDelaysMs: [10, 30],
      sleep: (ms) => {
        waits.push(ms)
        return Promise.resolve()
      },
    }),
  ).rejects.toThrow()
  expect(waits).toEqual([10, 30])
  expect(listings).toHaveLength(3)
})

test('the pages of a listing cut off half-way reach the users index at once', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  // The index fed as the app feeds it: from the cache's announcements only.
  const index = new UsersIndex()
  const followed: Promise<void>[] = []
  client.db.users.subscribe((change) => {
    followed.push(
      (async () => {
        const users = await client.db.acs_users.bulkGet(change.changed)
        index.upsert(users.filter((u) => u !== undefined))
        index.remove(change.removed)
      })(),
    )
  })
  reset(cutFrom(2))
  await expect(
    pullUsers(client.db, rig.api, systemId, { pageSize: PAGE, retryDelaysMs: [] }),
  ).rejects.toThrow()
  await Promise.all(followed)
  const written = await cachedIds(client, systemId)
  expect(written).toHaveLength(2 * PAGE)
  expect(index.size).toBe(2 * PAGE)
  for (const id of written) expect(index.row(id)).toBeDefined()
  reset()
})

test('people deleted elsewhere leave the cache once the resumed listing completes', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  await pullUsers(client.db, rig.api, systemId, { pageSize: PAGE })
  const before = await cachedIds(client, systemId)
  const listedOrder = (
    await rig.seam
      .createPaginator(rig.seam.acs.users.list({ acs_system_id: systemId, limit: 500 }))
      .flattenToArray()
  ).map((u) => u.acs_user_id)

  // One on the first page, one on the last, deleted before the next pass begins.
  const early = listedOrder[1]!
  const late = listedOrder.at(-2)!
  await rig.seam.acs.users.delete({ acs_user_id: early })
  await rig.seam.acs.users.delete({ acs_user_id: late })

  reset(cutFrom(3))
  await expect(
    pullUsers(client.db, rig.api, systemId, { pageSize: PAGE, retryDelaysMs: [] }),
  ).rejects.toThrow()
  // A partial pass proves nobody gone.
  expect(await cachedIds(client, systemId)).toEqual(before)

  reset(cutFrom(2))
  await expect(
    pullUsers(client.db, rig.api, systemId, { pageSize: PAGE, retryDelaysMs: [] }),
  ).rejects.toThrow()
  expect(await cachedIds(client, systemId)).toEqual(before)

  reset()
  await pullUsers(client.db, rig.api, systemId, { pageSize: PAGE })
  expect(listings).not.toContain(null)
  expect(await cachedIds(client, systemId)).toEqual(
    before.filter((id) => id !== early && id !== late),
  )
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
})

test('a big workspace is listed less often while nothing signals a change', async () => {
  expect(listingMaxAgeMs(15 * 60_000, 2_000)).toBe(15 * 60_000)
  expect(listingMaxAgeMs(15 * 60_000, 50_000)).toBe(150 * 60_000)
  expect(listingMaxAgeMs(15 * 60_000, 10_000_000)).toBe(6 * 60 * 60_000)

  const client = openClient(rig.api)
  const engine = new SyncEngine(client.db, { ...rig.api, on: () => () => undefined })
  await engine.start()
  await engine.syncNow()
  // As if the workspace had 50,000 people, last listed 20 minutes ago: past the 15 minutes
  // of a small one, well within the 2.5 hours of this size.
  const listedAgo = async (minutes: number) => {
    const at = new Date(Date.now() - minutes * 60_000).toISOString()
    await client.db.sync_state.toCollection().modify({ user_count: 50_000 / 3, last_synced_at: at })
  }
  await listedAgo(20)
  reset()
  await engine.refresh()
  expect(listings).toHaveLength(0)

  await listedAgo(151)
  await engine.refresh()
  expect(listings.length).toBeGreaterThan(0)
  await engine.stop()
})

test('a refresh goes on with a listing that was cut off, even when nothing asks for one', async () => {
  const client = openClient(rig.api)
  const engine = new SyncEngine(
    client.db,
    { ...rig.api, on: () => () => undefined },
    { pageRetryDelaysMs: [] },
  )
  await engine.start()
  await engine.syncNow()
  reset(cutFrom(1))
  await engine.syncNow()
  expect(engine.status.lastError).toBeTruthy()
  const cut = listings[1]

  reset()
  await engine.refresh()
  expect(listings[0]).toBe(cut)
  expect(engine.status.lastError).toBeNull()
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
  await engine.stop()
})

test('stopping the engine while a page waits to be retried ends the listing, with no error', async () => {
  const client = openClient(rig.api)
  // A wait far longer than this test may take: stop must not sit it out.
  const engine = new SyncEngine(
    client.db,
    { ...rig.api, on: () => () => undefined },
    { pageRetryDelaysMs: [10 * 60_000] },
  )
  await engine.start()
  let asked!: () => void
  const failing = new Promise<void>((resolve) => (asked = resolve))
  reset(() => {
    asked()
    return { kind: 'status', status: 503 }
  })
  const pulling = engine.syncNow()
  await failing
  await engine.stop()
  await pulling
  expect(engine.status.lastError).toBeNull()
  expect((await client.db.sync_state.toArray()).map((s) => s.last_error)).not.toContainEqual(
    expect.any(String),
  )
  reset()
})
