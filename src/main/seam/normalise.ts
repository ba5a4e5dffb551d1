/**
 * Seam's answers, checked at main's boundary before anything stores or shows them. Lenient
 * where leniency is safe, strict where it is not:
 *
 * - a missing list (errors, warnings, pending_mutations…) becomes an empty one;
 * - a code or type this build does not know (an enum value from a newer API) is kept as it is:
 *   the catalogue shows it as "unrecognised", with the raw code;
 * - a field of the wrong type, or a value larger than the limits below, refuses that one record
 *   with a message naming the field and the record; the rest of the page is still read.
 *
 * The shapes follow `@seamapi/types` (the fields the app reads, with their types); enums are
 * read as plain strings so an unknown value never refuses a record. Unknown extra fields are
 * kept, within the same size limits.
 */
import { z } from 'zod'
import type {
  AcsAccessGroup,
  AcsEntrance,
  AcsSystem,
  AcsUser,
  SeamEvent,
} from '../../shared/domain'
import type { RefusedRecord } from '../../shared/contract'

/** The limits: far above anything real, far below what could stall or bloat the app. */
export const LIMITS = {
  /** An id (Seam's are ~40 characters). */
  id: 200,
  /** A person's or a thing's name. */
  name: 1_000,
  /** RFC 5321 allows 254; some slack for what a door system stores. */
  email: 320,
  /** E.164 is 16 characters; door systems store phones written any way. */
  phone: 64,
  /** A code (error, warning, type). */
  code: 200,
  /** Any other string, anywhere in a record. */
  string: 10_000,
  /** Any list inside a record (errors, warnings, groups…). */
  array: 1_000,
  /** Nesting inside a record. */
  depth: 20,
  /** A page marker; the request schema accepts no longer one back. */
  cursor: 2_000,
  /** People on one page (Seam sends at most a few hundred; a server without pagination, all). */
  perPage: 10_000,
} as const

const text = (max: number = LIMITS.string) => z.string().max(max)
const optionalText = (max: number = LIMITS.string) => text(max).nullish()
const idText = z.string().min(1).max(LIMITS.id)

/** An error, warning or pending change: code and message kept whatever the code. */
const problem = (codeKey: string) =>
  z
    .object({
      [codeKey]: text(LIMITS.code),
      message: text().default(''),
      created_at: text(64).default(''),
    })
    .passthrough()

const problems = (codeKey: string) => z.array(problem(codeKey)).max(LIMITS.array).default([])

const schedule = z
  .object({ starts_at: optionalText(64), ends_at: optionalText(64) })
  .passthrough()
  .nullish()

const acsUserShape = z
  .object({
    acs_user_id: idText,
    acs_system_id: idText,
    workspace_id: optionalText(LIMITS.id),
    connected_account_id: optionalText(LIMITS.id),
    full_name: optionalText(LIMITS.name),
    display_name: optionalText(LIMITS.name),
    email_address: optionalText(LIMITS.email),
    email: optionalText(LIMITS.email),
    phone_number: optionalText(LIMITS.phone),
    user_identity_id: optionalText(LIMITS.id),
    user_identity_full_name: optionalText(LIMITS.name),
    user_identity_email_address: optionalText(LIMITS.email),
    user_identity_phone_number: optionalText(LIMITS.phone),
    external_type: optionalText(LIMITS.code),
    external_type_display_name: optionalText(LIMITS.name),
    created_at: optionalText(64),
    last_successful_sync_at: optionalText(64),
    is_suspended: z.boolean().default(false),
    is_managed: z.boolean().optional(),
    access_schedule: schedule,
    errors: problems('error_code'),
    warnings: problems('warning_code'),
    pending_mutations: problems('mutation_code'),
  })
  .passthrough()
// A person without a display name is shown by their full name, as Seam itself does.
const acsUser = acsUserShape.transform((user) => ({
  ...user,
  display_name: user.display_name ?? user.full_name ?? '',
}))

const acsSystem = z
  .object({
    acs_system_id: idText,
    workspace_id: optionalText(LIMITS.id),
    name: text(LIMITS.name).default(''),
    external_type: optionalText(LIMITS.code),
    external_type_display_name: optionalText(LIMITS.name),
    system_type: optionalText(LIMITS.code),
    system_type_display_name: optionalText(LIMITS.name),
    connected_account_ids: z.array(idText).max(LIMITS.array).default([]),
    acs_user_count: z.number().int().nonnegative().optional(),
    acs_access_group_count: z.number().int().nonnegative().optional(),
    errors: problems('error_code'),
    warnings: problems('warning_code'),
  })
  .passthrough()

