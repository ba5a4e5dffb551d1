/**
 * Queued edits in plain words, for the outbox panel: what an entry does, its state, why it
 * waits, and the values of a conflict. Pure functions: no Svelte, no clock unless passed in.
 */
import { properties } from '../../shared/catalogue'
import { explain } from './explain'
import { formatDateTime, formatPhone } from './format'
import type { ChangeField, OutboxEntry } from './sync/outbox-types'

export type Connectivity = 'online' | 'offline' | 'unauthorized' | 'checking'
export type GroupName = (id: string) => string | undefined

/**
 * A piece of a sentence. `isolate` marks text that comes from people (names, emails, group
 * names) so the view can wrap it in <bdi> and a right-to-left name does not scramble the line.
 */
export interface TextPart {
  text: string
  isolate?: boolean
}

/** The order fields are named in, whatever order the edit was made in. */
const FIELD_ORDER: ChangeField[] = ['full_name', 'email_address', 'phone_number', 'access_schedule']

/** Short words for a field inside a sentence ("Change email and phone of …"). */
const FIELD_WORDS: Record<ChangeField, string> = {
  full_name: 'name',
  email_address: 'email',
  phone_number: 'phone',
  access_schedule: 'access dates',
}

/** The plain label of a user field, as the rest of the app shows it ("Email address"). */
export function fieldLabel(field: string): string {
  return Object.hasOwn(properties, field)
    ? properties[field as keyof typeof properties].label
    : field
}

/** "a", "a and b", "a, b and c". */
export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join('')
  return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

function person(entry: OutboxEntry): TextPart {
  const name = (entry.op === 'create' ? entry.params.full_name : entry.label)?.trim()
  return name ? { text: name, isolate: true } : { text: 'an unnamed person' }
}

function groupParts(ids: string[], groupName?: GroupName): TextPart[] {
  const names = ids.map((id) => groupName?.(id)?.trim())
  if (ids.length > 0 && names.every((name): name is string => Boolean(name))) {
    const parts: TextPart[] = []
    names.forEach((name, i) => {
      if (i > 0) parts.push({ text: i === names.length - 1 ? ' and ' : ', ' })
      parts.push({ text: name, isolate: true })
    })
    return parts
  }
  return [{ text: ids.length === 1 ? 'an access group' : `${ids.length} access groups` }]
}

function schedulePhrase(value: unknown): string {
  return formatValue('access_schedule', value)
}

function changedFields(params: Record<string, unknown>): ChangeField[] {
  return FIELD_ORDER.filter((field) => Object.hasOwn(params, field) && params[field] !== undefined)
}

function updateParts(entry: OutboxEntry & { op: 'update' }): TextPart[] {
  const who = person(entry)
  const params = entry.params as Record<string, unknown>
  const fields = changedFields(params)
  if (fields.length === 0) return [{ text: 'Update ' }, who]
  const renamed: TextPart[] = fields.includes('full_name')
    ? [
        { text: 'Rename ' },
        who,
        { text: ' to ' },
        { text: String(params.full_name), isolate: true },
      ]
    : []
  const others = fields.filter((field) => field !== 'full_name')
  if (others.length === 0) return renamed
  if (renamed.length > 0) {
    return [...renamed, { text: ` and change ${joinWords(others.map((f) => FIELD_WORDS[f]))}` }]
  }
  const field = others[0]
  if (others.length === 1 && field) {
    const value = params[field]
    if (field === 'access_schedule') {
      return value === null
        ? [{ text: 'Remove the access dates of ' }, who]
        : [{ text: 'Change access dates of ' }, who, { text: ` to ${schedulePhrase(value)}` }]
    }
    return [
      { text: `Change ${FIELD_WORDS[field]} of ` },
      who,
      { text: ' to ' },
      { text: formatValue(field, value), isolate: true },
    ]
  }
  return [{ text: `Change ${joinWords(others.map((f) => FIELD_WORDS[f]))} of ` }, who]
}

/** What the entry does, as parts of one sentence; see {@link describeEntry}. */
export function describeParts(entry: OutboxEntry, groupName?: GroupName): TextPart[] {
  const who = person(entry)
  switch (entry.op) {
    case 'create': {
      const ids = entry.params.acs_access_group_ids ?? []
      const base: TextPart[] = [{ text: 'Add ' }, who, { text: ' as a new person' }]
      return ids.length ? [...base, { text: ' in ' }, ...groupParts(ids, groupName)] : base
    }
    case 'update':
      return updateParts(entry)
    case 'suspend':
      return [{ text: 'Suspend ' }, who]
    case 'unsuspend':
      return [{ text: 'Unsuspend ' }, who]
    case 'delete':
      return [{ text: 'Delete ' }, who]
    case 'add_to_access_group':
      return [
        { text: 'Add ' },
        who,
        { text: ' to ' },
        ...groupParts([entry.params.acs_access_group_id], groupName),
      ]
    case 'remove_from_access_group':
      return [
        { text: 'Remove ' },
        who,
        { text: ' from ' },
        ...groupParts([entry.params.acs_access_group_id], groupName),
      ]
    case 'revoke_access_to_all_entrances':
      return [{ text: 'Revoke access to every door for ' }, who]
  }
}

/** One plain sentence for what the entry does, e.g. "Rename Ana García to Ana García López". */
export function describeEntry(entry: OutboxEntry, groupName?: GroupName): string {
  return describeParts(entry, groupName)
    .map((part) => part.text)
    .join('')
}

const STATUS_LABELS: Record<OutboxEntry['status'], string> = {
  queued: 'Waiting',
  sending: 'Sending…',
  failed: 'Failed',
  conflict: 'Needs decision',
}

