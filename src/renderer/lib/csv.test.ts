import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import type { AcsUser } from '../../shared/domain'
import {
  MAX_IMPORT_ROWS,
  TEMPLATE_HEADER,
  parseImport,
  rowsToQueue,
  summarise,
  usersToCsv,
  type ImportContext,
} from './csv'
import type { OutboxEntry } from './sync/outbox-types'
import type { ViewUser } from './sync/overlay'
import { isoToLocal, localToIso } from './validation'
import { testUser } from '../../../tests/fixtures/test-user'

const NOW = Date.parse('2026-01-15T12:00:00Z')
const LOBBY = { acs_access_group_id: '6f1c0e8a-lobby', name: 'Lobby' }
const GARAGE = { acs_access_group_id: '9d2b7c41-garage', name: 'Garage, level -1' }
const context = (over: Partial<ImportContext> = {}): ImportContext => ({
  defaultCountry: 'GB',
  now: NOW,
  groups: [LOBBY, GARAGE],
  existingEmails: new Set(['taken@example.com']),
  ...over,
})

function user(over: Partial<AcsUser> & { pending_entries?: Partial<OutboxEntry>[] }): ViewUser {
  const { pending_entries = [], ...rest } = over
  return {
    ...testUser(rest),
    pending_fields: [],
    pending_delete: false,
    pending_create: false,
    pending_entries: pending_entries as OutboxEntry[],
  }
}

const schedule = { starts_at: '2026-02-01T09:00:00.000Z', ends_at: '2026-12-31T17:30:00.000Z' }
const people = [
  user({
    full_name: 'Zoë Müller-Lefèvre',
    email_address: 'zoe@example.com',
    access_schedule: schedule,
  }),
  user({ full_name: 'فاطمة الزهراء', phone_number: '+447911123456', user_identity_id: 'uid-42' }),
  user({ full_name: '<b>Bob</b> 🔑', email_address: 'bob@example.com' }),
  user({ full_name: 'O’Brien, "Pat"\nNight shift', email_address: 'pat@example.com' }),
]
const csvRows = (csv: string) => Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data

describe('usersToCsv', () => {
  it('writes a BOM, CRLF and every column in a stable order', () => {
    const csv = usersToCsv(
      [
        user({
          full_name: 'Zoë',
          external_type: 'salto_ks_user' as AcsUser['external_type'],
          external_type_display_name: 'Salto KS user',
          is_suspended: true,
          access_schedule: {
            starts_at: '2099-02-01T10:00:00+01:00',
            ends_at: '2099-12-31T17:30:00Z',
          },
          user_identity_full_name: 'Zoë M',
          errors: [{ error_code: 'failed_to_update_on_acs_system' }],
          warnings: [
            { warning_code: 'being_deleted' },
            { warning_code: 'unknown_issue_with_acs_user' },
          ],
          pending_mutations: [{ mutation_code: 'updating_user_information' }],
          pending_entries: [
            {
              op: 'update',
              params: { phone_number: '+442079460111' },
              status: 'queued',
              label: 'Zoë',
            },
            { op: 'suspend', params: {}, status: 'failed', label: 'Zoë' },
            {
              op: 'add_to_access_group',
              params: { acs_access_group_id: 'g-lobby' },
              status: 'queued',
              label: 'Zoë',
            },
          ],
        } as unknown as AcsUser),
      ],
      (id) => (id === 'sys-1' ? 'Main building' : '?'),
      (id) => (id === 'g-lobby' ? 'Lobby' : undefined),
    )
    expect(csv.startsWith('\uFEFFUser ID,Full name,Email,Phone,System,System ID,User type,')).toBe(
      true,
    )
    expect(csv.split('\r\n')).toHaveLength(2)
    const [header, row] = csvRows(csv) as [string[], string[]]
    const cell = Object.fromEntries(header.map((h, i) => [h, row[i]]))
    expect(header).toHaveLength(22)
    expect(cell).toMatchObject({
      System: 'Main building',
      'System ID': 'sys-1',
      'User type': 'Salto KS user',
      Suspended: 'yes',
      'Access starts': '2099-02-01T09:00:00.000Z',
      Schedule: 'Not started yet',
      'Identity name': 'Zoë M',
      Errors: 'failed_to_update_on_acs_system',
      Warnings: 'being_deleted; unknown_issue_with_acs_user',
      'Seam pending changes': 'updating_user_information',
      'Queued in Keyholder':
        'Change phone of Zoë to +44 20 7946 0111 (Waiting); Suspend Zoë (Failed); Add Zoë to Lobby (Waiting)',
      'Managed by Seam': 'yes',
      'Last synced with the door system': '2026-01-15T11:00:00.000Z',
    })
  })

  it('neutralises formulas but keeps E.164 phone numbers as they are', () => {
    const csv = usersToCsv(
      [
        user({
          full_name: '=HYPERLINK("http://evil.example","Click")',
          phone_number: '+15555550100',
        }),
        user({ full_name: '@SUM(A1:A9)', email_address: '-2+3@example.com' }),
        user({ full_name: '+1 555 CALL', phone_number: '\tcmd' }),
      ],
      () => 'S',
    )
    const [, a, b, c] = csvRows(csv)
    expect(a![1]).toBe('\'=HYPERLINK("http://evil.example","Click")')
    expect(a![3]).toBe('+15555550100')
    expect([b![1], b![2]]).toEqual(["'@SUM(A1:A9)", "'-2+3@example.com"])
    expect([c![1], c![3]]).toEqual(["'+1 555 CALL", "'\tcmd"])
    // The guard is undone on import, so the name comes back as it was.
    const back = parseImport(csv, context()).rows.map((r) => r.draft.full_name)
    expect(back).toEqual([
      '=HYPERLINK("http://evil.example","Click")',
      '@SUM(A1:A9)',
      '+1 555 CALL',
    ])
  })
})

