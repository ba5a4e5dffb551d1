import { describe, expect, test } from 'vitest'
import type { AcsUser } from '../../shared/domain'
import type { OutboxEntry } from './sync/outbox-types'
import { defaultQuery, matchesTerms, searchTerms, UsersIndex, type Query } from './users-index'

const NOW = Date.parse('2026-06-01T12:00:00Z')

function user(n: number, patch: Partial<AcsUser> = {}): AcsUser {
  return {
    acs_user_id: `u${String(n).padStart(5, '0')}`,
    acs_system_id: n % 2 ? 'sys-a' : 'sys-b',
    workspace_id: 'w',
    connected_account_id: 'c',
    created_at: new Date(NOW - n * 1000).toISOString(),
    display_name: `Person ${n}`,
    full_name: `Person ${n}`,
    email_address: `person${n}@example.com`,
    phone_number: `+1212555${String(n).padStart(4, '0')}`,
    is_suspended: false,
    is_managed: true,
    errors: [],
    warnings: [],
    pending_mutations: [],
    last_successful_sync_at: null,
    external_type: 'salto_site_user',
    external_type_display_name: 'Salto site user',
    ...patch,
  }
}

function entry(
  target_id: string,
  op: OutboxEntry['op'],
  params: object,
  status: OutboxEntry['status'] = 'queued',
) {
  return {
    id: `${target_id}-${op}`,
    op,
    params,
    target_id,
    acs_system_id: 'sys-a',
    created_at: new Date(NOW).toISOString(),
    base: {},
    status,
    attempts: 0,
    attempt_started_at: null,
    next_attempt_at: 0,
    last_error: null,
    conflicts: null,
    label: target_id,
  } as OutboxEntry
}

const q = (patch: Partial<Query> = {}): Query => ({ ...defaultQuery(), ...patch })

