import type { AcsUser } from '../../../shared/domain'
import type { KeyholderDb } from '../db/schema'
import { toCachedUser } from '../db/schema'
import type { OutboxEntry } from './outbox-types'
import { withChanges } from './overlay'

/**
 * Records a confirmed edit. One transaction writes what the server now has into the cache,
 * remaps a temporary id everywhere it appears, and only then removes the entry: a crash
 * before commit leaves the entry to be settled again, a crash after leaves nothing to do.
 */
export async function commitSuccess(
  db: KeyholderDb,
  entry: OutboxEntry,
  user?: AcsUser,
): Promise<void> {
  // Marked before the transaction: a listing page fetched before now, written after our
  // transaction, would otherwise put the old copy back (see pull.ts).
  const now = Date.now()
  db.committedAt.set(entry.target_id, now)
  if (user) db.committedAt.set(user.acs_user_id, now)
  await db.transaction(
    'rw',
    [db.outbox, db.acs_users, db.id_map, db.memberships, db.entrances],
    async () => {
      const stored = await db.outbox.get(entry.id)
      if (!stored) return
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
          await db.acs_users.delete(stored.target_id)
          await db.memberships.where('acs_user_id').equals(stored.target_id).delete()
          await db.entrances.where('acs_user_id').equals(stored.target_id).delete()
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
    },
  )
}
