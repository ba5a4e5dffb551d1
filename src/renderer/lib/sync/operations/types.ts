/**
 * What each operation keeps in its own module (operations/<op>.ts): the base values an edit
 * records, how it lies over the person on screen, the check before it is sent, the request,
 * what a confirmed edit writes to the cache, and its wording.
 */
import type { AcsUser } from '../../../../shared/domain'
import type { KeyholderError, Result } from '../../../../shared/errors'
import type { KeyholderDb } from '../../db/schema'
import type { Api } from '../api'
import type { ViewUser } from '../overlay'
import type { Candidate, FieldConflict, OperationName, OutboxEntry } from '../outbox-types'
import type { GroupName, TextPart } from './words'

export type EntryOf<O extends OperationName> = OutboxEntry & { op: O }

/** What the replayer may ask while preparing an entry. */
export interface PrepareContext {
  api: Api
  db: KeyholderDb
  /**
   * Seam's current copy of a person. `fresh` forces a read of that one person now; otherwise a
   * recent listing of their system may answer (see current-reader.ts).
   */
  current(entry: OutboxEntry, fresh: boolean): Promise<Result<AcsUser>>
}

/** The decision made before sending. */
export type Prepared =
  /** Send now; `params` is what is left to send (an update drops fields Seam already has). */
  | {
      kind: 'send'
      params: OutboxEntry['params']
      current?: AcsUser
      /** A create's first send: who already looks like it, and Seam's time (see OutboxEntry). */
      lookalikes?: string[]
      created_after?: string | null
    }
  /** Nothing to send: Seam already has it (maybe from an earlier attempt). */
  | { kind: 'done'; user?: AcsUser }
  | { kind: 'conflict'; conflicts: FieldConflict[]; current: AcsUser }
  | { kind: 'ask'; candidates: Candidate[] }
  | { kind: 'error'; error: KeyholderError }

/** The overlay being built for one person, edit after edit (see overlay.ts). */
export interface OverlayState {
  user: AcsUser | undefined
  pending: Set<string>
  pendingDelete: boolean
  pendingCreate: boolean
}

export interface OperationSpec<O extends OperationName> {
  op: O
  /** The values the person saw of what the edit changes (conflicts are judged against them). */
  base(current: ViewUser | undefined, entry: EntryOf<O>): OutboxEntry['base']
  /** Lays the queued edit over the person shown. */
  overlay(state: OverlayState, entry: EntryOf<O>): void
  prepare(ctx: PrepareContext, entry: EntryOf<O>): Promise<Prepared>
  /** The request; a create answers with the new person. */
  send(api: Api, entry: EntryOf<O>, params: EntryOf<O>['params']): Promise<Result<AcsUser | void>>
  /**
   * Writes a confirmed edit to the cache, inside the commit transaction. False when it cannot
   * be recorded as it is (a create whose person is already another create's).
   */
  commit(db: KeyholderDb, entry: EntryOf<O>, user: AcsUser | undefined): Promise<boolean>
  describe(entry: EntryOf<O>, groupName?: GroupName): TextPart[]
}

export const sendNow = (entry: OutboxEntry): Prepared => ({ kind: 'send', params: entry.params })

/** Turns an SDK-style result into what `send` answers. */
export function done(result: Result<unknown>): Result<void> {
  return result.ok ? { ok: true, value: undefined } : result
}

/**
 * The key main joins repeated requests by: the same entry asking again (a reload, a second
 * page, an uncertain outcome) is one request. When the person acts on the entry (retry,
 * correct, settle a conflict, add again) it is a new request, not the answer remembered.
 */
export function requestKey(entry: OutboxEntry): string {
  return entry.revision ? `${entry.id}.${entry.revision}` : entry.id
}

/** The access groups Seam has the person in now (to see whether an earlier attempt arrived). */
export async function groupsNow(
  ctx: PrepareContext,
  entry: OutboxEntry,
): Promise<Result<string[]>> {
  const groups = await ctx.api.invoke('users.list_access_groups', { acs_user_id: entry.target_id })
  return groups.ok ? { ok: true, value: groups.value.map((g) => g.acs_access_group_id) } : groups
}
