/**
 * The pieces queued edits are described with, shared by the operations' own wording
 * (operations/*.ts) and the outbox panel (outbox-text.ts). Pure functions.
 */
import { properties } from '../../../../shared/catalogue'
import { formatDateTime, formatPhone } from '../../format'
import type { ChangeField, OutboxEntry } from '../outbox-types'

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

export function person(entry: OutboxEntry): TextPart {
  const name = (entry.op === 'create' ? entry.params.full_name : entry.label)?.trim()
  return name ? { text: name, isolate: true } : { text: 'an unnamed person' }
}

export function groupParts(ids: string[], groupName?: GroupName): TextPart[] {
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

export function updateParts(entry: OutboxEntry & { op: 'update' }): TextPart[] {
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