describe('the users index', () => {
  const index = new UsersIndex()
  index.replaceAll([
    user(1, { full_name: 'Zoë Ångström', email_address: 'zoe@example.com' }),
    user(2, { full_name: 'ahmed Ali', is_suspended: true }),
    user(3, {
      full_name: 'Bob <b>Builder</b>',
      errors: [
        { error_code: 'deleted_externally', message: 'x', created_at: '2026-01-01T00:00:00Z' },
      ],
    }),
    user(4, {
      full_name: 'وسام النجار',
      warnings: [
        { warning_code: 'being_deleted', message: 'x', created_at: '2026-01-01T00:00:00Z' },
      ],
    }),
    user(5, {
      full_name: 'Carla Diaz',
      access_schedule: { starts_at: '2030-01-01T00:00:00Z', ends_at: '2030-02-01T00:00:00Z' },
    }),
  ])

  test('sorts by name, ignoring case and accents, and the other way round', () => {
    const names = index.search(q()).map((r) => r.name)
    expect(names.slice(0, 4)).toEqual([
      'ahmed Ali',
      'Bob <b>Builder</b>',
      'Carla Diaz',
      'Zoë Ångström',
    ])
    expect(index.search(q({ descending: true })).map((r) => r.name)[0]).toBe('وسام النجار')
  })

  test('finds by any part of name, email, phone (with or without spaces), or id', () => {
    expect(index.search(q({ text: 'ångs' })).map((r) => r.id)).toEqual(['u00001'])
    expect(index.search(q({ text: 'ZOE@' })).map((r) => r.id)).toEqual(['u00001'])
    expect(index.search(q({ text: '5550002' })).map((r) => r.id)).toEqual(['u00002'])
    expect(index.search(q({ text: '+1212 555 0002' })).map((r) => r.id)).toEqual(['u00002'])
    expect(index.search(q({ text: 'u00003' })).map((r) => r.id)).toEqual(['u00003'])
    expect(index.search(q({ text: 'النجار' })).map((r) => r.id)).toEqual(['u00004'])
    expect(index.search(q({ text: 'nobody-like-this' }))).toEqual([])
  })

  test('a phone number is found however it is written, in part or whole', () => {
    const london = new UsersIndex()
    london.replaceAll([
      user(1, { full_name: 'Ada', phone_number: '+442079460456' }),
      user(2, { full_name: 'Ben', phone_number: '+447700900123' }),
      user(3, { full_name: 'Cy', phone_number: '+12125550199' }),
      user(4, { full_name: 'Dee', phone_number: '+13125440199' }),
    ])
    const ids = (text: string) => london.search(q({ text })).map((r) => r.id)
    expect(ids('020 7946 0456')).toEqual(['u00001'])
    expect(ids('+44 20 7946')).toEqual(['u00001'])
    expect(ids('07700 900')).toEqual(['u00002'])
    expect(ids('0044 7700 900123')).toEqual(['u00002'])
    expect(ids('(212) 555-0199')).toEqual(['u00003'])
    expect(ids('1 212 555 0199')).toEqual(['u00003'])
    expect(ids('+44 (0)20 7946 0456')).toEqual(['u00001'])
    // A country code is the start of the number, not any 44 in a number or an ID.
    expect(ids('+44').sort()).toEqual(['u00001', 'u00002'])
    expect(ids('0044').sort()).toEqual(['u00001', 'u00002'])
    expect(ids('544 0199')).toEqual(['u00004'])
    // Written as a whole number, it is looked for among phone numbers only: its short groups
    // are not found scattered over other numbers and IDs.
    london.upsert([user(5, { full_name: 'Eve', phone_number: '+33651010660' })])
    london.upsert([user(6, { full_name: 'Fay 06 51 60', phone_number: '+4915154015406' })])
    expect(ids('06 51 01 06 60')).toEqual(['u00005'])
    // Two groups may still be words of a name or address ("Room 3 14").
    expect(ids('06 51').sort()).toEqual(['u00005', 'u00006'])
    // From a phone number to words: the earlier, phone-only result is not narrowed.
    london.upsert([user(7, { full_name: 'Dupont 06 51 01', phone_number: '+33612345678' })])
    expect(ids('06 51 01')).toEqual(['u00005'])
    expect(ids('06 51 01 dupont')).toEqual(['u00007'])
    // Typed one key at a time: every prefix still finds the person (narrowing stays right).
    const typed = '020 7946 0456'
    for (let end = 1; end <= typed.length; end++)
      expect(ids(typed.slice(0, end))).toContain('u00001')
  })

  test('numbers that are not phone numbers are still found as written', () => {
    const flats = new UsersIndex()
    flats.replaceAll([
      user(1, { full_name: 'Flat 1.2 Tenant', phone_number: '+441632960001' }),
      user(2, { full_name: 'Unit 12-3 Tenant', phone_number: '+441632960002' }),
      user(3, { full_name: 'Room 3 Guest', email_address: 'room14@example.com' }),
    ])
    const ids = (text: string) => flats.search(q({ text })).map((r) => r.id)
    expect(ids('1.2')).toContain('u00001')
    expect(ids('12-3')).toContain('u00002')
    expect(ids('3 14')).toContain('u00003')
  })

  test('typing more narrows the previous result; deleting letters widens again', () => {
    expect(index.search(q({ text: 'example.com' })).length).toBe(5)
    expect(index.search(q({ text: 'example.com person2' })).map((r) => r.id)).toEqual(['u00002'])
    expect(index.search(q({ text: 'example.com' })).length).toBe(5)
  })

  test('filters: system, suspended, errors, warnings, schedule, brand', () => {
    expect(
      index
        .search(q({ system: 'sys-b' }))
        .map((r) => r.id)
        .sort(),
    ).toEqual(['u00002', 'u00004'])
    expect(index.search(q({ suspended: true })).map((r) => r.id)).toEqual(['u00002'])
    expect(index.search(q({ errors: true })).map((r) => r.id)).toEqual(['u00003'])
    expect(index.search(q({ warnings: true })).map((r) => r.id)).toEqual(['u00004'])
    expect(index.search(q({ schedule: 'not_started' })).map((r) => r.id)).toEqual(['u00005'])
    expect(index.search(q({ brand: 'Nope' }))).toEqual([])
  })

  test('queued edits show in the table, can be found, and offline creates appear', () => {
    index.setOutbox([
      entry('u00001', 'update', { full_name: 'Zoe Renamed' }),
      entry('u00003', 'suspend', {}, 'failed'),
      entry('tmp_new', 'create', { acs_system_id: 'sys-a', full_name: 'Walk-in Visitor' }),
    ])
    expect(index.row('u00001')).toMatchObject({
      name: 'Zoe Renamed',
      pending: 1,
      pendingState: 'queued',
    })
    expect(index.search(q({ text: 'renamed' })).map((r) => r.id)).toEqual(['u00001'])
    // Suspended as the person asked, but not at Seam yet: the doors still let them in.
    expect(index.row('u00003')).toMatchObject({
      suspended: true,
      suspendPending: true,
      pendingState: 'failed',
    })
    expect(index.row('u00002')).toMatchObject({ suspended: true, suspendPending: false })
    expect(
      index
        .search(q({ pending: true }))
        .map((r) => r.id)
        .sort(),
    ).toEqual(['tmp_new', 'u00001', 'u00003'])
    expect(index.row('tmp_new')).toMatchObject({ name: 'Walk-in Visitor', pendingCreate: true })
    index.setOutbox([])
    expect(index.row('u00001')?.name).toBe('Zoë Ångström')
    expect(index.row('tmp_new')).toBeUndefined()
  })

  test('a renamed user moves to the right place in the sorted order', () => {
    expect(index.search(q()).at(-1)?.name).toBe('وسام النجار')
    index.upsert([user(4, { full_name: 'Aaron First' })])
    expect(index.search(q()).map((r) => r.name)[0]).toBe('Aaron First')
    expect(
      index
        .search(q({ descending: true }))
        .map((r) => r.name)
        .at(-1),
    ).toBe('Aaron First')
    index.upsert([user(4, { full_name: 'وسام النجار' })])
    expect(index.search(q()).at(-1)?.name).toBe('وسام النجار')
  })

  test('upserts and removals change the results', () => {
    index.upsert([user(6, { full_name: 'Newly Synced' })])
    expect(index.search(q({ text: 'newly' })).map((r) => r.id)).toEqual(['u00006'])
    index.remove(['u00006'])
    expect(index.search(q({ text: 'newly' }))).toEqual([])
  })
})

