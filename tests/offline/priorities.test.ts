/**
 * Issue 9, cases 4–8: conflicts field by field, what a failed edit holds back, pending
 * mutations, 429 / 403 / 408-409-425, and two pages on one database. Against the sandbox behind
 * the fault proxy with the real main-process services and fake-indexeddb (case 6: the real
 * update operation on a real AcsUser, since the sandbox applies every change at once).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { AcsUser } from '../../src/shared/domain'
import { failureText } from '../../src/renderer/lib/outbox-text'
import { update } from '../../src/renderer/lib/sync/operations/update'
import type { EntryOf } from '../../src/renderer/lib/sync/operations/types'
import { testUser } from '../fixtures/test-user'
import type { Fault } from '../fault/proxy'
import { startFaultRig, type FaultRig, type Seen } from '../support/fault-rig'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  type Client,
  type OfflineRig,
} from '../support/offline'

let faults: FaultRig
let rig: OfflineRig
/** Every request that reached the proxy, in order of arrival. */
let seen: Seen[]
let systemId: string

beforeAll(async () => {
  faults = await startFaultRig({ users: 150 })
  ;({ rig, seen, systemId } = faults)
})
afterAll(() => faults?.dispose())

const WRITES = [
  '/acs/users/update',
  '/acs/users/suspend',
  '/acs/users/unsuspend',
  '/acs/users/delete',
  '/acs/users/create',
  '/acs/users/revoke_access_to_all_entrances',
  '/acs/access_groups/add_user',
  '/acs/access_groups/remove_user',
]
const writes = (from = 0) => seen.slice(from).filter((s) => WRITES.includes(s.path))

/** Plain people of the first system (not suspended, no problems), none used twice. */
let taken = 0
async function plain(client: Client, count: number): Promise<AcsUser[]> {
  const users = (await client.db.acs_users.orderBy('acs_user_id').toArray()).filter(
    (u) =>
      u.acs_system_id === systemId &&
      !u.is_suspended &&
      u.errors.length === 0 &&
      (u.pending_mutations ?? []).length === 0,
  )
  const picked = users.slice(taken, taken + count)
  taken += count
  if (picked.length < count) throw new Error('ran out of plain people')
  return picked
}

const server = (acs_user_id: string) => rig.seam.acs.users.get({ acs_user_id })

test('case 4: taking theirs on the name still sends the phone change of the same edit', async () => {
  // Old core: "take theirs" deleted the whole entry, and the phone change was gone unsaid.
  const client = openClient(rig.api)
  await pullAll(client, rig.api)
  const [person] = await plain(client, 1)
  const target_id = person!.acs_user_id
  await client.outbox.enqueue({ op: 'update', target_id, params: { full_name: 'Mine Renamed' } })
  await client.outbox.enqueue({
    op: 'update',
    target_id,
    params: { phone_number: '+442079460333' },
  })
  expect(await client.outbox.entriesFor(target_id)).toHaveLength(1)
  await rig.seam.acs.users.update({ acs_user_id: target_id, full_name: 'Theirs Renamed' })

  await replayUntilSettled(client)
  const [entry] = await client.db.outbox.toArray()
  expect(entry?.status).toBe('conflict')
  expect(entry!.conflicts!.map((c) => c.field)).toEqual(['full_name'])
  // Nothing sent while the person decides.
  expect((await server(target_id)).phone_number).toBe(person!.phone_number)

  await client.outbox.resolve(entry!.id, 'theirs', 'full_name')
  await replayUntilSettled(client)
  expect(await client.db.outbox.count()).toBe(0)
  const now = await server(target_id)
  expect([now.full_name, now.phone_number]).toEqual(['Theirs Renamed', '+442079460333'])
  await client.replayer.stop()
})

test('case 5: a failed email edit does not hold back a later suspend', async () => {
  // Old core: the suspend waited behind the failed edit while the person could still open doors.
  const client = openClient(rig.api)
  await pullAll(client, rig.api)
  const [person] = await plain(client, 1)
  const target_id = person!.acs_user_id
  faults.rule = (path, body) =>
    path.startsWith('/acs/users/update') && body.includes(target_id)
      ? {
          kind: 'status',
          status: 400,
          error: {
            type: 'invalid_input',
            message: 'Invalid email for "email_address"',
            validation_errors: { email_address: { _errors: ['This domain is not allowed'] } },
          },
        }
      : undefined
  await client.outbox.enqueue({
    op: 'update',
    target_id,
    params: { email_address: 'dismissed@refused.example' },
  })
  await client.outbox.enqueue({ op: 'suspend', target_id })
  await replayUntilSettled(client)
  faults.rule = () => undefined

  expect((await server(target_id)).is_suspended).toBe(true)
  const left = await client.db.outbox.toArray()
  expect(left.map((e) => `${e.op} ${e.status}`)).toEqual(['update failed'])
  expect(failureText(left[0]!)?.fields).toEqual([
    expect.objectContaining({ field: 'email_address', messages: ['This domain is not allowed'] }),
  ])
  await client.replayer.stop()
})

