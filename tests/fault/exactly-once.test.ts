import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import { usersOfSystem } from '../../src/renderer/lib/db/schema'
import { Abandon } from '../../src/renderer/lib/sync/replayer'
import type { Edit } from '../../src/renderer/lib/sync/outbox'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  startRig,
  type OfflineRig,
} from '../support/offline'
import { startFaultProxy, type Fault, type FaultProxy } from './proxy'

/** Deterministic PRNG (mulberry32) so a failing run can be replayed with the same seed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(process.env.FAULT_SEED ?? 20261124)

describe('exactly once through a faulty network', () => {
  let rig: OfflineRig
  let proxy: FaultProxy
  let faultRate = 0
  let mode: 'random' | 'unauthorized' | 'invalid' | 'slow_create' = 'random'
  /** What the server refuses as invalid input while `mode` is 'invalid'. */
  let invalidPath = '/acs/users/update'
  // One stream picks the edits, another the faults: how many requests the network timing
  // causes cannot change which edits a seed makes.
  const random = prng(SEED)
  const faultRandom = prng(SEED ^ 0x5eed)

  beforeAll(async () => {
    rig = await startRig({
      users: 150,
      endpoint: async (sandbox) => {
        proxy = await startFaultProxy(sandbox.endpoint, (path): Fault => {
          if (mode === 'unauthorized') return { kind: 'status', status: 401 }
          if (mode === 'slow_create' && path.startsWith('/acs/users/create')) {
            return { kind: 'delay', ms: 400 }
          }
          if (mode === 'invalid' && path.startsWith(invalidPath)) {
            return {
              kind: 'status',
              status: 400,
              error: {
                type: 'invalid_input',
                message: 'Invalid email for "email_address"',
                validation_errors: { email_address: { _errors: ['This domain is not allowed'] } },
              },
            }
          }
          if (faultRandom() >= faultRate) return { kind: 'pass' }
          const r = faultRandom()
          if (r < 0.25) return { kind: 'drop_request' }
          if (r < 0.55) return { kind: 'drop_response' }
          if (r < 0.65) return { kind: 'delay', ms: 50 }
          if (r < 0.8) return { kind: 'status', status: 500 }
          if (r < 0.95) return { kind: 'status', status: 503 }
          return { kind: 'status', status: 429, retry_after: 0 }
        })
        return proxy.url
      },
    })
  })
  afterAll(async () => {
    await rig?.dispose()
    await proxy?.close()
  })

  test(`300 random edits on 50 users with 20% faults end in exactly the intended state (seed ${SEED})`, async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const systemId = (await client.db.acs_systems.orderBy('_order').first())!.acs_system_id
    const groups = unwrap(
      await rig.api.invoke('access_groups.list', { acs_system_id: systemId }),
    ).map((g) => g.acs_access_group_id)
    const users = (await usersOfSystem(client.db, systemId).sortBy('acs_user_id'))
      .filter((u) => u.errors.length === 0)
      .slice(0, 50)
    expect(users.length).toBe(50)

    // The model: what each user should look like once every edit has been applied once.
    type Model = {
      full_name?: string
      email_address?: string
      is_suspended: boolean
      groups: Set<string>
      deleted: boolean
    }
    const model = new Map<string, Model>()
    for (const u of users) {
      const current = await rig.seam.acs.accessGroups.list({ acs_user_id: u.acs_user_id })
      model.set(u.acs_user_id, {
        full_name: u.full_name,
        email_address: u.email_address,
        is_suspended: Boolean(u.is_suspended),
        groups: new Set(current.map((g) => g.acs_access_group_id)),
        deleted: false,
      })
    }
    const created: { temp: string; name: string; email: string }[] = []
    const live = () => [...model.entries()].filter(([, m]) => !m.deleted).map(([id]) => id)

    faultRate = 0.2
    client.replayer.start()
    for (let i = 0; i < 300; i++) {
      const r = random()
      const ids = live()
      const id = ids[Math.floor(random() * ids.length)]!
      const m = model.get(id)!
      let edit: Edit
      if (r < 0.02 && created.length < 5) {
        const name = `Created ${i}`
        const email = `created.${i}@example.com`
        edit = {
          op: 'create',
          params: { acs_system_id: systemId, full_name: name, email_address: email },
        }
        const { target_id } = await client.outbox.enqueue(edit)
        created.push({ temp: target_id, name, email })
        continue
      } else if (r < 0.4) {
        m.full_name = `Name ${i}`
        edit = { op: 'update', target_id: id, params: { full_name: m.full_name } }
      } else if (r < 0.55) {
        m.email_address = `user.${i}@example.com`
        edit = { op: 'update', target_id: id, params: { email_address: m.email_address } }
      } else if (r < 0.75) {
        m.is_suspended = !m.is_suspended
        edit = { op: m.is_suspended ? 'suspend' : 'unsuspend', target_id: id }
      } else if (r < 0.97) {
        const group = groups[Math.floor(random() * groups.length)]!
        const add = !m.groups.has(group)
        if (add) m.groups.add(group)
        else m.groups.delete(group)
        edit = {
          op: add ? 'add_to_access_group' : 'remove_from_access_group',
          target_id: id,
          params: { acs_access_group_id: group },
        }
      } else {
        m.deleted = true
        edit = { op: 'delete', target_id: id }
      }
      await client.outbox.enqueue(edit)
      if (i % 7 === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await replayUntilSettled(client, 240_000)
    faultRate = 0
    // A create whose request was cut off may or may not have arrived: when Seam's people do
    // not settle it, the app asks. The person answers truthfully: theirs is the one with the
    // email they typed (each create here has its own), else they add them again.
    for (let round = 0; round < 10; round++) {
      const asked = await client.db.outbox.where('status').equals('ask').toArray()
      if (asked.length === 0) break
      for (const entry of asked) {
        const email = entry.op === 'create' ? entry.params.email_address : undefined
        const ours = entry.candidates?.find((c) => c.email_address === email)
        if (ours) await client.outbox.confirmCreate(entry.id, ours.acs_user_id)
        else await client.outbox.createAgain(entry.id)
      }
      await replayUntilSettled(client, 60_000)
    }

    // No edit lost or left behind: nothing failed, nothing is waiting on a person.
    const leftovers = await client.db.outbox.toArray()
    expect(leftovers.map((e) => `${e.op} ${e.status} ${e.last_error?.message}`)).toEqual([])

    for (const [id, m] of model) {
      if (m.deleted) {
        await expect(rig.seam.acs.users.get({ acs_user_id: id })).rejects.toThrow()
        continue
      }
      const server = await rig.seam.acs.users.get({ acs_user_id: id })
      expect({
        id,
        full_name: server.full_name,
        email: server.email_address,
        suspended: Boolean(server.is_suspended),
      }).toEqual({
        id,
        full_name: m.full_name,
        email: m.email_address,
        suspended: m.is_suspended,
      })
      const serverGroups = (await rig.seam.acs.accessGroups.list({ acs_user_id: id })).map(
        (g) => g.acs_access_group_id,
      )
      expect(serverGroups.sort()).toEqual([...m.groups].sort())
    }
    // Every create exists exactly once.
    for (const c of created) {
      const everyone = await rig.seam
        .createPaginator(rig.seam.acs.users.list({ acs_system_id: systemId, limit: 100 }))
        .flattenToArray()
      const matches = everyone.filter((u) => u.email_address === c.email)
      expect(matches.map((u) => u.full_name)).toEqual([c.name])
    }
    expect(proxy.applied.drop_response ?? 0).toBeGreaterThan(5)
    expect(proxy.applied.drop_request ?? 0).toBeGreaterThan(5)
    await client.replayer.stop()
    // Its own settle deadline is 240 s: 30 s cut it off on a busy machine.
  }, 300_000)

  test('401 pauses the whole queue until the key is accepted again', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const [a, b] = await client.db.acs_users.limit(2).toArray()
    mode = 'unauthorized'
    await client.outbox.enqueue({
      op: 'update',
      target_id: a!.acs_user_id,
      params: { full_name: 'After 401 A' },
    })
    await client.outbox.enqueue({
      op: 'update',
      target_id: b!.acs_user_id,
      params: { full_name: 'After 401 B' },
    })
    client.replayer.start()
    await client.replayer.idle()
    expect(client.replayer.paused).toBe('unauthorized')
    expect(await client.db.outbox.where('status').equals('queued').count()).toBe(2)
    mode = 'random'
    client.replayer.setConnectivity('online')
    await replayUntilSettled(client)
    expect((await rig.seam.acs.users.get({ acs_user_id: a!.acs_user_id })).full_name).toBe(
      'After 401 A',
    )
    await client.replayer.stop()
  })

  test('a 400 is surfaced with the server message per field and waits for the person', async () => {
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const user = (await client.db.acs_users.limit(3).toArray())[2]!
    mode = 'invalid'
    await client.outbox.enqueue({
      op: 'update',
      target_id: user.acs_user_id,
      params: { email_address: 'ok@example.com' },
    })
    await replayUntilSettled(client)
    const [entry] = await client.db.outbox.toArray()
    expect(entry?.status).toBe('failed')
    expect(entry?.last_error).toMatchObject({
      kind: 'invalid_input',
      fields: { email_address: ['This domain is not allowed'] },
    })
    mode = 'random'
    await client.outbox.retry(entry!.id)
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    await client.replayer.stop()
  })

  test('a create still on its way when the page reloads reaches Seam once', async () => {
    faultRate = 0
    mode = 'slow_create'
    // The page before the reload: its create is sent, and it is gone before the answer.
    const before = openClient(rig.api, {
      hooks: {
        afterSend: () => {
          throw new Abandon('reloaded')
        },
      },
    })
    await pullAll(before, rig.api)
    const systemId = (await before.db.acs_systems.orderBy('_order').first())!.acs_system_id
    const email = 'reloaded.mid.create@example.com'
    await before.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Reloaded Midway', email_address: email },
    })
    before.replayer.start()
    await expect
      .poll(async () => (await before.db.outbox.toArray())[0]?.status, { interval: 5 })
      .toBe('sending')
    // The page after the reload, on the same database, while that request is still on its way:
    // it finds the create `sending`, does not find the user at Seam yet, and asks again.
    const after = openClient(rig.api, { db: before.db })
    await replayUntilSettled(after)
    await before.replayer.stop()
    mode = 'random'
    expect(await after.db.outbox.count()).toBe(0)
    const everyone = await rig.seam
      .createPaginator(rig.seam.acs.users.list({ acs_system_id: systemId, limit: 100 }))
      .flattenToArray()
    expect(everyone.filter((u) => u.email_address === email)).toHaveLength(1)
    await after.replayer.stop()
  })

  test('a corrected failed update keeps its other fields and its turn before later edits', async () => {
    faultRate = 0
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const user = (await client.db.acs_users.limit(4).toArray())[3]!
    mode = 'invalid'
    invalidPath = '/acs/users/update'
    const { entry } = await client.outbox.enqueue({
      op: 'update',
      target_id: user.acs_user_id,
      params: { full_name: 'Corrected Person', email_address: 'refused@example.com' },
    })
    await replayUntilSettled(client)
    expect((await client.db.outbox.get(entry!.id))?.status).toBe('failed')
    // Behind the failed edit, a later one of the same field waits its turn: it must win.
    await client.outbox.enqueue({
      op: 'update',
      target_id: user.acs_user_id,
      params: { full_name: 'Renamed Again' },
    })
    mode = 'random'
    expect(
      await client.outbox.amend(entry!.id, {
        op: 'update',
        params: { email_address: 'accepted@example.com' },
      }),
    ).toBe(true)
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    const server = await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })
    expect(server).toMatchObject({
      full_name: 'Renamed Again',
      email_address: 'accepted@example.com',
    })
    // Only a failed edit can be corrected: this one is gone.
    expect(
      await client.outbox.amend(entry!.id, { op: 'update', params: { full_name: 'Too late' } }),
    ).toBe(false)
    await client.replayer.stop()
  })

  test('a corrected failed create keeps its temporary id and the edits queued after it', async () => {
    faultRate = 0
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const systemId = (await client.db.acs_systems.orderBy('_order').first())!.acs_system_id
    const group = unwrap(
      await rig.api.invoke('access_groups.list', { acs_system_id: systemId }),
    )[0]!
    mode = 'invalid'
    invalidPath = '/acs/users/create'
    const created = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Fixed Later', email_address: 'bad@example' },
    })
    await replayUntilSettled(client)
    expect((await client.db.outbox.get(created.entry!.id))?.status).toBe('failed')
    await client.outbox.enqueue({
      op: 'add_to_access_group',
      target_id: created.target_id,
      params: { acs_access_group_id: group.acs_access_group_id },
    })
    mode = 'random'
    invalidPath = '/acs/users/update'
    // Not to another system: the group queued after it belongs to this one.
    const other = (await client.db.acs_systems.toArray()).find((s) => s.acs_system_id !== systemId)!
    await expect(
      client.outbox.amend(created.entry!.id, {
        op: 'create',
        params: { acs_system_id: other.acs_system_id, full_name: 'Fixed Later' },
      }),
    ).rejects.toThrow(/access group changes queued/)
    expect(
      await client.outbox.amend(created.entry!.id, {
        op: 'create',
        params: {
          acs_system_id: systemId,
          full_name: 'Fixed Later',
          email_address: 'fixed.later@example.com',
        },
      }),
    ).toBe(true)
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    const everyone = await rig.seam
      .createPaginator(rig.seam.acs.users.list({ acs_system_id: systemId, limit: 100 }))
      .flattenToArray()
    const matches = everyone.filter((u) => u.full_name === 'Fixed Later')
    expect(matches.map((u) => u.email_address)).toEqual(['fixed.later@example.com'])
    const groups = await rig.seam.acs.accessGroups.list({ acs_user_id: matches[0]!.acs_user_id })
    expect(groups.map((g) => g.acs_access_group_id)).toContain(group.acs_access_group_id)
    await client.replayer.stop()
  })
})

