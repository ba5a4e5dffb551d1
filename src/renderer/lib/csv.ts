/**
 * CSV export of the users list and CSV import of new people. Import never queues anything
 * itself: it turns a file into a preview of drafts checked by the same `validateDraft` as the
 * user form, so a row that imports is exactly a row the form would have accepted.
 */
import Papa from 'papaparse'
import type { CountryCode } from 'libphonenumber-js'
import { e164, type CreateUserInput } from '../../shared/contract'
import { describeExternalType } from '../../shared/catalogue'
import { problemListsOf } from '../../shared/domain'
import { scheduleLabels, scheduleState } from './format'
import type { ViewUser } from './sync/overlay'
import { describeEntry, statusLabel, type GroupName } from './outbox-text'
import { emptyDraft, isoToLocal, validateDraft, type UserDraft } from './validation'

export const MAX_IMPORT_ROWS = 5000

const BOM = '\uFEFF'

/** Cells a spreadsheet would run as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * A strict E.164 number is a plus followed by digits only, so a spreadsheet can at most read it
 * as a number: there is no function, reference or DDE call to run. Prefixing it would put a
 * visible apostrophe in front of every phone number and make the column useless for the
 * dialers and SMS tools people paste it into.
 */
function guardFormula(cell: string): string {
  if (!FORMULA_START.test(cell) || e164.safeParse(cell).success) return cell
  return `'${cell}`
}

/** Undoes `guardFormula`, so our own export imports back unchanged. */
function unguard(cell: string): string {
  return cell.length > 1 && cell[0] === "'" && FORMULA_START.test(cell.slice(1))
    ? cell.slice(1)
    : cell
}

const isoUtc = (value: string | null | undefined): string => {
  if (!value) return ''
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? value : new Date(ms).toISOString()
}

const yesNo = (value: boolean | undefined) => (value ? 'yes' : 'no')

/** The export's columns, in a stable order; the ones import understands share its aliases. */
type Lookups = { systemName: (id: string) => string; groupName?: GroupName }

const exportColumns: [string, (user: ViewUser, names: Lookups) => string][] = [
  ['User ID', (u) => u.acs_user_id],
  ['Full name', (u) => u.full_name ?? u.display_name ?? ''],
  ['Email', (u) => u.email_address ?? u.email ?? ''],
  ['Phone', (u) => u.phone_number ?? ''],
  ['System', (u, { systemName }) => systemName(u.acs_system_id)],
  ['System ID', (u) => u.acs_system_id],
  ['User type', (u) => describeExternalType(u.external_type, u.external_type_display_name)],
  ['Suspended', (u) => yesNo(u.is_suspended)],
  ['Access starts', (u) => isoUtc(u.access_schedule?.starts_at)],
  ['Access ends', (u) => isoUtc(u.access_schedule?.ends_at)],
  ['Schedule', (u) => scheduleLabels[scheduleState(u)]],
  ['User identity ID', (u) => u.user_identity_id ?? ''],
  ['Identity name', (u) => u.user_identity_full_name ?? ''],
  ['Identity email', (u) => u.user_identity_email_address ?? ''],
  ['Identity phone', (u) => u.user_identity_phone_number ?? ''],
  [
    'Errors',
    (u) =>
      problemListsOf(u)
        .errors.map((e) => e.error_code)
        .join('; '),
  ],
  [
    'Warnings',
    (u) =>
      problemListsOf(u)
        .warnings.map((w) => w.warning_code)
        .join('; '),
  ],
  [
    'Seam pending changes',
    (u) =>
      problemListsOf(u)
        .pending_mutations.map((m) => m.mutation_code)
        .join('; '),
  ],
  [
    'Queued in Keyholder',
    (u, { groupName }) =>
      u.pending_entries.map((e) => `${describeEntry(e, groupName)} (${statusLabel(e)})`).join('; '),
  ],
  ['Managed by Seam', (u) => yesNo(u.is_managed)],
  ['Created', (u) => isoUtc(u.created_at)],
  ['Last synced with the door system', (u) => isoUtc(u.last_successful_sync_at)],
]

/**
 * One row per user. The BOM makes Excel read the file as UTF-8 (accents, Arabic, emoji);
 * CRLF is what Excel writes itself and every other reader accepts.
 */
export function usersToCsv(
  users: ViewUser[],
  systemName: (acs_system_id: string) => string,
  groupName?: GroupName,
) {
  const fields = exportColumns.map(([header]) => header)
  const names = { systemName, ...(groupName && { groupName }) }
  const data = users.map((user) => exportColumns.map(([, cell]) => guardFormula(cell(user, names))))
  return BOM + Papa.unparse({ fields, data }, { newline: '\r\n' })
}

type ImportField = keyof UserDraft | 'access_groups'

