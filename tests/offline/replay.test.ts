import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import { usersOfSystem } from '../../src/renderer/lib/db/schema'
import type { Api } from '../../src/renderer/lib/sync/api'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  startRig,
  type OfflineRig,
} from '../support/offline'

let rig: OfflineRig
let systemId: string
let groupIds: string[]

beforeAll(async () => {
  rig = await startRig({ users: 60 })
  const systems = unwrap(await rig.api.invoke('systems.list', {}))
  systemId = systems[0]!.acs_system_id
  groupIds = unwrap(await rig.api.invoke('access_groups.list', { acs_system_id: systemId })).map(
    (g) => g.acs_access_group_id,
  )
})
afterAll(() => rig?.dispose())

/** A cached user of the first system with no server-side problems, not used by other tests. */
let taken = 0
async function freshUser(client: ReturnType<typeof openClient>) {
  const users = await usersOfSystem(client.db, systemId).sortBy('acs_user_id')
  const healthy = users.filter((u) => !u.is_suspended && u.errors.length === 0)
  const user = healthy[taken++]
  if (!user) throw new Error('ran out of test users')
  return user
}

async function groupsOf(acs_user_id: string) {
  const groups = await rig.seam.acs.accessGroups.list({ acs_user_id })
  return groups.map((g) => g.acs_access_group_id).sort()
}

describe.each([
  ['online', false],
  ['after an offline period', true],
])('every operation replays %s', (_label, offline) => {
  test('create, update, suspend, unsuspend, groups, revoke, delete', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const [a, b, c, d] = [
      await freshUser(client),
      await freshUser(client),
      await freshUser(client),
      await freshUser(client),
    ]
    if (offline) rig.sandbox.setConnected(false)
    if (!offline) client.replayer.start()

    const created = await client.outbox.enqueue({
      op: 'create',
      params: {
        acs_system_id: systemId,
        full_name: `New Person ${offline}`,
        email_address: `new.${offline}@example.com`,
      },
    })
    await client.outbox.enqueue({
      op: 'update',
      target_id: a.acs_user_id,
      params: { full_name: 'Renamed Person', phone_number: '+442071838750' },
    })
    await client.outbox.enqueue({ op: 'suspend', target_id: b.acs_user_id })
    await client.outbox.enqueue({
      op: 'add_to_access_group',
      target_id: c.acs_user_id,
      params: { acs_access_group_id: groupIds[0]! },
    })
    await client.outbox.enqueue({ op: 'revoke_access_to_all_entrances', target_id: a.acs_user_id })
    await client.outbox.enqueue({ op: 'delete', target_id: d.acs_user_id })

    // The screen shows the result at once, before anything reached the server.
    const shown = await client.outbox.view(a.acs_user_id)
    expect(shown?.full_name).toBe('Renamed Person')
    // Online, the replayer may already have sent the update; offline it is still pending.
    if (offline) {
      expect(shown?.pending_fields).toEqual(expect.arrayContaining(['full_name', 'phone_number']))
    }
    expect((await client.outbox.view(b.acs_user_id))?.is_suspended).toBe(true)

    if (offline) {
      client.replayer.start()
      await new Promise((r) => setTimeout(r, 200))
      expect(await client.db.outbox.count()).toBe(6)
      rig.sandbox.setConnected(true)
    }
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)

    const realId = (await client.db.id_map.get(created.target_id))?.acs_user_id
    expect(realId).toBeDefined()
    const newUser = await rig.seam.acs.users.get({ acs_user_id: realId! })
    expect(newUser.full_name).toBe(`New Person ${offline}`)
    expect((await rig.seam.acs.users.get({ acs_user_id: a.acs_user_id })).full_name).toBe(
      'Renamed Person',
    )
    expect((await rig.seam.acs.users.get({ acs_user_id: a.acs_user_id })).phone_number).toBe(
      '+442071838750',
    )
    expect((await rig.seam.acs.users.get({ acs_user_id: b.acs_user_id })).is_suspended).toBe(true)
    expect(await groupsOf(c.acs_user_id)).toContain(groupIds[0])
    expect(await groupsOf(a.acs_user_id)).toEqual([])
    await expect(rig.seam.acs.users.get({ acs_user_id: d.acs_user_id })).rejects.toThrow()
    // The cache reflects every confirmed edit.
    expect((await client.db.acs_users.get(a.acs_user_id))?.full_name).toBe('Renamed Person')
    expect(await client.db.acs_users.get(d.acs_user_id)).toBeUndefined()

    // And unsuspend / remove from group go through too.
    await client.outbox.enqueue({ op: 'unsuspend', target_id: b.acs_user_id })
    await client.outbox.enqueue({
      op: 'remove_from_access_group',
      target_id: c.acs_user_id,
      params: { acs_access_group_id: groupIds[0]! },
    })
    await replayUntilSettled(client)
    expect((await rig.seam.acs.users.get({ acs_user_id: b.acs_user_id })).is_suspended).toBe(false)
    expect(await groupsOf(c.acs_user_id)).not.toContain(groupIds[0])
    await client.replayer.stop()
  })
})

