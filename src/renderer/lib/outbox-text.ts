/**
 * Queued edits in plain words, for the outbox panel: what an entry does, its state, why it
 * waits, and the values of a conflict. Pure functions: no Svelte, no clock unless passed in.
 */
import { explain } from './explain'
import { formatDateTime } from './format'
import { operations } from './sync/operations'
import { heldBackBy } from './sync/order'
import { fieldLabel, type GroupName, type TextPart } from './sync/operations/words'
import type { OutboxEntry } from './sync/outbox-types'

export { fieldLabel, formatValue, joinWords } from './sync/operations/words'
export type { GroupName, TextPart } from './sync/operations/words'

export type Connectivity = 'online' | 'offline' | 'unauthorized' | 'checking'
/** What the entry does, as parts of one sentence; see {@link describeEntry}. */
export function describeParts(entry: OutboxEntry, groupName?: GroupName): TextPart[] {
  return operations[entry.op].describe(entry as never, groupName)
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
  ask: 'Needs decision',
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

export interface Summary {
  /** "3 waiting to be sent · 1 failed · 1 needs your decision". */
  line: string
  /** Why waiting edits wait, or null when nothing waits. */
  why: string | null
}

/**
 * The earlier edit to the same person that this one waits behind because it needs a decision
 * (see sync/order.ts: a suspend, revoke or delete goes ahead instead).
 */
export function blockedBy(entry: OutboxEntry, entries: OutboxEntry[]): OutboxEntry | undefined {
  return heldBackBy(
    entry,
    entries.filter((e) => e.target_id === entry.target_id),
  )
}

export function summary(entries: OutboxEntry[], connectivity: Connectivity): Summary {
  const waiting = entries.filter((e) => e.status === 'queued' || e.status === 'sending')
  const failed = entries.filter((e) => e.status === 'failed').length
  const decide = entries.filter((e) => e.status === 'conflict' || e.status === 'ask').length
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
