import type { AcsUser } from '../../../shared/domain'
import { operations } from './operations'
import type { OverlayState } from './operations/types'
import type { OutboxEntry } from './outbox-types'

export { withChanges } from './operations/update'

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
 * Rebases pending edits onto the server copy (like Replicache's rebase): the server copy is
 * never modified by an edit, only by the server's answer, so discarding an edit is just
 * deleting its outbox entry.
 */
export function applyPending(
  server: AcsUser | undefined,
  entries: OutboxEntry[],
): ViewUser | undefined {
  const state: OverlayState = {
    user: server && { ...server },
    pending: new Set<string>(),
    pendingDelete: false,
    pendingCreate: false,
  }
  for (const entry of entries) operations[entry.op].overlay(state, entry as never)
  const { user } = state
  if (!user) return undefined
  return {
    ...user,
    pending_fields: [...state.pending],
    pending_entries: entries,
    pending_delete: state.pendingDelete,
    pending_create: state.pendingCreate,
  }
}
