import type { CreateUserInput, UserChanges } from '../../../shared/contract'
import type { KeyholderError } from '../../../shared/errors'

/** What a queued edit does; one variant per Seam endpoint Keyholder writes to. */
export type Operation =
  | { op: 'create'; params: CreateUserInput }
  | { op: 'update'; params: UserChanges }
  | {
      op: 'suspend' | 'unsuspend' | 'delete' | 'revoke_access_to_all_entrances'
      params: Record<string, never>
    }
  | {
      op: 'add_to_access_group' | 'remove_from_access_group'
      params: { acs_access_group_id: string }
    }

export type OperationName = Operation['op']

/**
 * An edit as a screen asks for it: an operation and, except for a create (whose person does not
 * exist yet), the person it is for. Derived from {@link Operation}, so the two cannot drift.
 */
export type Edit = Operation extends infer O
  ? O extends { op: 'create' }
    ? O
    : O extends Operation
      ? Omit<O, 'params'> &
          (O['params'] extends Record<string, never>
            ? { params?: O['params'] }
            : Pick<O, 'params'>) & {
            target_id: string
          }
      : never
  : never

/**
 * - `queued`: waiting its turn (maybe until `next_attempt_at`)
 * - `sending`: handed to the network by the replayer named in `owner`; found like this by
 *   another replayer, its outcome is unknown and is settled by looking at Seam
 * - `failed`: the server refused it; waits for the person (retry, edit, discard)
 * - `conflict`: someone else changed the same thing; waits for the person's choice
 * - `ask`: a create whose answer was lost, and Seam's people do not say for sure whether it
 *   arrived; waits for the person to pick the one they added, or to add them again
 */
export type OutboxStatus = 'queued' | 'sending' | 'failed' | 'conflict' | 'ask'

export type ChangeField = keyof UserChanges

/** A field a conflict can be about: one an update changes, or the suspension. */
export type ConflictField = ChangeField | 'is_suspended'

export interface FieldConflict {
  field: ConflictField
  base: unknown
  theirs: unknown
  mine: unknown
}

/** Someone at Seam who may be the person a lost create added (see status `ask`). */
export interface Candidate {
  acs_user_id: string
  full_name: string | null
  email_address: string | null
  phone_number: string | null
  created_at: string
  /** Every detail the create sent matches; a loose one only shares the name. */
  strong: boolean
}

export type OutboxEntry = Operation & {
  /** Sortable: creation order is key order. */
  id: string
  created_at: string
  /** Server id, or a temporary id (`tmp_…`) for a user created offline. */
  target_id: string
  acs_system_id: string
  /** The values of the changed fields the person saw when making the edit. */
  base: Partial<Record<ConflictField, unknown>>
  status: OutboxStatus
  attempts: number
  /** When the current or last send began; reconciliation looks for results after it. */
  attempt_started_at: string | null
  /**
   * A create: Seam's time (its answers' `Date`) read before the first send. A person Seam
   * created before it cannot be this create's, whatever they are called now (this computer's
   * clock plays no part). Kept from the first send: later ones must not narrow the window.
   */
  created_after?: string | null
  /** Failures in a row that will be retried (grows the backoff even if nothing was sent). */
  failures?: number
  /**
   * An earlier attempt may have reached Seam (its answer was lost, it failed with 5xx, or the
   * app stopped while it was on its way): look at Seam before sending again.
   */
  sent_before?: boolean
  /** The replayer that marked it `sending` (one per database at a time, see replay-lock.ts). */
  owner?: string | null
  /** A create: people who already looked like it before it was first sent, never taken for it. */
  lookalikes?: string[]
  /** Status `ask`: who at Seam may be the person this create added. */
  candidates?: Candidate[] | null
  /** Times the person acted on it (retry, correction, a conflict settled): see requestKey. */
  revision?: number
  /** A delete of the same person went ahead of this edit and replaces it. */
  superseded_by?: string | null
  next_attempt_at: number
  last_error: KeyholderError | null
  conflicts: FieldConflict[] | null
  /** A human label kept for the outbox panel (the user's name when queued). */
  label: string
}

export { TEMPORARY_ID_PREFIX as TEMP_ID_PREFIX } from '../../../shared/contract'
import { TEMPORARY_ID_PREFIX } from '../../../shared/contract'
export const isTempId = (id: string) => id.startsWith(TEMPORARY_ID_PREFIX)
