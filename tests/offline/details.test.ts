/**
 * What the person panel says about access groups, from the cache with queued edits laid over
 * it: offline, a clerk must see what each person will be in once the edits are sent.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import { readDetail, refreshDetail, refreshGroups } from '../../src/renderer/lib/db/details'
import { usersOfSystem } from '../../src/renderer/lib/db/schema'
import { openClient, pullAll, startRig, type OfflineRig } from '../support/offline'

let rig: OfflineRig
beforeAll(async () => {
  rig = await startRig({ users: 30 })
})
afterAll(() => rig?.dispose())

test('queued group edits, in order: joined then left again is no change; revoke empties', async () => {
  const client = openClient(rig.api)
  await pullAll(client, rig.api)
  const systemId = (await client.db.acs_systems.orderBy('_order').first())!.acs_system_id
  await refreshGroups(client.db, rig.api, systemId)
  const groups = unwrap(await rig.api.invoke('access_groups.list', { acs_system_id: systemId }))
  expect(groups.length).toBeGreaterThanOrEqual(2)
  // Someone in no group at all, so every group starts on the "Add to group" list.
  const people = await usersOfSystem(client.db, systemId).toArray()
  const memberships = await client.db.memberships.toArray()
  const outsider = people.find((u) => !memberships.some((m) => m.acs_user_id === u.acs_user_id))!
  const [a, b] = groups
  const target_id = outsider.acs_user_id
  const shown = async () => {
    const detail = (await readDetail(client.db, client.outbox, target_id))!
    return {
      in: detail.memberships.map((m) => [m.group.name, m.pending]),
      addable: detail.otherGroups.map((g) => g.name),
    }
  }
  const all = groups.map((g) => g.name).sort((x, y) => x.localeCompare(y))
  expect(await shown()).toEqual({ in: [], addable: all })

  const join = (g: typeof a) =>
    client.outbox.enqueue({
      op: 'add_to_access_group',
      target_id,
      params: { acs_access_group_id: g!.acs_access_group_id },
    })
  await join(a)
  await join(b)
  expect((await shown()).in).toEqual(
    [
      [a!.name, 'adding'],
      [b!.name, 'adding'],
    ].sort((x, y) => x[0]!.localeCompare(y[0]!)),
  )
  await client.outbox.enqueue({
    op: 'remove_from_access_group',
    target_id,
    params: { acs_access_group_id: a!.acs_access_group_id },
  })
  // Joined and left again: not a member, and back on the list to add.
  const afterLeaving = await shown()
  expect(afterLeaving.in).toEqual([[b!.name, 'adding']])
  expect(afterLeaving.addable).toContain(a!.name)
  await client.outbox.enqueue({ op: 'revoke_access_to_all_entrances', target_id })
  expect(await shown()).toEqual({ in: [], addable: all })
})

test('a person deleted outside Keyholder leaves the cache when read again; queued edits stay', async () => {
  const client = openClient(rig.api)
  await pullAll(client, rig.api)
  const [gone] = await client.db.acs_users.limit(1).toArray()
  const target_id = gone!.acs_user_id
  await client.outbox.enqueue({ op: 'update', target_id, params: { full_name: 'Too Late' } })
  await rig.seam.acs.users.delete({ acs_user_id: target_id })

  const error = await refreshDetail(client.db, rig.api, target_id)
  expect(error).toMatchObject({ kind: 'not_found' })
  expect(await client.db.acs_users.get(target_id)).toBeUndefined()
  expect(await readDetail(client.db, client.outbox, target_id)).toBeUndefined()
  // The edit is not dropped silently: it waits in the queue for the person to discard.
  expect(await client.outbox.entriesFor(target_id)).toHaveLength(1)
})
