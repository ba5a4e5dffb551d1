import type { UserPage } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'
import type { Api } from './api'
import type { OutboxEntry } from './outbox-types'

/** Server and client clocks differ; a user created this long before our attempt still counts. */
const CLOCK_SKEW_MS = 5 * 60_000

/**
 * Settles a create whose earlier attempt may have reached Seam: looks for a user in the same
 * system with exactly the submitted name, email and phone, created after the attempt began.
 * Never resend a create without asking this first, or a lost answer becomes a duplicate user.
 */
export async function findCreatedUser(
  api: Api,
  entry: Extract<OutboxEntry, { op: 'create' }>,
  claimed: ReadonlySet<string> = new Set(),
): Promise<Result<AcsUser | null>> {
  const { acs_system_id, full_name, email_address, phone_number } = entry.params
  const since =
    Date.parse(entry.first_attempt_at ?? entry.attempt_started_at ?? entry.created_at) -
    CLOCK_SKEW_MS
  const search = email_address ?? full_name
  let page_cursor: string | null = null
  do {
    const page: Result<UserPage> = await api.invoke('users.list_page', {
      acs_system_id,
      search,
      page_cursor,
      limit: 500,
    })
    if (!page.ok) return page
    const match = page.value.acs_users.find(
      (u) =>
        !claimed.has(u.acs_user_id) &&
        (u.full_name ?? null) === full_name &&
        (u.email_address ?? null) === (email_address ?? null) &&
        (u.phone_number ?? null) === (phone_number ?? null) &&
        Date.parse(u.created_at) >= since,
    )
    if (match) return { ok: true, value: match }
    page_cursor = page.value.next_page_cursor
  } while (page_cursor)
  return { ok: true, value: null }
}