const acsAccessGroupShape = z
  .object({
    acs_access_group_id: idText,
    acs_system_id: idText,
    workspace_id: optionalText(LIMITS.id),
    name: text(LIMITS.name).default(''),
    display_name: optionalText(LIMITS.name),
    access_group_type: optionalText(LIMITS.code),
    access_group_type_display_name: optionalText(LIMITS.name),
    external_type: optionalText(LIMITS.code),
    external_type_display_name: optionalText(LIMITS.name),
    access_schedule: schedule,
    errors: problems('error_code'),
    warnings: problems('warning_code'),
    pending_mutations: problems('mutation_code'),
  })
  .passthrough()
const acsAccessGroup = acsAccessGroupShape.transform((group) => ({
  ...group,
  display_name: group.display_name ?? group.name,
}))

const acsEntrance = z
  .object({
    acs_entrance_id: idText,
    acs_system_id: idText,
    display_name: text(LIMITS.name).default(''),
    created_at: optionalText(64),
    space_ids: z.array(idText).max(LIMITS.array).default([]),
    errors: problems('error_code'),
    warnings: problems('warning_code'),
  })
  .passthrough()

const seamEvent = z
  .object({
    event_id: idText,
    event_type: text(LIMITS.code),
    workspace_id: optionalText(LIMITS.id),
    created_at: optionalText(64),
    occurred_at: optionalText(64),
    acs_system_id: optionalText(LIMITS.id),
    acs_user_id: optionalText(LIMITS.id),
  })
  .passthrough()

/** The fields each kind's check names, to compare with `@seamapi/types` (see the tests). */
export const checkedFields = {
  acs_user: acsUserShape.shape,
  acs_system: acsSystem.shape,
  acs_access_group: acsAccessGroupShape.shape,
  acs_entrance: acsEntrance.shape,
}

/** The kinds of record, each with its schema, id field and a word for messages. */
const kinds = {
  acs_user: { schema: acsUser, idKey: 'acs_user_id', noun: 'person' },
  acs_system: { schema: acsSystem, idKey: 'acs_system_id', noun: 'access system' },
  acs_access_group: { schema: acsAccessGroup, idKey: 'acs_access_group_id', noun: 'access group' },
  acs_entrance: { schema: acsEntrance, idKey: 'acs_entrance_id', noun: 'entrance' },
  event: { schema: seamEvent, idKey: 'event_id', noun: 'event' },
} as const
type Kind = keyof typeof kinds
interface Output {
  acs_user: AcsUser
  acs_system: AcsSystem
  acs_access_group: AcsAccessGroup
  acs_entrance: AcsEntrance
  event: SeamEvent
}

/** Why one record was not read. `id` is null when even its id could not be read. */
export interface Refusal {
  id: string | null
  field: string
  message: string
}

export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal }

/** Checks one record of a kind. */
export function checkRecord<K extends Kind>(kind: K, raw: unknown): Checked<Output[K]> {
  const { schema, idKey, noun } = kinds[kind]
  const rawId = (raw as Record<string, unknown> | null)?.[idKey]
  const id = typeof rawId === 'string' && rawId.length <= LIMITS.id ? rawId : null
  const refuse = (field: string, problem: string): Checked<Output[K]> => ({
    ok: false,
    refusal: {
      id,
      field,
      message: `Seam sent ${id ? `the ${noun} ${id}` : `${article(noun)} ${noun} without a readable id`} with ${problem}`,
    },
  })
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('(record)', `something other than a record (${describe(raw)}).`)
  }
  const tooBig = oversized(raw, '', 0)
  if (tooBig) return refuse(tooBig.field, tooBig.problem)
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const field = issue.path.join('.') || '(record)'
    return refuse(field, issueText(field, issue, raw))
  }
  return { ok: true, value: parsed.data as unknown as Output[K] }
}

/** Checks a list: the readable records, and why each of the others was not read. */
export function checkList<K extends Kind>(
  kind: K,
  raw: unknown,
): { values: Output[K][]; refused: Refusal[] } {
  const values: Output[K][] = []
  const refused: Refusal[] = []
  if (!Array.isArray(raw)) {
    refused.push({
      id: null,
      field: '(list)',
      message: `Seam sent ${describe(raw)} where a list of ${kinds[kind].noun} records belongs.`,
    })
    return { values, refused }
  }
  for (const item of raw) {
    const checked = checkRecord(kind, item)
    if (checked.ok) values.push(checked.value)
    else refused.push(checked.refusal)
  }
  return { values, refused }
}

