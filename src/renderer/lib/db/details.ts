/**
 * Everything the user detail panel shows, read from the cache (so it works offline) with our
 * queued edits laid on top, and refreshed from Seam when online.
 */
import type { Api } from '../sync/api'
import type { Outbox } from '../sync/outbox'
import type { ViewUser } from '../sync/overlay'
import { isTempId } from '../sync/outbox-types'
import { userTables } from './user-cache'
import {
  type CachedEntrance,
  type CachedGroup,
  type CachedSystem,
  type KeyholderDb,
} from './schema'

export interface GroupMembership {
  group: CachedGroup
  /** A queued add or remove not yet confirmed by Seam. */
  pending: 'adding' | 'removing' | null
}

export interface UserDetail {
  user: ViewUser
  system: CachedSystem | undefined
  /** Groups the person is in, or is about to join or leave. */
  memberships: GroupMembership[]
  /** The system's other groups, for "Add to group". */
  otherGroups: CachedGroup[]
  entrances: CachedEntrance[]
  /** When the doors were last read from Seam; null: never (they are read per person, online). */
  doorsCheckedAt: string | null
  /** A "revoke all access" is queued: doors listed may already be out of date. */
  revokePending: boolean
}

export async function readDetail(
  db: KeyholderDb,
  outbox: Outbox,
  id: string,
): Promise<UserDetail | undefined> {
  const user = await outbox.view(id)
  if (!user) return undefined
  const acs_user_id = user.acs_user_id
  const [system, groups, members, entrances, checked] = await Promise.all([
    db.acs_systems.get(user.acs_system_id),
    db.access_groups.where('acs_system_id').equals(user.acs_system_id).toArray(),
    db.memberships.where('acs_user_id').equals(acs_user_id).toArray(),
    db.entrances.where('acs_user_id').equals(acs_user_id).toArray(),
    db.user_checked.get(acs_user_id),
  ])
  // Seam's memberships, and what they will be once the queued edits are sent, in order.
  const member = new Set(members.map((m) => m.acs_access_group_id))
  const after = new Set(member)
  let revokePending = false
  for (const entry of user.pending_entries) {
    if (entry.op === 'create') {
      for (const groupId of entry.params.acs_access_group_ids ?? []) after.add(groupId)
    } else if (entry.op === 'add_to_access_group') after.add(entry.params.acs_access_group_id)
    else if (entry.op === 'remove_from_access_group') {
      after.delete(entry.params.acs_access_group_id)
    } else if (entry.op === 'revoke_access_to_all_entrances') {
      revokePending = true
      after.clear()
    }
  }
  const pendingOf = (groupId: string): GroupMembership['pending'] =>
    member.has(groupId) === after.has(groupId) ? null : after.has(groupId) ? 'adding' : 'removing'
  const byName = (a: CachedGroup, b: CachedGroup) => a.name.localeCompare(b.name)
  return {
    user,
    system,
    memberships: groups
      .filter((g) => member.has(g.acs_access_group_id) || after.has(g.acs_access_group_id))
      .sort(byName)
      .map((group) => ({ group, pending: pendingOf(group.acs_access_group_id) })),
    otherGroups: groups
      .filter((g) => !member.has(g.acs_access_group_id) && !after.has(g.acs_access_group_id))
      .sort(byName),
    entrances: entrances.sort((a, b) => a.display_name.localeCompare(b.display_name)),
    doorsCheckedAt: checked?.checked_at ?? null,
    revokePending,
  }
}

/**
 * The system's access groups and who is in each, so pickers and memberships work offline.
 * One request per group: systems have a handful of groups, not thousands.
 */
export async function refreshGroups(
  db: KeyholderDb,
  api: Api,
  acs_system_id: string,
): Promise<void> {
  const asked = db.users.mark()
  const groups = await api.invoke('access_groups.list', { acs_system_id })
  if (!groups.ok) return
  const members = await Promise.all(
    groups.value.map(async (g) => {
      const ids = await api.invoke('access_groups.list_user_ids', {
        acs_access_group_id: g.acs_access_group_id,
      })
      return { group: g.acs_access_group_id, ids: ids.ok ? ids.value : null }
    }),
  )
  await db.transaction('rw', [...userTables(db), db.access_groups], async () => {
    await db.access_groups.where('acs_system_id').equals(acs_system_id).delete()
    await db.access_groups.bulkPut(groups.value)
    for (const { group, ids } of members) {
      // A group whose members could not be read keeps what was known.
      if (ids) await db.users.replaceGroupMembers(group, ids, asked)
    }
  })
}

/**
 * Re-reads one person from Seam: their record, groups and doors. Returns the failure (to show
 * "could not refresh") or null. Users created offline have nothing to read yet.
 */
export async function refreshDetail(db: KeyholderDb, api: Api, id: string) {
  if (isTempId(id)) return null
  const asked = db.users.mark()
  const [user, groups, entrances] = await Promise.all([
    api.invoke('users.get', { acs_user_id: id }),
    api.invoke('users.list_access_groups', { acs_user_id: id }),
    api.invoke('users.list_accessible_entrances', { acs_user_id: id }),
  ])
  const failed = [user, groups, entrances].find((r) => !r.ok)
  if (failed && !failed.ok && !(failed.error.kind === 'not_found' && !user.ok)) {
    return failed.error
  }
  // Judged inside the transaction: an edit of ours confirmed after we asked (or a delete) is
  // newer than this answer, which then writes nothing at all.
  await db.transaction('rw', [...userTables(db), db.access_groups], async () => {
    if (db.users.newerSince(id, asked)) return
    if (!user.ok) {
      // Deleted outside Keyholder: Seam no longer has them, so neither does the cache (the next
      // full listing would drop them too). Edits queued for them stay, for the person to see.
      await db.users.remove(id)
      return
    }
    if (!groups.ok || !entrances.ok) return
    await db.users.putDetail(user.value, groups.value, entrances.value, new Date().toISOString())
    await db.access_groups.bulkPut(groups.value)
  })
  return user.ok ? null : user.error
}