describe('round trip', () => {
  it('imports its own export back as the same people', () => {
    const preview = parseImport(
      usersToCsv(people, () => 'Main building'),
      context(),
    )
    expect(preview.fileErrors).toEqual([])
    expect(preview.rows.map((r) => r.line)).toEqual([2, 3, 4, 5])
    expect(preview.rows.map((r) => r.input)).toEqual([
      {
        full_name: 'Zoë Müller-Lefèvre',
        email_address: 'zoe@example.com',
        access_schedule: schedule,
      },
      { full_name: 'فاطمة الزهراء', phone_number: '+447911123456', user_identity_id: 'uid-42' },
      { full_name: '<b>Bob</b> 🔑', email_address: 'bob@example.com' },
      // A name Seam holds with a line break (another system wrote it) is exported as it is,
      // but no one is created with one: the row says why, and the rest still import.
      null,
    ])
    expect(preview.rows[3]!.errors).toEqual({
      full_name: 'The name contains a line break at character 15. Put it all on one line.',
    })
    const ignored = preview.columns.filter((c) => c.field === null).map((c) => c.header)
    expect(ignored).toContain('User ID')
    expect(ignored).toContain('Identity email')
  })
})

describe('parseImport headers', () => {
  const aliases: [string, string][] = [
    ['Name', 'full_name'],
    ['Full name', 'full_name'],
    ['full_name', 'full_name'],
    ['FULL NAME', 'full_name'],
    ['Email', 'email_address'],
    ['Email address', 'email_address'],
    ['email_address', 'email_address'],
    ['E-mail', 'email_address'],
    ['Phone', 'phone_number'],
    ['Mobile', 'phone_number'],
    ['phone_number', 'phone_number'],
    ['Phone Number', 'phone_number'],
    ['User identity ID', 'user_identity_id'],
    ['user_identity_id', 'user_identity_id'],
    ['Access starts', 'starts_at'],
    ['Starts at', 'starts_at'],
    ['starts_at', 'starts_at'],
    ['Access ends', 'ends_at'],
    ['Ends at', 'ends_at'],
    ['ends_at', 'ends_at'],
    ['Access groups', 'access_groups'],
    ['Groups', 'access_groups'],
    ['access_groups', 'access_groups'],
  ]
  it.each(aliases)('reads the column “%s” as %s', (header, field) => {
    const { columns } = parseImport(`Name,${header}\nA,`, context())
    expect(columns[1]).toEqual({ header, field: field === 'full_name' ? null : field })
    if (field === 'full_name') expect(columns[0]!.field).toBe('full_name')
  })

  it('lists unknown columns as ignored and understands the template header', () => {
    const { columns } = parseImport(`${TEMPLATE_HEADER},Badge colour\n`, context())
    expect(columns.map((c) => c.field)).toEqual([
      'full_name',
      'email_address',
      'phone_number',
      'user_identity_id',
      'starts_at',
      'ends_at',
      'access_groups',
      null,
    ])
  })

  it('refuses a file without a name column, and an empty file', () => {
    const noName = parseImport('Email,Phone\nzoe@example.com,+447911123456\n', context())
    expect(noName.rows).toEqual([])
    expect(noName.fileErrors[0]).toMatch(/No column for the person’s name/)
    expect(parseImport('\r\n\r\n', context()).fileErrors).toEqual(['The file is empty.'])
  })
})

