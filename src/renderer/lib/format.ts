import { parsePhoneNumberFromString } from 'libphonenumber-js'
import type { AcsUser } from '../../shared/domain'

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** Local time for people; the exact UTC instant goes in a tooltip. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date)
}

export type ScheduleState = 'none' | 'not_started' | 'active' | 'expired'

export function scheduleState(
  user: Pick<AcsUser, 'access_schedule'>,
  now = Date.now(),
): ScheduleState {
  const schedule = user.access_schedule
  if (!schedule) return 'none'
  if (Date.parse(schedule.starts_at) > now) return 'not_started'
  if (schedule.ends_at && Date.parse(schedule.ends_at) <= now) return 'expired'
  return 'active'
}

export const scheduleLabels: Record<ScheduleState, string> = {
  none: 'No schedule',
  not_started: 'Not started yet',
  active: 'Active',
  expired: 'Expired',
}

export function userName(
  user: Pick<AcsUser, 'full_name' | 'display_name' | 'email_address'>,
): string {
  return user.full_name || user.display_name || user.email_address || 'Unnamed user'
}

/** The exact instant in UTC, for tooltips next to local times. */
export function utcTitle(iso: string | null | undefined): string | undefined {
  if (!iso) return undefined
  const date = new Date(iso)
  return Number.isNaN(date.getTime())
    ? undefined
    : `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })

/** "3 minutes ago", "yesterday": for how fresh the cache is. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never'
  const seconds = Math.round((Date.parse(iso) - now) / 1000)
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ]
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

/** Scheduled access as one phrase: "from 3 Mar 2026, 09:00 to 30 Jun 2026, 18:00". */
export function formatSchedule(schedule: AcsUser['access_schedule'] | null | undefined): string {
  if (!schedule) return 'Any time (no schedule)'
  return `From ${formatDateTime(schedule.starts_at)} to ${schedule.ends_at ? formatDateTime(schedule.ends_at) : 'no end'}`
}

const phoneCache = new Map<string, string>()

/** An E.164 number as people write it ("+44 20 7183 8750"); computed only for rows on screen. */
export function formatPhone(e164: string | null | undefined): string {
  if (!e164) return '—'
  let formatted = phoneCache.get(e164)
  if (formatted === undefined) {
    formatted = parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
    if (phoneCache.size > 5_000) phoneCache.clear()
    phoneCache.set(e164, formatted)
  }
  return formatted
}
