/**
 * A load-test system of a few thousand people, seeded the way the benchmarks seed 200,000 (in
 * batches, written into Seam's fake in one go): the people are the same believable mix as the
 * demo buildings', every one of them is listed, read and updated through the real SDK, and the
 * fake's own records (identities, group members, events) agree with what the API answers.
 */
import { SeamHttp } from '@seamapi/http'
import { schemas } from '@seamapi/types/connect'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startSandbox, type Sandbox } from './index'
import type { FakeUser } from './world'

const LOAD = 2_000
const DEMO = 60

let sandbox: Sandbox
let seam: SeamHttp
let system: { acs_system_id: string }
/** The load-test people in the order they were added (so batch edges are known). */
let seeded: FakeUser[]

beforeAll(async () => {
  sandbox = await startSandbox({ users: DEMO, loadTestUsers: LOAD, seed: 7 })
  seam = new SeamHttp({ apiKey: sandbox.apiKey, endpoint: sandbox.endpoint })
  system = (await seam.acs.systems.list()).find((s) => s.name.includes('load test'))!
  seeded = sandbox.world.db.acs_users.filter((u) => u.acs_system_id === system.acs_system_id)
})
afterAll(() => sandbox?.stop())

describe('a seeded load-test system', () => {
  test('lists everyone once, in the official shape, with the same mix of people as the demo', async () => {
    const users = await seam
      .createPaginator(seam.acs.users.list({ acs_system_id: system.acs_system_id, limit: 500 }))
      .flattenToArray()
    for (const user of users) schemas.acs_user.parse(user)
    expect(users.length).toBe(LOAD)
    expect(new Set(users.map((u) => u.acs_user_id))).toEqual(
      new Set(seeded.map((u) => u.acs_user_id)),
    )
    expect(users.every((u) => u.acs_system_id === system.acs_system_id)).toBe(true)
    expect(new Set(users.map((u) => u.email_address)).size).toBe(LOAD)

    // demo-data.ts aims at 8 % suspended, 85 % with a phone, 25 % with a linked identity and
    // schedules none 45 / current 30 / future 15 / past 10 %: a seeding that lost or repeated a
    // field would miss these by far more than the bounds allow.
    type User = (typeof users)[number]
    const expectShare = (keep: (u: User) => boolean, aim: number, within: number) => {
      const share = users.filter(keep).length / users.length
      expect(share).toBeGreaterThan(aim - within)
      expect(share).toBeLessThan(aim + within)
    }
    expectShare((u) => u.is_suspended === true, 0.08, 0.04)
    expectShare((u) => u.phone_number !== undefined, 0.85, 0.05)
    expectShare((u) => u.user_identity_id !== undefined, 0.25, 0.05)
    const now = Date.now()
    const schedule = ({ access_schedule: s }: User) =>
      !s
        ? 'none'
        : Date.parse(s.starts_at) > now
          ? 'future'
          : Date.parse(s.ends_at!) <= now
            ? 'past'
            : 'current'
    expectShare((u) => schedule(u) === 'none', 0.45, 0.05)
    expectShare((u) => schedule(u) === 'current', 0.3, 0.05)
    expectShare((u) => schedule(u) === 'future', 0.15, 0.05)
    expectShare((u) => schedule(u) === 'past', 0.1, 0.05)
    expect(users.every((u) => !u.phone_number || /^\+[1-9]\d{6,14}$/.test(u.phone_number))).toBe(
      true,
    )
    expect(
      users
        .filter((u) => u.user_identity_id)
        .every((u) => u.user_identity_full_name === u.full_name),
    ).toBe(true)

    // Names from several languages: accents and right-to-left scripts, as in real buildings.
    expect(users.some((u) => /[À-ž]/u.test(u.full_name!))).toBe(true)
    expect(users.some((u) => /\p{Script=Arabic}/u.test(u.full_name!))).toBe(true)
    expect(users.some((u) => /\p{Script=Hebrew}/u.test(u.full_name!))).toBe(true)
  })

  test('group members, identities and created events match the people added', async () => {
    const [tenants] = await seam.acs.accessGroups.list({ acs_system_id: system.acs_system_id })
    const members = await seam.acs.accessGroups.listUsers({
      acs_access_group_id: tenants!.acs_access_group_id,
    })
    // Each person joins the one group or not, about half and half.
    expect(members.length / LOAD).toBeGreaterThan(0.35)
    expect(members.length / LOAD).toBeLessThan(0.65)
    expect(new Set(members.map((u) => u.acs_user_id)).size).toBe(members.length)
    const memberIds = new Set(members.map((u) => u.acs_user_id))
    for (const user of [seeded[0]!, seeded[499]!, seeded[500]!, seeded.at(-1)!]) {
      const groups = await seam.acs.accessGroups.list({ acs_user_id: user.acs_user_id })
      expect(groups.map((g) => g.acs_access_group_id)).toEqual(
        memberIds.has(user.acs_user_id) ? [tenants!.acs_access_group_id] : [],
      )
    }

    const { db } = sandbox.world
    const identities = new Map(db.user_identities.map((i) => [i.user_identity_id, i]))
    const linked = db.acs_users.filter((u) => u.user_identity_id !== undefined)
    expect(identities.size).toBe(db.user_identities.length)
    expect(identities.size).toBe(linked.length)
    for (const user of linked) {
      expect(identities.get(user.user_identity_id!)).toMatchObject({
        full_name: user.full_name,
        email_address: user.email_address,
      })
    }

    const created = db.events.filter((e) => e.event_type === 'acs_user.created')
    expect(created.map((e) => (e as { acs_user_id?: string }).acs_user_id).sort()).toEqual(
      db.acs_users.map((u) => u.acs_user_id).sort(),
    )
    expect(db.acs_users.length).toBe(LOAD + DEMO)
  })

  test('get and update answer for people at the edges of the seeding batches', async () => {
    for (const [i, user] of [seeded[0]!, seeded[499]!, seeded[500]!, seeded.at(-1)!].entries()) {
      const got = await seam.acs.users.get({ acs_user_id: user.acs_user_id })
      schemas.acs_user.parse(got)
      expect(got).toMatchObject({
        acs_user_id: user.acs_user_id,
        full_name: user.full_name,
        email_address: user.email_address,
        is_suspended: user.is_suspended,
      })
      await seam.acs.users.update({
        acs_user_id: user.acs_user_id,
        full_name: `Edited Person ${i}`,
        phone_number: `+4420718387${50 + i}`,
      })
      expect(await seam.acs.users.get({ acs_user_id: user.acs_user_id })).toMatchObject({
        full_name: `Edited Person ${i}`,
        phone_number: `+4420718387${50 + i}`,
        email_address: user.email_address,
      })
    }
    const after = await seam
      .createPaginator(seam.acs.users.list({ acs_system_id: system.acs_system_id, limit: 1000 }))
      .flattenToArray()
    expect(after.length).toBe(LOAD)
    expect(after.filter((u) => u.full_name!.startsWith('Edited Person ')).length).toBe(4)
  })
})