describe('parseImport rows', () => {
  const one = (line: string, over?: Partial<ImportContext>) =>
    parseImport(`${TEMPLATE_HEADER}\n${line}`, context(over)).rows[0]!

  it('gives each bad field its own message', () => {
    const email = one('Zoë,zoe@,,,,,').errors
    expect(Object.keys(email)).toEqual(['email_address'])
    expect(email.email_address).toMatch(/not a valid email/)
    expect(one('Zoë,,12345,,,,').errors.phone_number).toMatch(
      /not a valid phone number for the United Kingdom/,
    )
    expect(one(',zoe@example.com,,,,,').errors.full_name).toMatch(/full name/)
    expect(one('Zoë,,,,2026-06-01,2026-05-01,').errors.ends_at).toBe(
      'The end must be after the start.',
    )
    expect(one('Zoë,,,,2025-06-01,2025-12-31,').errors.ends_at).toMatch(/in the past/)
    expect(one('Zoë,,,,03/04/2026,2026-05-01,').errors.starts_at).toMatch(
      /“03\/04\/2026” is not a date/,
    )
    expect(one('Zoë,,,,2026-02-30,2026-05-01,').errors.starts_at).toMatch(/not a date/)
    // Refused, and never shown as a guess either: the row keeps what the file says.
    const guessed = one('Zoë,,,,2026-12-31,01/02/2027,')
    expect(guessed.errors.ends_at).toMatch(/“01\/02\/2027” is not a date/)
    expect(guessed.draft.ends_at).toBe('01/02/2027')
    expect(localToIso(guessed.draft.ends_at)).toBeNull()
    const bad = one('Zoë,,,,,,Lobby;Roof;Vault')
    expect(bad.errors.access_groups).toBe(
      'There are no access groups “Roof”, “Vault” in this system.',
    )
    expect(bad.input).toBeNull()
    expect(one('Zoë,,,,,,Roof').errors.access_groups).toBe(
      'There is no access group “Roof” in this system.',
    )
  })

  it('refuses a row Seam would refuse, with its reason, and keeps the others', () => {
    const long = `${'a'.repeat(300)}@example.com`
    const file = [
      TEMPLATE_HEADER,
      'Jane\u0000Doe,jane@example.com,,,,,',
      `Long Email,${long},,,,,`,
      `Long Local,${'b'.repeat(65)}@example.com,,,,,`,
      'Edge Case,' + `${'c'.repeat(64)}@${'d'.repeat(185)}.com` + ',,,,,',
      'Overlong Edge,' + `${'c'.repeat(64)}@${'d'.repeat(186)}.com` + ',,,,,',
      'Reversed \u202Eeod,,,,,,',
      'Too Many Digits,,+44 20 7183 8750 123456,,,,',
      'فاطمة الزهراء 🔑,fatima@example.com,,,,,',
    ].join('\n')
    const preview = parseImport(file, context())
    expect(preview.rows.map((r) => [r.line, r.errors])).toEqual([
      [
        2,
        {
          full_name:
            'The name contains a hidden control character (U+0000) at character 5. Type it again by hand rather than copying it.',
        },
      ],
      [3, { email_address: 'The email address is too long: 312 characters, at most 254.' }],
      [
        4,
        {
          email_address:
            'The part of the email address before the @ is too long: 65 characters, at most 64.',
        },
      ],
      [5, {}],
      [6, { email_address: 'The email address is too long: 255 characters, at most 254.' }],
      [
        7,
        {
          full_name:
            'The name contains a hidden character that changes the direction of the text (U+202E) at character 10. Type it again by hand rather than copying it.',
        },
      ],
      [
        8,
        {
          phone_number:
            'The phone number is too long: 18 digits, at most 15 including the country code.',
        },
      ],
      [9, {}],
    ])
    expect(summarise(preview, false)).toEqual({ ready: 2, withErrors: 6, skipped: 0 })
    expect(rowsToQueue(preview, false).map((r) => r.input)).toEqual([
      { full_name: 'Edge Case', email_address: `${'c'.repeat(64)}@${'d'.repeat(185)}.com` },
      { full_name: 'فاطمة الزهراء 🔑', email_address: 'fatima@example.com' },
    ])
    // A refused row keeps what the file says, for the preview.
    expect(preview.rows[1]!.draft.email_address).toBe(long)
  })

  it('reads phone numbers in local spelling and groups by id or name', () => {
    const row = one('Zoë,,020 7183 8750,,,,"lobby, 9D2B7C41-GARAGE;Lobby"')
    expect(row.input).toEqual({
      full_name: 'Zoë',
      phone_number: '+442071838750',
      acs_access_group_ids: [LOBBY.acs_access_group_id, GARAGE.acs_access_group_id],
    })
    expect(one('Zoë,,,,,,"Garage, level -1"').input?.acs_access_group_ids).toEqual([
      GARAGE.acs_access_group_id,
    ])
  })

  it('accepts ISO instants, local date-times and bare dates', () => {
    const zoned = one('Zoë,,,,2026-03-01T08:00:00Z,2026-03-31T18:00+02:00,')
    expect(zoned.draft.starts_at).toBe(isoToLocal('2026-03-01T08:00:00Z'))
    expect(zoned.input?.access_schedule).toEqual({
      starts_at: '2026-03-01T08:00:00.000Z',
      ends_at: '2026-03-31T16:00:00.000Z',
    })
    const local = one('Zoë,,,,2026-03-01 08:15,2026-03-31,')
    expect(local.draft).toMatchObject({
      starts_at: '2026-03-01T08:15',
      ends_at: '2026-03-31T23:59',
    })
    expect(local.input?.access_schedule?.starts_at).toBe(localToIso('2026-03-01T08:15'))
    expect(one('Zoë,,,,2026-03-01,2026-03-01,').draft.starts_at).toBe('2026-03-01T00:00')
  })

  it('flags duplicates of existing users and within the file, and skips them unless asked', () => {
    const file = [
      TEMPLATE_HEADER,
      'Zoë,zoe@example.com,,,,,',
      'Taken,TAKEN@example.com,,,,,',
      '',
      'Zoë again,Zoe@Example.com,,,,,',
      'Broken,nope,,,,,',
    ].join('\r\n')
    const preview = parseImport(file, context())
    expect(preview.rows.map((r) => [r.line, r.warning])).toEqual([
      [2, undefined],
      [3, 'Same email as an existing user.'],
      [5, 'Same email as line 2.'],
      [6, undefined],
    ])
    expect(summarise(preview, false)).toEqual({ ready: 1, withErrors: 1, skipped: 2 })
    expect(summarise(preview, true)).toEqual({ ready: 3, withErrors: 1, skipped: 0 })
    expect(rowsToQueue(preview, true).map((r) => r.line)).toEqual([2, 3, 5])
  })
})