describe('crash points', () => {
  let rig: OfflineRig
  beforeAll(async () => {
    rig = await startRig({ users: 30 })
  })
  afterAll(() => rig?.dispose())

  test.each(['beforeSend', 'afterSend', 'beforeCommit'] as const)(
    'abandoning at %s and restarting on the same database applies each edit once',
    async (point) => {
      const first = openClient(rig.api, {
        hooks: {
          [point]: () => {
            throw new Abandon(point)
          },
        },
      })
      await pullAll(first, rig.api)
      const systemId = (await first.db.acs_systems.orderBy('_order').first())!.acs_system_id
      const email = `crash.${point.toLowerCase()}@example.com`
      await first.outbox.enqueue({
        op: 'create',
        params: { acs_system_id: systemId, full_name: `Crash ${point}`, email_address: email },
      })
      const user = (await usersOfSystem(first.db, systemId).first())!
      await first.outbox.enqueue({ op: 'suspend', target_id: user.acs_user_id })
      first.replayer.start()
      await first.replayer.idle()
      await first.replayer.stop()

      // A fresh replayer, as after a restart, on the same IndexedDB.
      const second = openClient(rig.api, { db: first.db })
      await replayUntilSettled(second)
      expect(await second.db.outbox.count()).toBe(0)
      const all = await rig.seam.acs.users.list({ acs_system_id: systemId })
      expect(all.filter((u) => u.email_address === email)).toHaveLength(1)
      expect((await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })).is_suspended).toBe(
        true,
      )
      await rig.seam.acs.users.unsuspend({ acs_user_id: user.acs_user_id })
      await second.replayer.stop()
    },
  )
})
