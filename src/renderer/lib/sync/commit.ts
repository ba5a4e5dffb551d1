import type { AcsUser } from '../../../shared/domain'
import type { KeyholderDb } from '../db/schema'
import { dropCachedUser, toCachedUser } from '../db/schema'
import type { OutboxEntry } from './outbox-types'
import { withChanges } from './overlay'

/**
 * Marks users whose cached copy a confirmed edit is about to write. Call it before the write's
 * transaction is made: a listing page fetched before now and written after that transaction
 * would otherwise put the old copy back (see pull.ts).
 */
export function markCommitted(db: KeyholderDb, ...ids: (string | undefined)[]): void {
  const now = Date.now()
  for (const id of ids) if (id) db.committedAt.set(id, now)
}

/** Whether the stored entry is still the one a decision was made about. */
export function unchanged(stored: OutboxEntry, expected: OutboxEntry): boolean {
  return (
    stored.status === expected.status &&
    stored.attempts === expected.attempts &&
    JSON.stringify(stored.params) === JSON.stringify(expected.params)
  )
}

/**
 * Records a confirmed edit. One transaction writes what the server now has into the cache,
 * remaps a temporary id everywhere it appears, and only then removes the entry: a crash
 * before commit leaves the entry to be settled again, a crash after leaves nothing to do.
 * Nothing is recorded (false) if the entry changed since `entry` was read (e.g. another edit
 * was merged into it): the outcome was decided for what it was then, not for what it is now.
 */
export async function commitSuccess(
  db: KeyholderDb,
  entry: OutboxEntry,
  user?: AcsUser,
): Promise<boolean> {
  return db.transaction(
    'rw',
    [db.outbox, db.acs_users, db.id_map, db.memberships, db.entrances, db.user_checked],
    async () => {
      const stored = await db.outbox.get(entry.id)
      if (!stored || !unchanged(stored, entry)) return false
      const cached = await db.acs_users.get(entry.target_id)
      const put = (u: AcsUser) => db.acs_users.put(toCachedUser(u))

      switch (stored.op) {
        case 'create': {
          if (!user) throw new Error('A confirmed create must carry the new user')
          const real = user.acs_user_id
          await put(user)
          await db.id_map.put({
            temp_id: stored.target_id,
            acs_user_id: real,
            mapped_at: new Date().toISOString(),
          })
          await db.outbox.where('target_id').equals(stored.target_id).modify({ target_id: real })
          for (const acs_access_group_id of stored.params.acs_access_group_ids ?? []) {
            await db.memberships.put({ acs_user_id: real, acs_access_group_id })
          }
          break
        }
        case 'update':
          if (user) await put(user)
          else if (cached) await put(withChanges(cached, stored.params))
          break
        case 'suspend':
        case 'unsuspend':
          if (user) await put(user)
          else if (cached) await put({ ...cached, is_suspended: stored.op === 'suspend' })
          break
        case 'delete':
          await dropCachedUser(db, stored.target_id)
          break
        case 'add_to_access_group':
          await db.memberships.put({ acs_user_id: stored.target_id, ...stored.params })
          break
        case 'remove_from_access_group':
          await db.memberships.delete([stored.target_id, stored.params.acs_access_group_id])
          break
        case 'revoke_access_to_all_entrances':
          await db.memberships.where('acs_user_id').equals(stored.target_id).delete()
          await db.entrances.where('acs_user_id').equals(stored.target_id).delete()
          break
      }
      await db.outbox.delete(stored.id)
      return true
    },
  )
}