describe('parseImport files', () => {
  it('reads European Excel files: BOM, CRLF, semicolons, quoted newlines', () => {
    const file =
      '\uFEFFNom;Name;E-mail;Mobile;Groups\r\n' +
      '\r\n' +
      'x;"Lefèvre; Amélie";amelie@example.fr;+33 6 12 34 56 78;Lobby\r\n' +
      'x;"Ana\r\nMaría";;;\r\n' +
      ';;;;\r\n' +
      'x;عمر;omar@example.com;;\r\n'
    const preview = parseImport(file, context({ defaultCountry: 'FR' }))
    expect(preview.columns[0]).toEqual({ header: 'Nom', field: null })
    expect(preview.rows.map((r) => [r.line, r.draft.full_name])).toEqual([
      [3, 'Lefèvre; Amélie'],
      [4, 'Ana\r\nMaría'],
      [7, 'عمر'],
    ])
    expect(preview.rows[0]!.input).toMatchObject({ phone_number: '+33612345678' })
  })

  it('reports a line with too many cells or a broken quote instead of guessing', () => {
    const preview = parseImport(
      'Name,Email\nSmith, John,john@example.com\n"Unclosed,x\n',
      context(),
    )
    expect(preview.rows[0]!.errors.row).toMatch(/has 3 cells but the first line names 2 columns/)
    expect(preview.rows[1]!.errors.row).toMatch(/could not be read/)
    expect(preview.rows.every((r) => r.input === null)).toBe(true)
  })

  it('refuses files that are not UTF-8', () => {
    const preview = parseImport('Name\nRen\uFFFDe\n', context())
    expect(preview.rows).toEqual([])
    expect(preview.fileErrors[0]).toMatch(/UTF-8/)
  })

  it('previews up to 5,000 people and refuses more rather than truncating', () => {
    const lines = (n: number) =>
      ['Name,Email', ...Array.from({ length: n }, (_, i) => `Person ${i},p${i}@example.com`)].join(
        '\n',
      )
    const full = parseImport(lines(MAX_IMPORT_ROWS), context())
    expect(full.fileErrors).toEqual([])
    expect(full.rows).toHaveLength(5000)
    expect(full.rows.at(-1)!.line).toBe(5001)
    const over = parseImport(lines(MAX_IMPORT_ROWS + 1), context())
    expect(over.rows).toEqual([])
    expect(over.fileErrors).toEqual([
      'This file has 5,001 people; Keyholder can check at most 5,000 at a time. Split it into smaller files.',
    ])
  })
})
