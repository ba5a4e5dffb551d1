/**
 * Contract tests: the sandbox must answer like the real Seam API wherever Keyholder depends on
 * it. Every response is parsed with the official schemas from `@seamapi/types`, through the
 * official SDK, so a difference from the real API fails here, not in front of a person.
 */
import { SeamHttp } from '@seamapi/http'
import { schemas } from '@seamapi/types/connect'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { errorCodes, mutationCodes, warningCodes } from '../../shared/catalogue'
import { startSandbox, type Sandbox } from './index'

let sandbox: Sandbox
let seam: SeamHttp

beforeAll(async () => {
  sandbox = await startSandbox({ users: 200, seed: 3 })
  seam = new SeamHttp({ apiKey: sandbox.apiKey, endpoint: sandbox.endpoint })
})
afterAll(() => sandbox?.stop())

const parseAll = (schema: { parse(v: unknown): unknown }, values: readonly unknown[]) => {
  for (const value of values) schema.parse(value)
}

describe('the sandbox speaks the real API', () => {
  test('systems: three brands, official shape', async () => {
    const systems = await seam.acs.systems.list()
    parseAll(schemas.acs_system, systems)
    expect(new Set(systems.map((s) => s.external_type))).toEqual(
      new Set(['salto_ks_site', 'latch_building', 'brivo_account']),
    )
    const one = await seam.acs.systems.get({ acs_system_id: systems[0]!.acs_system_id })
    schemas.acs_system.parse(one)
  })

  test('users: every page parses, pagination covers everyone exactly once', async () => {
    const systems = await seam.acs.systems.list()
    const seen = new Set<string>()
    let total = 0
    for (const system of systems) {
      const pages = seam.createPaginator(
        seam.acs.users.list({ acs_system_id: system.acs_system_id, limit: 17 }),
      )
      let pageCount = 0
      for await (const page of pages) {
        parseAll(schemas.acs_user, page)
        expect(page.length).toBeLessThanOrEqual(17)
        for (const user of page) {
          expect(seen.has(user.acs_user_id)).toBe(false)
          seen.add(user.acs_user_id)
          expect(user.acs_system_id).toBe(system.acs_system_id)
        }
        pageCount += 1
      }
      expect(pageCount).toBeGreaterThan(1)
      total += system.acs_user_count ?? 0
    }
    expect(seen.size).toBe(200)
    expect(total).toBe(200)
  })

  test('users carry an example of every error, warning and pending-mutation code', async () => {
    const users = await seam.createPaginator(seam.acs.users.list({ limit: 1000 })).flattenToArray()
    const codes = (
      pick: (u: (typeof users)[number]) => { [k: string]: unknown }[] | undefined,
      key: string,
    ) => new Set(users.flatMap((u) => (pick(u) ?? []).map((x) => x[key])))
    expect(codes((u) => u.errors, 'error_code')).toEqual(new Set(Object.keys(errorCodes)))
    expect(codes((u) => u.warnings, 'warning_code')).toEqual(new Set(Object.keys(warningCodes)))
    expect(codes((u) => u.pending_mutations, 'mutation_code')).toEqual(
      new Set(Object.keys(mutationCodes)),
    )
    // Believable people: some suspended, schedules in the past, present and future.
    const now = Date.now()
    // Changes in progress began minutes ago, as real ones do (older would read as stuck).
    const begun = users.flatMap((u) => (u.pending_mutations ?? []).map((m) => m.created_at))
    expect(begun.every((at) => now - Date.parse(at) < 15 * 60_000)).toBe(true)
    expect(users.some((u) => u.is_suspended)).toBe(true)
    const schedules = users.flatMap((u) => (u.access_schedule ? [u.access_schedule] : []))
    expect(schedules.some((s) => Date.parse(s.ends_at!) < now)).toBe(true)
    expect(schedules.some((s) => Date.parse(s.starts_at) > now)).toBe(true)
    expect(
      schedules.some((s) => Date.parse(s.starts_at) <= now && Date.parse(s.ends_at!) > now),
    ).toBe(true)
    expect(users.every((u) => !u.phone_number || /^\+[1-9]\d{6,14}$/.test(u.phone_number))).toBe(
      true,
    )
  })

  test('search matches name, email, phone and id', async () => {
    const [user] = await seam.acs.users.list({ limit: 1 })
    for (const needle of [
      user!.full_name!.split(' ')[0]!,
      user!.email_address!,
      user!.acs_user_id,
    ]) {
      const found = await seam.acs.users.list({ search: needle.toUpperCase().slice(0, 12) })
      expect(found.map((u) => u.acs_user_id)).toContain(user!.acs_user_id)
    }
    expect(await seam.acs.users.list({ search: 'no-such-person-zzz' })).toEqual([])
  })

  test('create and delete: the full user back, and acs_user events', async () => {
    const [system] = await seam.acs.systems.list()
    const since = new Date(Date.now() - 1000).toISOString()
    const created = await seam.acs.users.create({
      acs_system_id: system!.acs_system_id,
      full_name: 'Contract Test',
      email_address: 'contract@example.com',
      phone_number: '+442071838750',
    })
    schemas.acs_user.parse(created)
    schemas.acs_user.parse(await seam.acs.users.get({ acs_user_id: created.acs_user_id }))
    // Like the real API: the brand's user type, and no email made up when none was given.
    expect(created.external_type).toBe('salto_site_user')
    const noEmail = await seam.acs.users.create({
      acs_system_id: system!.acs_system_id,
      full_name: 'No Email',
    })
    expect(noEmail.email_address).toBeUndefined()
    await seam.acs.users.delete({ acs_user_id: noEmail.acs_user_id })
    await seam.acs.users.delete({ acs_user_id: created.acs_user_id })
    const events = await seam.events.list({
      since,
      acs_system_id: system!.acs_system_id,
      event_types: ['acs_user.created', 'acs_user.deleted'],
    })
    parseAll(schemas.seam_event, events)
    expect(events.map((e) => e.event_type).sort()).toEqual([
      'acs_user.created',
      'acs_user.created',
      'acs_user.deleted',
      'acs_user.deleted',
    ])
    await expect(seam.acs.users.get({ acs_user_id: created.acs_user_id })).rejects.toMatchObject({
      statusCode: 404,
    })
  })

  test('access groups, accessible entrances and revoking all access', async () => {
    const users = await seam.acs.users.list({ limit: 200 })
    let member: (typeof users)[number] | undefined
    for (const user of users) {
      if ((await seam.acs.accessGroups.list({ acs_user_id: user.acs_user_id })).length > 0) {
        member = user
        break
      }
    }
    expect(member).toBeDefined()
    const groups = await seam.acs.accessGroups.list({ acs_system_id: member!.acs_system_id })
    parseAll(schemas.acs_access_group, groups)
    const [joined] = await seam.acs.accessGroups.list({ acs_user_id: member!.acs_user_id })
    const members = await seam.acs.accessGroups.listUsers({
      acs_access_group_id: joined!.acs_access_group_id,
    })
    parseAll(schemas.acs_user, members)
    expect(members.map((u) => u.acs_user_id)).toContain(member!.acs_user_id)
    const entrances = await seam.acs.users.listAccessibleEntrances({
      acs_user_id: member!.acs_user_id,
    })
    parseAll(schemas.acs_entrance, entrances)
    expect(entrances.length).toBeGreaterThan(0)

    await seam.acs.users.revokeAccessToAllEntrances({ acs_user_id: member!.acs_user_id })
    expect(
      await seam.acs.users.listAccessibleEntrances({ acs_user_id: member!.acs_user_id }),
    ).toEqual([])
    expect(await seam.acs.accessGroups.list({ acs_user_id: member!.acs_user_id })).toEqual([])
  })

  test('update writes email_address, clears a schedule with null, and 404s an unknown user', async () => {
    const [user] = await seam.acs.users.list({ limit: 1 })
    await seam.acs.users.update({
      acs_user_id: user!.acs_user_id,
      full_name: 'Renamed Person',
      email_address: 'renamed@example.com',
      access_schedule: {
        starts_at: '2030-01-01T09:00:00.000Z',
        ends_at: '2030-02-01T17:00:00.000Z',
      },
    })
    const updated = await seam.acs.users.get({ acs_user_id: user!.acs_user_id })
    schemas.acs_user.parse(updated)
    expect(updated).toMatchObject({
      full_name: 'Renamed Person',
      display_name: 'Renamed Person',
      email_address: 'renamed@example.com',
      access_schedule: { starts_at: '2030-01-01T09:00:00.000Z' },
    })
    await seam.acs.users.update({ acs_user_id: user!.acs_user_id, access_schedule: null })
    expect(
      (await seam.acs.users.get({ acs_user_id: user!.acs_user_id })).access_schedule,
    ).toBeUndefined()
    await expect(
      seam.acs.users.update({ acs_user_id: 'missing', full_name: 'X' }),
    ).rejects.toMatchObject({
      statusCode: 404,
    })
  })

  test('adding to a group twice keeps one membership; removing a non-member is fine', async () => {
    const [system] = await seam.acs.systems.list()
    const [group] = await seam.acs.accessGroups.list({ acs_system_id: system!.acs_system_id })
    const [user] = await seam.acs.users.list({ acs_system_id: system!.acs_system_id, limit: 1 })
    const ids = { acs_user_id: user!.acs_user_id, acs_access_group_id: group!.acs_access_group_id }
    await seam.acs.users.addToAccessGroup(ids)
    await seam.acs.users.addToAccessGroup(ids)
    const memberships = (
      await seam.acs.accessGroups.list({ acs_user_id: user!.acs_user_id })
    ).filter((g) => g.acs_access_group_id === group!.acs_access_group_id)
    expect(memberships.length).toBe(1)
    expect(
      sandbox.world.db.acs_access_groups
        .find((g) => g.acs_access_group_id === group!.acs_access_group_id)!
        ._acs_user_ids.filter((u) => u === user!.acs_user_id),
    ).toHaveLength(1)
    await seam.acs.users.removeFromAccessGroup(ids)
    await seam.acs.users.removeFromAccessGroup(ids)
    expect(
      (await seam.acs.accessGroups.list({ acs_user_id: user!.acs_user_id })).map(
        (g) => g.acs_access_group_id,
      ),
    ).not.toContain(group!.acs_access_group_id)
  })

  test('a bad key is refused with 401', async () => {
    const stranger = new SeamHttp({ apiKey: 'seam_not_a_real_key', endpoint: sandbox.endpoint })
    await expect(stranger.acs.users.list({})).rejects.toMatchObject({ statusCode: 401 })
  })

  test('simulated connection loss cuts every request, and coming back restores them', async () => {
    sandbox.setConnected(false)
    await expect(seam.acs.systems.list()).rejects.toThrow()
    sandbox.setConnected(true)
    expect((await seam.acs.systems.list()).length).toBe(3)
  })
})