test('50,000 users: a search is a plain scan over short strings', () => {
  const index = new UsersIndex()
  const users = Array.from({ length: 50_000 }, (_, n) => user(n))
  index.replaceAll(users)
  expect(index.size).toBe(50_000)
  // 4999, 14999 … 44999 and 49990 … 49999
  expect(index.search(q({ text: 'person 4999' })).length).toBe(15)
  expect(index.search(q({ text: 'person 49999' })).map((r) => r.id)).toEqual(['u49999'])
})

test('a large index finds exactly what a plain look at every row finds, however it is typed', () => {
  // More rows than are narrowed one by one, so the haystack path runs; names chosen so that
  // words repeat, overlap and sit at the very start and end of a row's search string.
  const first = ['Ana', 'Anna', 'Hannah', 'Jo', 'Joan', 'Lee', 'Leena', 'Zoë', 'Øyvind', 'وسام']
  const last = ['Lee', 'Smith', 'Smithers', 'Mueller', 'Müller', 'Ng', 'O’Neil', 'Jones']
  const users = Array.from({ length: 6000 }, (_, n) =>
    user(n, {
      full_name: `${first[n % first.length]} ${last[(n * 7) % last.length]}`,
      email_address: n % 5 ? `${first[n % 3]!.toLowerCase()}${n}@example.org` : undefined,
      phone_number: n % 4 ? `+4420794${String(n).padStart(5, '0')}` : undefined,
      is_suspended: n % 9 === 0,
    }),
  )
  const index = new UsersIndex()
  index.replaceAll(users)
  const everyone = index.search(q())
  const plain = (text: string, patch: Partial<Query> = {}) =>
    everyone
      .filter((row) => patch.suspended == null || row.suspended === patch.suspended)
      .filter((row) => matchesTerms(row, searchTerms(text)))
      .map((row) => row.id)
  const queries = [
    'ann',
    'lee',
    'lee j',
    'smith lee',
    'müller',
    'example.org',
    'u0000',
    'u05999',
    '020 794',
    '+44 (0)20 7940 0012',
    '4420794',
    '020 7940 00',
    '020 7940 00 ana',
    '1 2 3',
    '32 1 0',
    '4',
    '2079',
    '0207',
    'وسام',
    'zzqx',
    'g\nu',
  ]
  for (const text of queries) {
    // Typed a letter at a time (narrowing the previous result), then searched afresh.
    for (let end = 1; end <= text.length; end++) index.search(q({ text: text.slice(0, end) }))
    const typed = index.search(q({ text })).map((r) => r.id)
    expect(typed, text).toEqual(plain(text))
    index.search(q({ text: 'x', suspended: true }))
    expect(
      index.search(q({ text, suspended: true })).map((r) => r.id),
      text,
    ).toEqual(plain(text, { suspended: true }))
  }
  // A match may not run from the end of one person's search string (their id) into the next.
  expect(index.search(q({ text: '1\u0000' }))).toEqual([])
  // The other order finds the same people, the other way round.
  expect(index.search(q({ text: 'lee', descending: true })).map((r) => r.id)).toEqual(
    plain('lee').reverse(),
  )
})

