import { afterAll, beforeAll, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import type { Api } from '../../src/renderer/lib/sync/api'
import { changedSinceLastSync, pullSystems, pullUsers } from '../../src/renderer/lib/sync/pull'
import { SyncEngine } from '../../src/renderer/lib/sync/engine'
import type { SyncProgress } from '../../src/renderer/lib/sync/pull'
import { describeStorageError, usersOfSystem } from '../../src/renderer/lib/db/schema'
import { cachedIds, openClient, startRig, type OfflineRig, serverIds } from '../support/offline'

let rig: OfflineRig
let systemId: string

beforeAll(async () => {
  rig = await startRig({ users: 400 })
  systemId = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
})
afterAll(() => rig?.dispose())

test('a full listing arrives page by page, with progress, and is recorded as synced', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  const progress: SyncProgress[] = []
  const result = await pullUsers(client.db, rig.api, systemId, {
    pageSize: 25,
    onProgress: (p) => progress.push(p),
  })
  const expected = await serverIds(rig.seam, systemId)
  expect(await cachedIds(client, systemId)).toEqual(expected)
  expect(result).toMatchObject({ done: true, users: expected.length, total: expected.length })
  expect(progress.length).toBe(Math.ceil(expected.length / 25) + 1)
  expect(progress.map((p) => p.users)).toEqual(
    [...progress.map((p) => p.users)].sort((a, b) => a - b),
  )
  const state = await client.db.sync_state.get(systemId)
  expect(state?.last_synced_at).toBeTruthy()
  expect(state?.user_count).toBe(expected.length)
})

test('an interrupted listing keeps the previous cache; the next complete one removes the gone', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  await pullUsers(client.db, rig.api, systemId, { pageSize: 25 })
  const before = await cachedIds(client, systemId)

  // Someone deletes a user elsewhere, then our next listing is cut off half-way.
  const gone = before[5]!
  await rig.seam.acs.users.delete({ acs_user_id: gone })
  let pages = 0
  const flaky: Api = {
    invoke: (channel, request) => {
      if (channel === 'users.list_page' && ++pages === 3) {
        return Promise.resolve({ ok: false, error: { kind: 'unreachable', message: 'cut' } })
      }
      return rig.api.invoke(channel, request)
    },
  }
  await expect(
    pullUsers(client.db, flaky, systemId, { pageSize: 25, retryDelaysMs: [] }),
  ).rejects.toThrow('cut')
  expect(await cachedIds(client, systemId)).toEqual(before)
  expect((await client.db.sync_state.get(systemId))?.last_error).toBe('cut')

  await pullUsers(client.db, rig.api, systemId, { pageSize: 25 })
  expect(await cachedIds(client, systemId)).toEqual(before.filter((id) => id !== gone))
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
})

test('a page fetched before one of our edits was confirmed does not overwrite it', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  await pullUsers(client.db, rig.api, systemId, { pageSize: 500 })
  const [user] = await usersOfSystem(client.db, systemId).limit(1).toArray()

  // The listing's only page is answered first; our edit is confirmed before the page is written.
  const slow: Api = {
    invoke: async (channel, request) => {
      const answer = await rig.api.invoke(channel, request)
      if (channel === 'users.list_page') {
        await client.outbox.enqueue({
          op: 'update',
          target_id: user!.acs_user_id,
          params: { full_name: 'Edited Meanwhile' },
        })
        client.replayer.start()
        await client.replayer.idle()
        await client.replayer.stop()
      }
      return answer
    },
  }
  await pullUsers(client.db, slow, systemId, { pageSize: 500 })
  expect((await client.db.acs_users.get(user!.acs_user_id))?.full_name).toBe('Edited Meanwhile')
  expect(await client.db.outbox.count()).toBe(0)
})

test('acs_user events say whether anything was created or deleted since the last sync', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  await pullUsers(client.db, rig.api, systemId)
  const changed = async () => (await changedSinceLastSync(client.db, rig.api, systemId))?.changed
  expect(await changed()).toBe(false)
  await rig.seam.acs.users.create({ acs_system_id: systemId, full_name: 'Walk-in Visitor' })
  expect(await changed()).toBe(true)
  // Not yet seen: the listing it asks for has not happened (it might fail).
  expect(await changed()).toBe(true)
  const check = await changedSinceLastSync(client.db, rig.api, systemId)
  await pullUsers(client.db, rig.api, systemId, { eventsSeenUntil: check!.seenUntil })
  // Once listed, the change is remembered as seen.
  expect(await changed()).toBe(false)
})