describe('case 6: a change Seam is still applying towards our value is not a conflict', () => {
  // Old core: compared only Seam's value with the value the person saw.
  const entry = (base: string, mine: string, over: Partial<EntryOf<'update'>> = {}) =>
    ({
      id: '01J0000000000000000000000A',
      op: 'update',
      params: { full_name: mine },
      base: { full_name: base },
      target_id: 'b8a1f6e2-0000-4000-8000-000000000001',
      acs_system_id: 'sys-1',
      created_at: '2026-03-10T12:00:00.000Z',
      status: 'queued',
      attempts: 0,
      attempt_started_at: null,
      next_attempt_at: 0,
      last_error: null,
      conflicts: null,
      label: base,
      ...over,
    }) as EntryOf<'update'>
  const applying = (to: Record<string, unknown>) =>
    [
      {
        mutation_code: 'updating_user_information',
        created_at: '2026-03-10T12:00:00.000Z',
        message: 'Updating user information',
        from: { full_name: 'Old Name' },
        to,
      },
    ] as unknown as AcsUser['pending_mutations']
  const prepare = (user: AcsUser, e: EntryOf<'update'>) =>
    update.prepare(
      {
        api: rig.api,
        db: undefined as never,
        current: () => Promise.resolve({ ok: true, value: user }),
      },
      e,
    )

  test('our request arrived and is being applied: nothing to send again, no conflict', async () => {
    const user = testUser({
      full_name: 'Old Name',
      pending_mutations: applying({ full_name: 'New Name' }),
    })
    const prepared = await prepare(user, entry('Old Name', 'New Name', { sent_before: true }))
    expect(prepared.kind).toBe('done')
  })

  test('our earlier edit, confirmed, is still being applied when the next edit of that field goes', async () => {
    // The person saw "Middle Name" (our first edit, which Seam accepted); Seam still shows the
    // old value while the door system applies it.
    const user = testUser({
      full_name: 'Old Name',
      pending_mutations: applying({ full_name: 'Middle Name' }),
    })
    const prepared = await prepare(user, entry('Middle Name', 'New Name'))
    expect(prepared).toMatchObject({ kind: 'send', params: { full_name: 'New Name' } })
  })

  test('someone else’s value is still a conflict', async () => {
    const user = testUser({
      full_name: 'Theirs',
      pending_mutations: applying({ full_name: 'Other' }),
    })
    const prepared = await prepare(user, entry('Old Name', 'New Name'))
    expect(prepared.kind).toBe('conflict')
  })
})