/** Normalised header → field. Normalising drops case, spaces, underscores, dashes and dots. */
const aliases: Record<string, ImportField> = {}
for (const [field, names] of Object.entries({
  full_name: ['name', 'full name', 'fullname', 'person name'],
  email_address: ['email', 'e-mail', 'email address', 'mail'],
  phone_number: ['phone', 'phone number', 'mobile', 'mobile phone', 'cell', 'telephone', 'tel'],
  user_identity_id: ['user identity id', 'identity id'],
  starts_at: ['access starts', 'starts at', 'starts', 'start', 'start date', 'valid from'],
  ends_at: ['access ends', 'ends at', 'ends', 'end', 'end date', 'valid until'],
  access_groups: ['access groups', 'access group', 'groups', 'group'],
} satisfies Record<ImportField, string[]>)) {
  for (const name of [field, ...names]) aliases[normaliseHeader(name)] = field as ImportField
}

function normaliseHeader(header: string) {
  return header.toLowerCase().replace(/[\s_.-]+/g, '')
}

/** What the dialog tells people to use; every name here is also an alias above. */
export const TEMPLATE_HEADER =
  'Full name,Email,Phone,User identity ID,Access starts,Access ends,Access groups'

export interface ImportContext {
  defaultCountry: CountryCode
  now?: number
  /** Access groups of the target system, to resolve the "Access groups" column by name or id (case-insensitive names). */
  groups: { acs_access_group_id: string; name: string }[]
  /** Emails already in the target system (lower-cased), to flag duplicates. */
  existingEmails: Set<string>
}

export interface ImportRow {
  /** 1-based line in the file, counting the header as line 1. */
  line: number
  draft: UserDraft
  groupNames: string[]
  /** Ready to queue (minus acs_system_id), or the reasons it cannot be. */
  input: Omit<CreateUserInput, 'acs_system_id'> | null
  errors: Partial<Record<keyof UserDraft | 'access_groups' | 'row', string>>
  /** Not an error: e.g. "Same email as an existing user" or "Same email as line 4" — such rows are skipped unless the person includes them. */
  warning?: string
}

