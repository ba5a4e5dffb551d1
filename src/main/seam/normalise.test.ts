/**
 * Untrusted answers: each kind of record checked on its own, and whole pages served by a real
 * loopback server through the SDK, so what is tested is what main does with the bytes.
 */
import { createFake, type Fake } from '@seamapi/fake-seam-connect'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KeyholderFailure } from '../../shared/errors'
import { createSeamClient, readCreated, toKeyholderError } from './index'
import { checkList, checkRecord, checkUserPage, LIMITS } from './normalise'

const person = (over: Record<string, unknown> = {}) => ({
  acs_user_id: 'acs_user_1',
  acs_system_id: 'sys_1',
  workspace_id: 'ws_1',
  full_name: 'Ada Lovelace',
  display_name: 'Ada Lovelace',
  created_at: '2026-01-01T00:00:00.000Z',
  is_suspended: false,
  errors: [],
  warnings: [],
  ...over,
})

describe('one person', () => {
  test('missing lists become empty ones; the rest is kept as sent', () => {
    const { errors: _e, warnings: _w, ...bare } = person({ badge_colour: 'blue' })
    const checked = checkRecord('acs_user', bare)
    expect(checked).toMatchObject({
      ok: true,
      value: { errors: [], warnings: [], pending_mutations: [], badge_colour: 'blue' },
    })
  })

  test('an unknown code is kept, for the screen to show as unrecognised', () => {
    const checked = checkRecord(
      'acs_user',
      person({
        errors: [{ error_code: 'brand_new_error', message: 'New', created_at: '2026-01-01' }],
        warnings: [{ warning_code: 'brand_new_warning' }],
        external_type: 'door_system_from_2030',
      }),
    )
    expect(checked.ok && checked.value.errors[0]!.error_code).toBe('brand_new_error')
    expect(checked.ok && checked.value.warnings[0]).toEqual({
      warning_code: 'brand_new_warning',
      message: '',
      created_at: '',
    })
    expect(checked.ok && checked.value.external_type).toBe('door_system_from_2030')
  })

  test.each([
    ['full_name', { full_name: 42 }, /full_name that is a number, not text/],
    ['is_suspended', { is_suspended: 'yes' }, /is_suspended that is text, not yes or no/],
    ['errors', { errors: 'none' }, /errors that is text, not a array/],
    ['errors.0.error_code', { errors: [{ message: 'x' }] }, /no errors\.0\.error_code/],
    ['acs_system_id', { acs_system_id: undefined }, /no acs_system_id/],
    ['full_name', { full_name: 'x'.repeat(LIMITS.name + 1) }, /longer than 1,000 characters/],
    ['email_address', { email_address: `${'a'.repeat(400)}@x.com` }, /longer than 320/],
    ['phone_number', { phone_number: '1'.repeat(65) }, /longer than 64/],
    ['notes', { notes: 'x'.repeat(10 * 1024 * 1024) }, /10,485,760 characters/],
    ['tags', { tags: Array.from({ length: 1001 }, () => 't') }, /1,001 items/],
  ])('refuses a bad %s, naming the field and the person', (field, over, why) => {
    const checked = checkRecord('acs_user', person(over))
    expect(checked.ok).toBe(false)
    if (checked.ok) return
    expect(checked.refusal).toMatchObject({ id: 'acs_user_1', field })
    expect(checked.refusal.message).toContain('acs_user_1')
    expect(checked.refusal.message).toMatch(why)
  })

  test('a record without a readable id is refused as such', () => {
    const checked = checkRecord('acs_user', person({ acs_user_id: 7 }))
    expect(checked).toMatchObject({ ok: false, refusal: { id: null, field: 'acs_user_id' } })
    expect(!checked.ok && checked.refusal.message).toMatch(/a person without a readable id/)
    expect(checkRecord('acs_user', 'hello')).toMatchObject({ ok: false, refusal: { id: null } })
  })
})

describe('a page of people', () => {
  test('a bad person is refused, the others still arrive', () => {
    const page = checkUserPage(
      [
        person({ acs_user_id: 'a' }),
        person({ acs_user_id: 'b', full_name: { first: 'B' } }),
        person({ acs_user_id: 'c', display_name: 'x'.repeat(5_000) }),
        person({ acs_user_id: 'd' }),
      ],
      'cursor-2',
    )
    expect(page.acs_users.map((u) => u.acs_user_id)).toEqual(['a', 'd'])
    expect(page.refused.map((r) => [r.acs_user_id, r.field])).toEqual([
      ['b', 'full_name'],
      ['c', 'display_name'],
    ])
    expect(page.next_page_cursor).toBe('cursor-2')
  })

  test('an over-long page marker is refused (and said so) rather than stalling the paging', () => {
    const page = checkUserPage([person()], 'c'.repeat(LIMITS.cursor + 1))
    expect(page.acs_users).toHaveLength(1)
    expect(page.next_page_cursor).toBeNull()
    expect(page.refused).toEqual([
      expect.objectContaining({ acs_user_id: null, field: 'next_page_cursor' }),
    ])
  })

  test('more people on one page than the limit: the rest are said to be unread', () => {
    const many = Array.from({ length: LIMITS.perPage + 3 }, (_, i) =>
      person({ acs_user_id: `u${i}` }),
    )
    const page = checkUserPage(many, null)
    expect(page.acs_users).toHaveLength(LIMITS.perPage)
    expect(page.refused).toHaveLength(1)
    expect(page.refused[0]!.message).toMatch(/so 3 were not read/)
  })
})