test('after "Sync now" the changes it listed are seen: the next refresh lists nothing again', async () => {
  const client = openClient(rig.api)
  const engine = new SyncEngine(client.db, { ...rig.api, on: () => () => undefined })
  const listed: string[] = []
  engine.onSynced((id) => listed.push(id))
  await engine.syncNow()
  await rig.seam.acs.users.create({ acs_system_id: systemId, full_name: 'Late Arrival' })
  const changed = async () => (await changedSinceLastSync(client.db, rig.api, systemId))?.changed
  expect(await changed()).toBe(true)

  await engine.syncNow()
  expect(await changed()).toBe(false)
  expect(listed.filter((id) => id === systemId)).toHaveLength(2)
  expect((await usersOfSystem(client.db, systemId).toArray()).map((u) => u.full_name)).toContain(
    'Late Arrival',
  )
})

test('storage failures are put in words a person can act on', () => {
  expect(
    describeStorageError(Object.assign(new Error('x'), { name: 'QuotaExceededError' })),
  ).toMatch(/out of space/)
  expect(describeStorageError({ name: 'AbortError', inner: { name: 'UnknownError' } })).toMatch(
    /could not read or write/,
  )
  expect(describeStorageError(new Error('other'))).toBeNull()
})

test('at start, a listing older than a few minutes is renewed: a rename elsewhere raises no event', async () => {
  const client = openClient(rig.api)
  const api = { ...rig.api, on: () => () => undefined }
  await new SyncEngine(client.db, api).syncNow()
  const [someone] = await usersOfSystem(client.db, systemId).limit(1).toArray()
  await rig.seam.acs.users.update({
    acs_user_id: someone!.acs_user_id,
    full_name: 'Renamed Elsewhere',
  })
  const nameNow = async () => (await client.db.acs_users.get(someone!.acs_user_id))?.full_name

  // Just listed: a start now renews nothing.
  const soon = new SyncEngine(client.db, api)
  await soon.start()
  await soon.refresh()
  await soon.stop()
  expect(await nameNow()).toBe(someone!.full_name)

  // Listed longer ago than the start threshold: the start lists again, and finds the rename.
  const later = new SyncEngine(client.db, api, { startFullSyncAfterMs: 0 })
  const listed = new Promise<string>((resolve) => later.onSynced(resolve))
  await later.start()
  expect(await listed).toBe(systemId)
  await later.stop()
  expect(await nameNow()).toBe('Renamed Elsewhere')
})

test('a person Seam sends in a shape Keyholder refuses is kept as last seen and named', async () => {
  const client = openClient(rig.api)
  await pullSystems(client.db, rig.api)
  await pullUsers(client.db, rig.api, systemId, { pageSize: 100 })
  const [victim] = await cachedIds(client, systemId)
  const before = await client.db.acs_users.get(victim!)

  // Seam (here its fake, edited behind the API) starts sending a 5,000-character name.
  const db = rig.sandbox.world.db
  const original = db.acs_users
  db.setState({
    acs_users: original.map((u) =>
      u.acs_user_id === victim ? { ...u, full_name: 'x'.repeat(5000) } : u,
    ),
  })
  try {
    await pullUsers(client.db, rig.api, systemId, { pageSize: 100 })
  } finally {
    db.setState({ acs_users: original })
  }
  // The rest of the listing is written; that one person stays as last seen, not "gone".
  expect(await cachedIds(client, systemId)).toEqual(await serverIds(rig.seam, systemId))
  expect(await client.db.acs_users.get(victim!)).toEqual(before)
  const state = await client.db.sync_state.get(systemId)
  expect(state?.refused).toEqual([
    expect.objectContaining({ acs_user_id: victim, field: 'full_name' }),
  ])
  // The next good listing clears it.
  await pullUsers(client.db, rig.api, systemId, { pageSize: 100 })
  expect((await client.db.sync_state.get(systemId))?.refused).toEqual([])
})