describe('case 7: 429, 403, and 408 / 409 / 425', () => {
  test('a 429 with Retry-After pauses every lane: no other write is sent before it has passed', async () => {
    // Old core: only the entry that got the 429 waited; the other lanes kept sending.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const people = await plain(client, 5)
    const RETRY_AFTER_S = 2
    for (const p of people) {
      await client.outbox.enqueue({
        op: 'update',
        target_id: p.acs_user_id,
        params: { full_name: `${p.full_name} Busy` },
      })
      await client.outbox.enqueue({ op: 'suspend', target_id: p.acs_user_id })
    }
    // The first round of updates arrives together; one is answered 429. The rest are held
    // until the replayer has taken that 429 in, then pass.
    const limited = people[0]!.acs_user_id
    let answered429 = 0
    let the429: Seen | undefined
    let releaseOthers!: () => void
    const othersGo = new Promise<void>((resolve) => (releaseOthers = resolve))
    let first = true
    faults.rule = (path, body) => {
      if (!path.startsWith('/acs/users/update')) return undefined
      if (!body.includes(limited)) return othersGo.then((): Fault => ({ kind: 'pass' }))
      if (!first) return undefined
      first = false
      the429 = seen.at(-1)
      answered429 = Date.now()
      return { kind: 'status', status: 429, retry_after: RETRY_AFTER_S }
    }
    const from = seen.length
    client.replayer.start()
    await expect
      .poll(
        async () =>
          (await client.db.outbox.toArray()).find(
            (e) => e.target_id === limited && e.op === 'update',
          )?.last_error?.kind,
        { interval: 5, timeout: 20_000 },
      )
      .toBe('rate_limited')
    releaseOthers()
    await replayUntilSettled(client)
    faults.rule = () => undefined

    // Writes that arrived after the 429 was answered: the held first round aside, none came
    // before Retry-After had passed.
    const held = new Set(people.slice(1).map((p) => p.acs_user_id))
    const after = writes(from).filter(
      (w) =>
        w !== the429 &&
        w.at >= answered429 &&
        !(w.path === '/acs/users/update' && held.has(w.acs_user_id!)),
    )
    expect(after.length).toBeGreaterThan(0)
    for (const w of after) expect(w.at - answered429).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000)
    // And everything arrived once in the end.
    expect(await client.db.outbox.count()).toBe(0)
    for (const p of people) {
      const now = await server(p.acs_user_id)
      expect([now.full_name, now.is_suspended]).toEqual([`${p.full_name} Busy`, true])
    }
    await client.replayer.stop()
  })

  test('a 403 on one person fails that edit as not permitted; the others are sent', async () => {
    // Old core: a 403 paused the whole queue as a bad key, forever, as the probe succeeded.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const [refused, ...others] = await plain(client, 3)
    faults.rule = (path, body) =>
      path.startsWith('/acs/users/update') && body.includes(refused!.acs_user_id)
        ? {
            kind: 'status',
            status: 403,
            error: { type: 'forbidden', message: 'Not allowed for this user' },
          }
        : undefined
    for (const p of [refused!, ...others]) {
      await client.outbox.enqueue({
        op: 'update',
        target_id: p.acs_user_id,
        params: { full_name: `${p.full_name} Checked` },
      })
    }
    await replayUntilSettled(client)
    faults.rule = () => undefined

    expect(client.replayer.paused).toBeNull()
    const left = await client.db.outbox.toArray()
    expect(left.map((e) => [e.target_id, e.status])).toEqual([[refused!.acs_user_id, 'failed']])
    expect(failureText(left[0]!)?.title).toBe('Not permitted')
    for (const p of others) {
      expect((await server(p.acs_user_id)).full_name).toBe(`${p.full_name} Checked`)
    }
    expect((await server(refused!.acs_user_id)).full_name).toBe(refused!.full_name)
    await client.replayer.stop()
  })

  test.each([408, 409, 425])('a %i is tried again, never failed', async (status) => {
    // Old core: anything 4xx that was not 401/403/404/429 was "invalid input": failed.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const [person] = await plain(client, 1)
    let once = true
    faults.rule = (path, body) => {
      if (!path.startsWith('/acs/users/update') || !body.includes(person!.acs_user_id) || !once)
        return undefined
      once = false
      return { kind: 'status', status, error: { type: 'not_now', message: `Answered ${status}` } }
    }
    await client.outbox.enqueue({
      op: 'update',
      target_id: person!.acs_user_id,
      params: { full_name: `${person!.full_name} ${status}` },
    })
    await replayUntilSettled(client)
    faults.rule = () => undefined
    expect(once).toBe(false)
    expect(await client.db.outbox.count()).toBe(0)
    expect((await server(person!.acs_user_id)).full_name).toBe(`${person!.full_name} ${status}`)
    await client.replayer.stop()
  })
})

test('case 8: two pages on one database send each edit once; the second waits for the lock', async () => {
  // Old core: each page took the other's `sending` entries for crashed ones and sent them again.
  const pageOne = openClient(rig.api)
  await pullAll(pageOne, rig.api)
  const marked: string[] = []
  const pageTwo = openClient(rig.api, {
    db: pageOne.db,
    hooks: { afterMark: (e) => void marked.push(e.id) },
  })
  const people = await plain(pageOne, 6)
  const from = seen.length
  for (const p of people.slice(0, 5)) {
    await pageOne.outbox.enqueue({
      op: 'update',
      target_id: p.acs_user_id,
      params: { full_name: `${p.full_name} Twice?` },
    })
  }
  pageOne.replayer.start()
  pageTwo.replayer.start()
  await Promise.all([replayUntilSettled(pageOne), pageTwo.replayer.idle()])

  const updates = writes(from).filter((w) => w.path === '/acs/users/update')
  expect(updates.map((w) => w.acs_user_id).sort()).toEqual(
    people
      .slice(0, 5)
      .map((p) => p.acs_user_id)
      .sort(),
  )
  expect(marked).toEqual([])

  // The first page closes: the second takes over, and sends what is queued next, once.
  await pageOne.replayer.stop()
  const last = people[5]!
  await pageTwo.outbox.enqueue({
    op: 'update',
    target_id: last.acs_user_id,
    params: { full_name: `${last.full_name} Later` },
  })
  await replayUntilSettled(pageTwo)
  expect(marked).toHaveLength(1)
  const all = writes(from).filter((w) => w.path === '/acs/users/update')
  expect(all).toHaveLength(6)
  expect((await server(last.acs_user_id)).full_name).toBe(`${last.full_name} Later`)
  await pageTwo.replayer.stop()
})