test('access that starts or ends while the app is open changes the schedule column and filter', () => {
  const index = new UsersIndex()
  const starts = Date.now() + 60_000
  const ends = starts + 60_000
  index.replaceAll([
    user(1, {
      access_schedule: {
        starts_at: new Date(starts).toISOString(),
        ends_at: new Date(ends).toISOString(),
      },
    }),
    user(2),
  ])
  const state = () => index.row('u00001')?.schedule
  expect(state()).toBe('not_started')
  expect(index.refreshSchedules(starts - 1)).toBe(false)
  expect(index.refreshSchedules(starts)).toBe(true)
  expect(state()).toBe('active')
  expect(index.search(q({ schedule: 'active' })).map((r) => r.id)).toEqual(['u00001'])
  expect(index.refreshSchedules(ends - 1)).toBe(false)
  expect(index.refreshSchedules(ends)).toBe(true)
  expect(state()).toBe('expired')
  // Nothing left to change by itself.
  expect(index.refreshSchedules(ends + 365 * 86_400_000)).toBe(false)
})

test('the type filter offers what the chosen system has; a new person takes their system’s type', () => {
  const index = new UsersIndex()
  index.replaceAll([
    user(1, { acs_system_id: 'sys-a', external_type: 'salto_site_user' }),
    user(2, { acs_system_id: 'sys-b', external_type: 'brivo_user' }),
  ])
  const salto = index.row('u00001')!.brand
  const brivo = index.row('u00002')!.brand
  expect(index.brands().sort()).toEqual([brivo, salto].sort())
  expect(index.brands('sys-a')).toEqual([salto])
  index.setOutbox([
    entry('tmp_new', 'create', { acs_system_id: 'sys-b', full_name: 'Walk-in Visitor' }),
  ])
  expect(index.row('tmp_new')?.brand).toBe(brivo)
  expect(index.brands('sys-b')).toEqual([brivo])
})