/** A user page: each person checked, the page's size and marker too. */
export function checkUserPage(
  rawUsers: unknown,
  rawCursor: unknown,
): { acs_users: AcsUser[]; next_page_cursor: string | null; refused: RefusedRecord[] } {
  const list = rawUsers
  const refused: RefusedRecord[] = []
  let items = list
  if (Array.isArray(list) && list.length > LIMITS.perPage) {
    items = list.slice(0, LIMITS.perPage)
    refused.push({
      acs_user_id: null,
      field: 'acs_users',
      message: `Seam sent ${list.length.toLocaleString('en')} people on one page; Keyholder reads at most ${LIMITS.perPage.toLocaleString('en')} at a time, so ${(list.length - LIMITS.perPage).toLocaleString('en')} were not read.`,
    })
  }
  const { values, refused: people } = checkList('acs_user', items)
  for (const { id, field, message } of people) refused.push({ acs_user_id: id, field, message })
  let next_page_cursor: string | null = null
  if (typeof rawCursor === 'string' && rawCursor.length > 0) {
    if (rawCursor.length <= LIMITS.cursor) next_page_cursor = rawCursor
    else {
      refused.push({
        acs_user_id: null,
        field: 'next_page_cursor',
        message: `Seam sent a marker for the next page that is ${rawCursor.length.toLocaleString('en')} characters long (at most ${LIMITS.cursor.toLocaleString('en')} are accepted), so the people after this page could not be read.`,
      })
    }
  } else if (rawCursor !== null && rawCursor !== undefined && rawCursor !== '') {
    refused.push({
      acs_user_id: null,
      field: 'next_page_cursor',
      message: `Seam sent ${describe(rawCursor)} as the marker for the next page, so the people after this page could not be read.`,
    })
  }
  return { acs_users: values, next_page_cursor, refused }
}

/** The first string, list or nesting in a record that is over the limits. */
function oversized(
  value: unknown,
  path: string,
  depth: number,
): { field: string; problem: string } | null {
  const field = path || '(record)'
  if (typeof value === 'string') {
    return value.length > LIMITS.string
      ? {
          field,
          problem: `a ${field} of ${count(value.length)} characters (at most ${count(LIMITS.string)} are accepted).`,
        }
      : null
  }
  if (typeof value !== 'object' || value === null) return null
  if (depth > LIMITS.depth) {
    return { field, problem: `a ${field} nested more than ${LIMITS.depth} levels deep.` }
  }
  if (Array.isArray(value)) {
    if (value.length > LIMITS.array) {
      return {
        field,
        problem: `a ${field} list of ${count(value.length)} items (at most ${count(LIMITS.array)} are accepted).`,
      }
    }
    for (let i = 0; i < value.length; i++) {
      const found = oversized(value[i], `${path}.${i}`, depth + 1)
      if (found) return found
    }
    return null
  }
  for (const [key, inner] of Object.entries(value)) {
    const found = oversized(inner, path ? `${path}.${key}` : key, depth + 1)
    if (found) return found
  }
  return null
}

function issueText(field: string, issue: z.ZodIssue, raw: object): string {
  switch (issue.code) {
    case 'invalid_type': {
      const got = valueAt(raw, issue.path)
      return issue.received === 'undefined'
        ? `no ${field}, which Keyholder needs.`
        : `a ${field} that is ${describe(got)}, not ${expected(issue.expected)}.`
    }
    case 'too_big':
      return issue.type === 'array'
        ? `a ${field} list of more than ${count(Number(issue.maximum))} items.`
        : `a ${field} longer than ${count(Number(issue.maximum))} characters.`
    case 'too_small':
      return `an empty ${field}.`
    default:
      return `a ${field} Keyholder cannot read (${issue.message}).`
  }
}

function valueAt(raw: object, path: (string | number)[]): unknown {
  let at: unknown = raw
  for (const key of path) at = (at as Record<string | number, unknown> | null)?.[key]
  return at
}

function expected(type: string): string {
  return type === 'string' ? 'text' : type === 'boolean' ? 'yes or no' : `a ${type}`
}

function describe(value: unknown): string {
  if (value === null) return 'empty (null)'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'string') return 'text'
  if (typeof value === 'object') return 'a record'
  return `a ${typeof value}`
}

const count = (n: number) => n.toLocaleString('en')
const article = (noun: string) => (/^[aeiou]/.test(noun) ? 'an' : 'a')
