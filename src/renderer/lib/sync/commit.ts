import type { AcsUser } from '../../../shared/domain'
import type { KeyholderDb } from '../db/schema'
import { userTables } from '../db/user-cache'
import { operations } from './operations'
import type { OutboxEntry } from './outbox-types'

/** Whether the stored entry is still the one a decision was made about. */
export function unchanged(stored: OutboxEntry, expected: OutboxEntry): boolean {
  return (
    stored.status === expected.status &&
    stored.attempts === expected.attempts &&
    JSON.stringify(stored.params) === JSON.stringify(expected.params)
  )
}

/**
 * - `done`: recorded, and the entry left the outbox
 * - `changed`: the entry changed since it was read (e.g. another edit was merged into it): the
 *   outcome was decided for what it was then, not for what it is now; it goes round again
 * - `claimed`: a create whose person is already another create's: reconcile again
 */
export type CommitResult = 'done' | 'changed' | 'claimed'

/**
 * Records a confirmed edit. One transaction writes what Seam now has into the cache (through
 * its one owner), remaps a temporary id everywhere it appears, and only then removes the entry:
 * a crash before commit leaves the entry to be settled again, a crash after leaves nothing.
 * A confirmed delete replaces the earlier edits of that person still waiting for a decision:
 * they are marked superseded (and stay for the person to dismiss).
 */
export async function commitSuccess(
  db: KeyholderDb,
  entry: OutboxEntry,
  user?: AcsUser,
): Promise<CommitResult> {
  return db.transaction('rw', [db.outbox, ...userTables(db)], async () => {
    const stored = await db.outbox.get(entry.id)
    if (!stored || !unchanged(stored, entry)) return 'changed'
    if (!(await operations[stored.op].commit(db, stored as never, user))) return 'claimed'
    if (stored.op === 'delete') {
      const earlier = await db.outbox.where('target_id').equals(stored.target_id).toArray()
      for (const other of earlier) {
        if (other.id >= stored.id || !isWaitingOnPerson(other)) continue
        await db.outbox.put({
          ...other,
          status: 'failed',
          superseded_by: stored.id,
          last_error: {
            kind: 'local',
            message: `Not sent: ${stored.label} was deleted, which replaces this edit.`,
          },
        })
      }
    }
    await db.outbox.delete(stored.id)
    return 'done'
  })
}

/** Failed, in conflict, or asking: waiting for the person, not for the network. */
export function isWaitingOnPerson(entry: OutboxEntry): boolean {
  return entry.status === 'failed' || entry.status === 'conflict' || entry.status === 'ask'
}
