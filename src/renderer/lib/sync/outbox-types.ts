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
 * - `queued`: waiting its turn (maybe until `next_attempt_at`)
 * - `sending`: handed to the network; if found like this after a crash the outcome is unknown
 * - `failed`: the server refused it; waits for the person (retry, edit, discard)
 * - `conflict`: someone else changed the same thing; waits for the person's choice
 */
export type OutboxStatus = 'queued' | 'sending' | 'failed' | 'conflict'

export type ChangeField = keyof UserChanges

export interface FieldConflict {
  field: ChangeField
  base: unknown
  theirs: unknown
  mine: unknown
}

export type OutboxEntry = Operation & {
  /** Sortable: creation order is key order. */
  id: string
  created_at: string
  /** Server id, or a temporary id (`tmp_…`) for a user created offline. */
  target_id: string
  acs_system_id: string
  /** The values of the changed fields the person saw when making the edit. */
  base: Partial<Record<ChangeField | 'is_suspended', unknown>>
  status: OutboxStatus
  attempts: number
  /** When the current or last send began; reconciliation looks for results after it. */
  attempt_started_at: string | null
  /**
   * When the first send began. A create that may have reached Seam is looked for from then on:
   * later attempts must not narrow the window to after the one that worked.
   */
  first_attempt_at?: string | null
  /** Failures in a row that will be retried (grows the backoff even if nothing was sent). */
  failures?: number
  next_attempt_at: number
  last_error: KeyholderError | null
  conflicts: FieldConflict[] | null
  /** A human label kept for the outbox panel (the user's name when queued). */
  label: string
}

export const TEMP_ID_PREFIX = 'tmp_'
export const isTempId = (id: string) => id.startsWith(TEMP_ID_PREFIX)