test.each([
  [
    'acs_system',
    { acs_system_id: 's1', name: 'Site' },
    { errors: [], warnings: [], connected_account_ids: [] },
  ],
  [
    'acs_access_group',
    { acs_access_group_id: 'g1', acs_system_id: 's1', name: 'Staff' },
    { display_name: 'Staff', errors: [], warnings: [], pending_mutations: [] },
  ],
  [
    'acs_entrance',
    { acs_entrance_id: 'e1', acs_system_id: 's1' },
    { display_name: '', errors: [], warnings: [], space_ids: [] },
  ],
  ['event', { event_id: 'ev1', event_type: 'acs_user.created_in_2030' }, {}],
] as const)('%s: missing lists filled, unknown values kept', (kind, raw, filled) => {
  const { values, refused } = checkList(kind, [raw, { ...raw, [Object.keys(raw)[0]!]: 5 }])
  expect(values).toEqual([{ ...raw, ...filled }])
  expect(refused).toHaveLength(1)
})

describe('the create answer', () => {
  const input = { acs_system_id: 'sys_1', full_name: 'Ada Lovelace', email_address: 'ada@x.org' }

  test('a readable answer is used as it is', () => {
    expect(readCreated(input, person({ full_name: 'ADA LOVELACE' })).full_name).toBe('ADA LOVELACE')
  })

  test('an unreadable field: the person exists, so what was sent stands in for it', () => {
    const user = readCreated(input, person({ full_name: ['?'] }))
    expect(user).toMatchObject({
      acs_user_id: 'acs_user_1',
      full_name: 'Ada Lovelace',
      email_address: 'ada@x.org',
      errors: [],
    })
  })

  test('an unreadable id: the outcome is unknown, and said so', () => {
    try {
      readCreated(input, person({ acs_user_id: null }))
      expect.unreachable()
    } catch (cause) {
      expect(cause).toBeInstanceOf(KeyholderFailure)
      expect((cause as KeyholderFailure).error).toMatchObject({
        kind: 'unreachable',
        uncertain: true,
      })
    }
  })
})

describe('through the SDK', () => {
  let server: Server
  let endpoint: string
  let body: unknown = {}
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('a page with a bad person and a 10 MB name still syncs the rest', async () => {
    body = {
      acs_users: [
        person({ acs_user_id: 'a' }),
        person({ acs_user_id: 'b', full_name: 'x'.repeat(10 * 1024 * 1024) }),
        person({ acs_user_id: 'c', full_name: 12 }),
        person({ acs_user_id: 'd', errors: undefined, warnings: undefined }),
      ],
      pagination: { has_next_page: false, next_page_cursor: null },
      ok: true,
    }
    const client = createSeamClient({ endpoint, apiKey: 'seam_test_key' })
    const page = await client.listUsersPage({ acs_system_id: 'sys_1' })
    expect(page.acs_users.map((u) => u.acs_user_id)).toEqual(['a', 'd'])
    expect(page.acs_users[1]).toMatchObject({ errors: [], warnings: [] })
    expect(page.refused.map((r) => r.acs_user_id)).toEqual(['b', 'c'])
  })

  test('a single read of an unreadable person is an error naming the field', async () => {
    body = { acs_user: person({ is_suspended: 'no' }), ok: true }
    const client = createSeamClient({ endpoint, apiKey: 'seam_test_key' })
    const failed = await client.getUser('acs_user_1').then(
      () => null,
      (cause: KeyholderFailure) => cause.error,
    )
    expect(failed?.kind).toBe('server')
    expect(failed?.message).toMatch(/acs_user_1.*is_suspended/)
  })

  test('systems: an unreadable one is left out, the others arrive', async () => {
    body = {
      acs_systems: [
        { acs_system_id: 's1', name: 'Site' },
        { acs_system_id: 's2', name: 9 },
      ],
      ok: true,
    }
    const client = createSeamClient({ endpoint, apiKey: 'seam_test_key' })
    expect((await client.listSystems()).map((s) => s.acs_system_id)).toEqual(['s1'])
  })
})

describe("Seam's own fake, as shipped", () => {
  let fake: Fake
  let endpoint: string
  let apiKey: string
  let systemId: string
  beforeAll(async () => {
    fake = await createFake()
    const seed = await fake.seed()
    apiKey = seed.seam_apikey1_token
    systemId = seed.visionline_acs_system_1
    fake.database.addAcsUser({
      external_type: 'visionline_system_user' as never,
      acs_system_id: systemId,
      workspace_id: seed.seed_workspace_1,
      full_name: 'Grace Hopper',
    })
    const started = await fake.startServer({ port: 0 })
    endpoint = `http://127.0.0.1:${(started.server.address() as AddressInfo).port}`
  })
  afterAll(() => fake?.stopServer())

  test('its people lack errors and warnings; they arrive with empty lists', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    const page = await client.listUsersPage({ acs_system_id: systemId })
    expect(page.refused).toEqual([])
    const grace = page.acs_users.find((u) => u.full_name === 'Grace Hopper')
    expect(grace).toMatchObject({ errors: [], warnings: [], pending_mutations: [] })
    const created = await client.createUser({ acs_system_id: systemId, full_name: 'Alan Turing' })
    expect(created).toMatchObject({ full_name: 'Alan Turing', errors: [], warnings: [] })
    expect(await client.getUser(created.acs_user_id)).toMatchObject({ errors: [] })
  })

  test('it has no access-group listing: a clear "does not offer this", not a crash', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    const error = await client.listAccessGroups(systemId).then(
      () => null,
      (cause: unknown) => toKeyholderError(cause),
    )
    expect(error?.kind).toBe('not_found')
    expect(error?.message).toContain('does not offer this (/acs/access_groups/list)')
  })
})
