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