export function statusLabel(entry: Pick<OutboxEntry, 'status'>): string {
  return STATUS_LABELS[entry.status]
}

/** Seam answered "not found": the person was deleted outside Keyholder. */
export function isDeletedElsewhere(entry: OutboxEntry): boolean {
  return (
    entry.status === 'conflict' &&
    !entry.conflicts?.length &&
    entry.last_error?.kind === 'not_found'
  )
}

function isSchedule(value: unknown): value is { starts_at?: string; ends_at?: string | null } {
  return typeof value === 'object' && value !== null && 'starts_at' in value
}

/** A field's value for people: schedules as local date-time ranges, nothing as "—". */
export function formatValue(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (field === 'access_schedule' && isSchedule(value)) {
    const start = formatDateTime(value.starts_at)
    return value.ends_at ? `${start} – ${formatDateTime(value.ends_at)}` : `From ${start}`
  }
  if (typeof value === 'boolean') return value ? 'Yes' : 'No'
  if (field === 'phone_number' && typeof value === 'string') return formatPhone(value)
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}

export interface Summary {
  /** "3 waiting to be sent · 1 failed · 1 needs your decision". */
  line: string
  /** Why waiting edits wait, or null when nothing waits. */
  why: string | null
}

/**
 * The earlier edit to the same person that this one waits behind because it needs a decision.
 * Edits to one person go strictly in order, so a failed or conflicting one holds up the rest.
 */
export function blockedBy(entry: OutboxEntry, entries: OutboxEntry[]): OutboxEntry | undefined {
  if (entry.status !== 'queued') return undefined
  return entries.find(
    (other) =>
      other.target_id === entry.target_id &&
      other.id < entry.id &&
      (other.status === 'failed' || other.status === 'conflict'),
  )
}

export function summary(entries: OutboxEntry[], connectivity: Connectivity): Summary {
  const waiting = entries.filter((e) => e.status === 'queued' || e.status === 'sending')
  const failed = entries.filter((e) => e.status === 'failed').length
  const decide = entries.filter((e) => e.status === 'conflict').length
  const parts: string[] = []
  if (waiting.length) parts.push(`${waiting.length} waiting to be sent`)
  if (failed) parts.push(`${failed} failed`)
  if (decide) parts.push(`${decide} ${decide === 1 ? 'needs' : 'need'} your decision`)
  if (parts.length === 0) return { line: 'Nothing queued. Every edit has been sent.', why: null }
  return {
    line: parts.join(' · '),
    why: waiting.length ? whyWaiting(waiting, entries, connectivity) : null,
  }
}

function whyWaiting(
  waiting: OutboxEntry[],
  all: OutboxEntry[],
  connectivity: Connectivity,
): string {
  switch (connectivity) {
    case 'offline':
      return 'You are offline: edits will be sent when the connection returns.'
    case 'unauthorized':
      return 'Seam refused the API key: edits wait until a valid key is entered.'
    case 'checking':
      return 'Checking the connection to Seam…'
    case 'online':
      return waiting.every((e) => blockedBy(e, all))
        ? 'Waiting edits are held back until you decide about an earlier edit to the same person.'
        : 'Sending…'
  }
}

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })

/** A clock time for today, a date and time otherwise. */
export function formatWhen(ms: number, now: number): string {
  const date = new Date(ms)
  return date.toDateString() === new Date(now).toDateString()
    ? timeOnly.format(date)
    : formatDateTime(date.toISOString())
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })

/** "just now", "5 minutes ago", "yesterday", … for when an edit was queued. */
export function formatAgo(iso: string, now: number): string {
  const then = Date.parse(iso)
  if (Number.isNaN(then)) return iso
  const seconds = Math.round((then - now) / 1000)
  if (Math.abs(seconds) < 60) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute')
  const hours = Math.round(minutes / 60)
  if (Math.abs(hours) < 24) return relative.format(hours, 'hour')
  return relative.format(Math.round(hours / 24), 'day')
}

/**
 * For a waiting entry that was tried before: when it goes again and why the last try did not
 * work, e.g. "Trying again at 14:05 — last try: Cannot reach Seam". Null when it was never tried.
 */
export function retryText(entry: OutboxEntry, now: number): string | null {
  if (entry.status !== 'queued' || !entry.last_error) return null
  const last = `last try: ${explain(entry.last_error).title}`
  const tries =
    entry.attempts === 1 ? 'Tried once' : entry.attempts > 1 ? `Tried ${entry.attempts} times` : ''
  const when =
    entry.last_error.kind === 'unauthorized'
      ? 'Waiting for a valid API key'
      : entry.next_attempt_at > now
        ? `Trying again at ${formatWhen(entry.next_attempt_at, now)}`
        : 'Trying again as soon as possible'
  return `${tries ? `${tries}. ` : ''}${when} — ${last}`
}

export interface FieldProblem {
  field: string
  label: string
  messages: string[]
}

export interface FailureText {
  /** Plain heading, e.g. "Seam did not accept this". */
  title: string
  /** The server's own message. */
  message: string
  /** What to do next. */
  next: string
  /** Per-field messages when Seam rejected the input. */
  fields: FieldProblem[]
}

/** Why an entry failed or stopped, with the server's words and per-field messages. */
export function failureText(entry: OutboxEntry): FailureText | null {
  const error = entry.last_error
  if (!error) return null
  const { title, next } = explain(error)
  const fields =
    error.kind === 'invalid_input'
      ? Object.entries(error.fields)
          .filter(([, messages]) => messages.length > 0)
          .map(([field, messages]) => ({ field, label: fieldLabel(field), messages }))
      : []
  return { title, message: error.message, next, fields }
}