test('a temp-id chain made offline replays in order, ending deleted', async () => {
  // The connection drops just as the create leaves: it may have arrived.
  let dropped = false
  const drop = () => {
    if (!dropped) rig.sandbox.setConnected(false)
    dropped = true
  }
  const client = openClient(rig.api, { hooks: { afterMark: drop } })
  await pullAll(client, rig.api)
  const { target_id } = await client.outbox.enqueue({
    op: 'create',
    params: {
      acs_system_id: systemId,
      full_name: 'Chain Person',
      email_address: 'chain@example.com',
    },
  })
  await client.outbox.enqueue({ op: 'update', target_id, params: { full_name: 'Chain Person Jr' } })
  await client.outbox.enqueue({ op: 'suspend', target_id })
  await client.outbox.enqueue({
    op: 'add_to_access_group',
    target_id,
    params: { acs_access_group_id: groupIds[1]! },
  })
  // The create counts as "sent", so the delete cannot simply cancel it.
  client.replayer.start()
  await new Promise((r) => setTimeout(r, 300))
  await client.outbox.enqueue({ op: 'delete', target_id })
  expect(await client.db.outbox.count()).toBe(5)
  rig.sandbox.setConnected(true)
  await replayUntilSettled(client)
  // The request never reached Seam, but the app cannot know: it finds nobody like them and
  // asks the person, who adds them again.
  const [asked] = await client.db.outbox.where('status').equals('ask').toArray()
  expect(asked).toMatchObject({ op: 'create', target_id, candidates: [] })
  await client.outbox.createAgain(asked!.id)
  await replayUntilSettled(client)

  const realId = (await client.db.id_map.get(target_id))!.acs_user_id
  await expect(rig.seam.acs.users.get({ acs_user_id: realId })).rejects.toThrow()
  const named = await rig.seam.acs.users.list({ acs_system_id: systemId, search: 'Chain Person' })
  expect(named).toEqual([])
  await client.replayer.stop()
})

test('a create and a delete that never left cancel out; consecutive updates coalesce', async () => {
  const client = openClient(rig.api)
  await pullAll(client, rig.api)
  const { target_id } = await client.outbox.enqueue({
    op: 'create',
    params: { acs_system_id: systemId, full_name: 'Never Sent' },
  })
  const cancel = await client.outbox.enqueue({ op: 'delete', target_id })
  expect(cancel.cancelled).toBe(true)
  expect(await client.db.outbox.count()).toBe(0)

  const user = await freshUser(client)
  await client.outbox.enqueue({
    op: 'update',
    target_id: user.acs_user_id,
    params: { full_name: 'First' },
  })
  await client.outbox.enqueue({
    op: 'update',
    target_id: user.acs_user_id,
    params: { email_address: 'merged@example.com' },
  })
  await client.outbox.enqueue({
    op: 'update',
    target_id: user.acs_user_id,
    params: { full_name: 'Second' },
  })
  const entries = await client.outbox.entriesFor(user.acs_user_id)
  expect(entries).toHaveLength(1)
  expect(entries[0]!.params).toEqual({ full_name: 'Second', email_address: 'merged@example.com' })
  expect(entries[0]!.base.full_name).toBe(user.full_name)
  await replayUntilSettled(client)
  const server = await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })
  expect([server.full_name, server.email_address]).toEqual(['Second', 'merged@example.com'])
  await client.replayer.stop()
})