export interface ImportPreview {
  rows: ImportRow[]
  fileErrors: string[]
  columns: { header: string; field: string | null }[]
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i

/** `new Date` quietly rolls 30 February over into March; a typo must not become a date. */
function realDate(y: string, m: string, d: string, hh = '00', mm = '00') {
  const date = new Date(+y, +m - 1, +d, +hh, +mm)
  return date.getMonth() === +m - 1 && date.getDate() === +d && +hh < 24 && +mm < 60
}

/**
 * A file date → the draft's `datetime-local` form, or null when it is in no format we accept.
 * Day/month orders such as 03/04/2026 are refused rather than guessed: they mean different
 * days in different countries.
 */
function toLocalInput(text: string, edge: 'start' | 'end'): string | null {
  if (!text) return ''
  let m = DATE.exec(text)
  if (m)
    return realDate(m[1]!, m[2]!, m[3]!) ? `${text}T${edge === 'start' ? '00:00' : '23:59'}` : null
  m = LOCAL.exec(text)
  if (m)
    return realDate(m[1]!, m[2]!, m[3]!, m[4], m[5])
      ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`
      : null
  if (ZONED.test(text)) return isoToLocal(text) || null
  return null
}

const DATE_HELP = 'Use a date like 2026-03-31 or 2026-03-31 09:00.'

function resolveGroups(cell: string, groups: ImportContext['groups']) {
  const byKey = new Map<string, string>()
  for (const g of groups) {
    byKey.set(g.acs_access_group_id.toLowerCase(), g.acs_access_group_id)
    byKey.set(g.name.trim().toLowerCase(), g.acs_access_group_id)
  }
  // A group whose own name contains a comma must still match when written whole.
  const whole = byKey.get(cell.toLowerCase())
  const names = whole
    ? [cell]
    : cell
        .split(/[;,]/)
        .map((n) => n.trim())
        .filter(Boolean)
  const ids = new Set<string>()
  const unknown: string[] = []
  for (const name of names) {
    const id = byKey.get(name.toLowerCase())
    if (id) ids.add(id)
    else unknown.push(name)
  }
  return { names, ids: [...ids], unknown }
}

const NEWLINES = /\r\n|\n|\r/g
const countLines = (text: string) => text.match(NEWLINES)?.length ?? 0

/** Reads a CSV file into a preview; nothing here has side effects. */
export function parseImport(text: string, context: ImportContext): ImportPreview {
  const source = text.startsWith(BOM) ? text.slice(1) : text
  const fileErrors: string[] = []
  if (source.includes('\uFFFD')) {
    fileErrors.push(
      'Some letters in this file could not be read because it is not saved as UTF-8. In Excel choose Save As → “CSV UTF-8 (Comma delimited)”, then pick the file again.',
    )
    return { rows: [], fileErrors, columns: [] }
  }

  const records: { cells: string[]; line: number; problem?: string }[] = []
  let consumed = 0
  let linesBefore = 0
  Papa.parse<string[]>(source, {
    skipEmptyLines: 'greedy',
    step(result) {
      const raw = source.slice(consumed, result.meta.cursor)
      linesBefore += countLines(raw)
      // Counted back from the record's end, so skipped blank (or all-empty ";;;") lines before
      // it and line breaks inside its quoted cells both land it on the line where it starts.
      const lastLine = 1 + linesBefore - (/(?:\r\n|\n|\r)$/.test(raw) ? 1 : 0)
      const line = lastLine - result.data.reduce((sum, cell) => sum + countLines(cell), 0)
      consumed = result.meta.cursor
      // A guessed delimiter is reported on the first record only and is not a fault of it.
      const problem = result.errors.find((e) => e.type !== 'Delimiter')?.message
      records.push({ cells: result.data, line, ...(problem && { problem }) })
    },
  })

  const header = records.shift()
  if (!header) return { rows: [], fileErrors: ['The file is empty.'], columns: [] }
  const used = new Set<ImportField>()
  const columns = header.cells.map((cell) => {
    const field = aliases[normaliseHeader(cell)]
    // A second column for the same field is ignored rather than merged: which one wins
    // would be a guess.
    if (!field || used.has(field)) return { header: cell.trim(), field: null }
    used.add(field)
    return { header: cell.trim(), field }
  })
  if (!used.has('full_name')) {
    fileErrors.push(
      `No column for the person’s name. The first line must name the columns, e.g. ${TEMPLATE_HEADER}`,
    )
  }
  if (records.length > MAX_IMPORT_ROWS) {
    fileErrors.push(
      `This file has ${records.length.toLocaleString('en')} people; Keyholder can check at most ${MAX_IMPORT_ROWS.toLocaleString('en')} at a time. Split it into smaller files.`,
    )
  }
  if (fileErrors.length > 0) return { rows: [], fileErrors, columns }

  const firstLineOfEmail = new Map<string, number>()
  const rows = records.map(({ cells, line, problem }): ImportRow => {
    const draft = emptyDraft()
    let groupsCell = ''
    columns.forEach((column, i) => {
      const value = unguard((cells[i] ?? '').trim())
      if (column.field === 'access_groups') groupsCell = value
      else if (column.field) draft[column.field] = value
    })
    const errors: ImportRow['errors'] = {}
    if (problem) errors.row = `This line could not be read (${problem}). Check its quotes.`
    else if (cells.length > columns.length) {
      errors.row = `This line has ${cells.length} cells but the first line names ${columns.length} columns. A value with a comma or semicolon probably needs quotes around it.`
    }
    for (const edge of ['start', 'end'] as const) {
      const field = edge === 'start' ? 'starts_at' : 'ends_at'
      const local = toLocalInput(draft[field], edge)
      if (local === null)
        errors[field] = `“${draft[field]}” is not a date Keyholder can read. ${DATE_HELP}`
      else draft[field] = local
    }

    const groups = resolveGroups(groupsCell, context.groups)
    if (groups.unknown.length > 0) {
      const quoted = groups.unknown.map((n) => `“${n}”`).join(', ')
      errors.access_groups =
        groups.unknown.length === 1
          ? `There is no access group ${quoted} in this system.`
          : `There are no access groups ${quoted} in this system.`
    }

    const validated = validateDraft(draft, {
      defaultCountry: context.defaultCountry,
      now: context.now ?? Date.now(),
    })
    // Our own date message is more precise than the validator's generic one.
    if (!validated.ok) Object.assign(errors, { ...validated.errors, ...errors })

    let warning: string | undefined
    const email = draft.email_address.trim().toLowerCase()
    if (email) {
      const earlier = firstLineOfEmail.get(email)
      if (context.existingEmails.has(email)) warning = 'Same email as an existing user.'
      else if (earlier !== undefined) warning = `Same email as line ${earlier}.`
      if (earlier === undefined) firstLineOfEmail.set(email, line)
    }

    const ok = validated.ok && Object.keys(errors).length === 0
    return {
      line,
      draft,
      groupNames: groups.names,
      input: ok
        ? {
            ...validated.values,
            ...(groups.ids.length > 0 && { acs_access_group_ids: groups.ids }),
          }
        : null,
      errors,
      ...(warning && { warning }),
    }
  })
  return { rows, fileErrors, columns }
}

/** Counts for the dialog; a row that may be a duplicate is skipped unless the person opts in. */
export function summarise(preview: ImportPreview, includeWarnings: boolean) {
  let ready = 0
  let withErrors = 0
  let skipped = 0
  for (const row of preview.rows) {
    if (!row.input) withErrors++
    else if (row.warning && !includeWarnings) skipped++
    else ready++
  }
  return { ready, withErrors, skipped }
}

/** The rows `summarise` counts as ready, in file order. */
export function rowsToQueue(preview: ImportPreview, includeWarnings: boolean) {
  return preview.rows.filter((row) => row.input && (!row.warning || includeWarnings))
}
