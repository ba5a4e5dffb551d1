import type { UserChanges } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import type { OutboxEntry } from './outbox-types'

/** A user as the screen shows it: the server copy with our pending edits laid on top. */
export interface ViewUser extends AcsUser {
  /** Fields whose shown value comes from an edit not yet confirmed by the server. */
  pending_fields: string[]
  /** Our own queued edits for this user, oldest first. */
  pending_entries: OutboxEntry[]
  /** A delete is queued: still shown, marked, until the server confirms. */
  pending_delete: boolean
  /** Created offline and not yet known to the server. */
  pending_create: boolean
}

/**
 * A user with an update applied, as Seam would store it: the display name follows the full
 * name, and a `null` schedule means the schedule is gone.
 */
export function withChanges<U extends AcsUser>(user: U, changes: UserChanges): U {
  const { access_schedule, ...rest } = changes
  const next: U = { ...user, ...rest, ...(rest.full_name && { display_name: rest.full_name }) }
  if (access_schedule === null) delete next.access_schedule
  else if (access_schedule) next.access_schedule = access_schedule
  return next
}

/**
 * Rebases pending edits onto the server copy (like Replicache's rebase): the server copy is
 * never modified by an edit, only by the server's answer, so discarding an edit is just
 * deleting its outbox entry.
 */
export function applyPending(
  server: AcsUser | undefined,
  entries: OutboxEntry[],
): ViewUser | undefined {
  let user: AcsUser | undefined = server && { ...server }
  const pending = new Set<string>()
  let pendingDelete = false
  let pendingCreate = false
  for (const entry of entries) {
    switch (entry.op) {
      case 'create': {
        pendingCreate = true
        const {
          acs_system_id,
          full_name,
          email_address,
          phone_number,
          access_schedule,
          user_identity_id,
        } = entry.params
        user = {
          acs_user_id: entry.target_id,
          acs_system_id,
          workspace_id: '',
          created_at: entry.created_at,
          display_name: full_name,
          full_name,
          is_suspended: false,
          is_managed: true,
          errors: [],
          warnings: [],
          pending_mutations: [],
          connected_account_id: '',
          last_successful_sync_at: null,
          ...(email_address && { email_address }),
          ...(phone_number && { phone_number }),
          ...(access_schedule && { access_schedule }),
          ...(user_identity_id && { user_identity_id }),
        } as unknown as AcsUser
        for (const key of ['full_name', 'email_address', 'phone_number', 'access_schedule'])
          pending.add(key)
        break
      }
      case 'update':
        if (!user) break
        user = withChanges(user, entry.params)
        Object.keys(entry.params).forEach((key) => pending.add(key))
        break
      case 'suspend':
      case 'unsuspend':
        if (!user) break
        user = { ...user, is_suspended: entry.op === 'suspend' }
        pending.add('is_suspended')
        break
      case 'delete':
        pendingDelete = true
        break
      case 'add_to_access_group':
      case 'remove_from_access_group':
        pending.add('access_groups')
        break
      case 'revoke_access_to_all_entrances':
        pending.add('access_groups')
        pending.add('entrances')
        break
    }
  }
  if (!user) return undefined
  return {
    ...user,
    pending_fields: [...pending],
    pending_entries: entries,
    pending_delete: pendingDelete,
    pending_create: pendingCreate,
  }
}
