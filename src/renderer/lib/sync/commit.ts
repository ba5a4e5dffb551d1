import type { AcsUser } from '../../../shared/domain'
import type { KeyholderDb } from '../db/schema'
import { userTables } from '../db/user-cache'
import { operations } from './operations'
import { GOES_AHEAD, supersededBy } from './order'
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
 * A confirmed suspend, revoke or delete that went ahead replaces the earlier edits it makes moot
 * (see order.ts): they are marked superseded, and stay for the person to dismiss.
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
    // Only an edit that goes ahead of others can make them moot: the others skip the read.
    const queue = GOES_AHEAD.has(stored.op)
      ? await db.outbox.where('target_id').equals(stored.target_id).sortBy('id')
      : []
    for (const other of supersededBy(stored, queue)) {
      await db.outbox.put({
        ...other,
        status: 'failed',
        superseded_by: stored.id,
        last_error: { kind: 'local', message: supersededMessage(stored) },
      })
    }
    await db.outbox.delete(stored.id)
    return 'done'
  })
}

/** Why an edit is not sent: a later one of the same person made it moot. */
function supersededMessage(by: OutboxEntry): string {
  switch (by.op) {
    case 'delete':
      return `Not sent: ${by.label} was deleted, which replaces this edit.`
    case 'suspend':
      return `Not sent: ${by.label} was suspended afterwards, which replaces this edit.`
    default:
      return `Not sent: all of ${by.label}'s access was revoked afterwards, which replaces this edit.`
  }
}