test('coalesce: false keeps each edit its own entry, sent as its own request, in order', async () => {
  const sent: unknown[] = []
  const counting: Api = {
    invoke: (channel, request) => {
      if (channel === 'users.update') sent.push((request as { changes: unknown }).changes)
      return rig.api.invoke(channel, request)
    },
  }
  const client = openClient(counting)
  await pullAll(client, rig.api)
  const user = await freshUser(client)
  const target_id = user.acs_user_id
  for (const full_name of ['One', 'Two', 'Three']) {
    await client.outbox.enqueue(
      { op: 'update', target_id, params: { full_name } },
      { coalesce: false },
    )
  }
  // The default still merges, into the last entry only.
  await client.outbox.enqueue({
    op: 'update',
    target_id,
    params: { email_address: 'uncoalesced@example.com' },
  })
  const entries = await client.outbox.entriesFor(target_id)
  expect(entries.map((e) => (e.params as { full_name?: string }).full_name)).toEqual([
    'One',
    'Two',
    'Three',
  ])
  // Each base is what the person saw then: the server copy with the earlier edits on top.
  expect(entries.map((e) => e.base.full_name)).toEqual([user.full_name, 'One', 'Two'])

  // Nor does a delete cancel a create that never left.
  const created = await client.outbox.enqueue({
    op: 'create',
    params: {
      acs_system_id: systemId,
      full_name: 'Kept Apart',
      email_address: 'apart@example.com',
    },
  })
  const deleted = await client.outbox.enqueue(
    { op: 'delete', target_id: created.target_id },
    { coalesce: false },
  )
  expect(deleted.cancelled).toBe(false)
  expect(await client.outbox.entriesFor(created.target_id)).toHaveLength(2)

  await replayUntilSettled(client)
  expect(sent).toEqual([
    { full_name: 'One' },
    { full_name: 'Two' },
    { full_name: 'Three', email_address: 'uncoalesced@example.com' },
  ])
  const server = await rig.seam.acs.users.get({ acs_user_id: target_id })
  expect([server.full_name, server.email_address]).toEqual(['Three', 'uncoalesced@example.com'])
  const realId = (await client.db.id_map.get(created.target_id))!.acs_user_id
  await expect(rig.seam.acs.users.get({ acs_user_id: realId })).rejects.toThrow()
  await client.replayer.stop()
})

describe('conflicts', () => {
  test('same field changed elsewhere → conflict; keep mine re-sends, take theirs drops', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const [one, two] = [await freshUser(client), await freshUser(client)]
    for (const u of [one, two]) {
      await client.outbox.enqueue({
        op: 'update',
        target_id: u.acs_user_id,
        params: { full_name: `Mine ${u.acs_user_id}` },
      })
      await rig.seam.acs.users.update({ acs_user_id: u.acs_user_id, full_name: 'Theirs' })
    }
    await replayUntilSettled(client)
    const conflicts = await client.db.outbox.where('status').equals('conflict').toArray()
    expect(conflicts).toHaveLength(2)
    expect(conflicts[0]!.conflicts).toEqual([
      expect.objectContaining({
        field: 'full_name',
        theirs: 'Theirs',
        base: expect.any(String) as unknown,
      }),
    ])

    await client.outbox.resolve(conflicts.find((c) => c.target_id === one.acs_user_id)!.id, 'mine')
    await client.outbox.resolve(
      conflicts.find((c) => c.target_id === two.acs_user_id)!.id,
      'theirs',
    )
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    expect((await rig.seam.acs.users.get({ acs_user_id: one.acs_user_id })).full_name).toBe(
      `Mine ${one.acs_user_id}`,
    )
    expect((await rig.seam.acs.users.get({ acs_user_id: two.acs_user_id })).full_name).toBe(
      'Theirs',
    )
    // Taking theirs shows theirs at once: the cache holds the copy read when the conflict was found.
    expect((await client.db.acs_users.get(two.acs_user_id))?.full_name).toBe('Theirs')
    await client.replayer.stop()
  })

  test('a different field changed elsewhere is not a conflict', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const user = await freshUser(client)
    await client.outbox.enqueue({
      op: 'update',
      target_id: user.acs_user_id,
      params: { full_name: 'Only The Name' },
    })
    await rig.seam.acs.users.update({
      acs_user_id: user.acs_user_id,
      email_address: 'elsewhere@example.com',
    })
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    const server = await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })
    expect([server.full_name, server.email_address]).toEqual([
      'Only The Name',
      'elsewhere@example.com',
    ])
    await client.replayer.stop()
  })

  test('an edit to a user deleted elsewhere becomes a conflict, not a silent drop', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const user = await freshUser(client)
    await client.outbox.enqueue({ op: 'suspend', target_id: user.acs_user_id })
    await rig.seam.acs.users.delete({ acs_user_id: user.acs_user_id })
    await replayUntilSettled(client)
    const [entry] = await client.db.outbox.toArray()
    expect(entry?.status).toBe('conflict')
    expect(entry?.last_error?.message).toMatch(/deleted elsewhere/)
    await client.replayer.stop()
  })
})