test('a load-test system holds a large number of users, listed page by page', async () => {
  const big = await startSandbox({ users: 10, loadTestUsers: 5000, seed: 5 })
  try {
    const client = new SeamHttp({ apiKey: big.apiKey, endpoint: big.endpoint })
    const system = (await client.acs.systems.list()).find((s) => s.name.includes('load test'))!
    const users = await client
      .createPaginator(client.acs.users.list({ acs_system_id: system.acs_system_id, limit: 1000 }))
      .flattenToArray()
    expect(users.length).toBe(5000)
    expect(new Set(users.map((u) => u.acs_user_id)).size).toBe(5000)
  } finally {
    await big.stop()
  }
})

test('the practice data has the same ids on every start; new users get fresh ones', async () => {
  const ids = async () => {
    const sandbox = await startSandbox({ users: 30, seed: 11 })
    try {
      const client = new SeamHttp({ apiKey: sandbox.apiKey, endpoint: sandbox.endpoint })
      const systems = await client.acs.systems.list()
      const users = await client.acs.users.list({ limit: 100 })
      const created = await client.acs.users.create({
        acs_system_id: systems[0]!.acs_system_id,
        full_name: 'Walk-in',
      })
      return {
        seeded: [...systems.map((s) => s.acs_system_id), ...users.map((u) => u.acs_user_id)].sort(),
        created: created.acs_user_id,
      }
    } finally {
      await sandbox.stop()
    }
  }
  const [first, second] = [await ids(), await ids()]
  expect(first.seeded).toEqual(second.seeded)
  expect(first.created).not.toBe(second.created)
  expect(first.seeded).not.toContain(second.created)
})
