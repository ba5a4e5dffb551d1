/**
 * The renderer's IndexedDB, through Dexie. Versions are explicit and only ever added: a
 * released schema is never edited, because every installed copy already has it on disk.
 */
import { Dexie, type EntityTable } from 'dexie'
import type { RefusedRecord } from '../../../shared/contract'
import type { AcsAccessGroup, AcsEntrance, AcsSystem, AcsUser } from '../../../shared/domain'
import type { OutboxEntry } from '../sync/outbox-types'
import { UserCache } from './user-cache'

/** A server copy of a user plus the key the screens sort by. */
export interface CachedUser extends AcsUser {
  /** Lower-cased full (or display) name: the first screenful is read in this order. */
  _name: string
}

export interface CachedSystem extends AcsSystem {
  _order: number
}

export type CachedGroup = AcsAccessGroup

export interface Membership {
  acs_user_id: string
  acs_access_group_id: string
}

export interface CachedEntrance extends AcsEntrance {
  /** The user this entrance is accessible to (the same entrance may appear for many users). */
  acs_user_id: string
}

export interface SyncState {
  acs_system_id: string
  last_synced_at: string | null
  last_attempt_at: string | null
  last_error: string | null
  /** Newest event time already looked at (for the cheap change check). */
  events_seen_until: string | null
  user_count: number
  /**
   * People the last complete listing sent that Keyholder could not accept (a wrong type, an
   * oversized value): kept as last seen, and named in the sidebar. Absent before it was kept.
   */
  refused?: RefusedRecord[]
}

/** When a person's groups and doors were last read from Seam (their detail panel, online). */
export interface UserChecked {
  acs_user_id: string
  checked_at: string
}

export interface IdMapping {
  temp_id: string
  acs_user_id: string
  mapped_at: string
}

export class KeyholderDb extends Dexie {
  acs_users!: EntityTable<CachedUser, 'acs_user_id'>
  acs_systems!: EntityTable<CachedSystem, 'acs_system_id'>
  access_groups!: EntityTable<CachedGroup, 'acs_access_group_id'>
  memberships!: Dexie.Table<Membership, [string, string]>
  entrances!: Dexie.Table<CachedEntrance, [string, string]>
  outbox!: EntityTable<OutboxEntry, 'id'>
  sync_state!: EntityTable<SyncState, 'acs_system_id'>
  id_map!: EntityTable<IdMapping, 'temp_id'>
  user_checked!: EntityTable<UserChecked, 'acs_user_id'>

  /** The one writer of cached users, groups, doors and temporary ids (see user-cache.ts). */
  readonly users: UserCache = new UserCache(this)

  constructor(name = 'keyholder') {
    // Chromium commits with relaxed durability unless told otherwise: a power cut could then
    // lose an edit the person saw queued, or the `sending` mark made before its request left
    // (and a create would go again unchecked). Strict flushes each commit to disk; measured
    // with `npm run bench`, the cost is within the run-to-run noise of sync and replay.
    super(name, { chromeTransactionDurability: 'strict' })
    // Dexie's live queries are not used (each store owner announces its own commits, and
    // page-channel.ts tells the other pages), so the middleware that serves them only costs:
    // it tracks the key ranges every write touches, keeps a copy of what was read, and posts
    // them to every page over a BroadcastChannel after each commit. A replay spent about a
    // tenth of its page time there (measured with `npm run bench -- --only replay`).
    this.unuse({ stack: 'dbcore', name: 'Observability' })
    this.unuse({ stack: 'dbcore', name: 'Cache' })
    this.version(1).stores({
      // Every index is paid for on each of the 50,000 writes of a full sync, so only what a
      // query uses: a system's users in name order (the first screenful, and the system's
      // users as a range). Search, filters and sorting run in memory (users-index.ts).
      acs_users: 'acs_user_id, [acs_system_id+_name]',
      acs_systems: 'acs_system_id, _order',
      access_groups: 'acs_access_group_id, acs_system_id',
      memberships: '[acs_user_id+acs_access_group_id], acs_user_id, acs_access_group_id',
      entrances: '[acs_user_id+acs_entrance_id], acs_user_id',
      outbox: 'id, target_id, status, [target_id+id], acs_system_id',
      sync_state: 'acs_system_id',
      id_map: 'temp_id, acs_user_id',
      user_checked: 'acs_user_id',
    })
  }
}

/** Adds the sort key a server copy is stored with. */
export function toCachedUser(user: AcsUser): CachedUser {
  return { ...user, _name: (user.full_name ?? user.display_name ?? '').toLowerCase() }
}

/** Strips the sort key again. */
export function fromCachedUser(cached: CachedUser): AcsUser {
  const { _name, ...user } = cached
  void _name
  return user
}

/** One system's cached users, through the compound index (there is no index on the system alone). */
export function usersOfSystem(db: KeyholderDb, acs_system_id: string) {
  return db.acs_users
    .where('[acs_system_id+_name]')
    .between([acs_system_id, Dexie.minKey], [acs_system_id, Dexie.maxKey])
}

/** Dexie / IndexedDB failures a person must hear about: the disk is full or the store broke. */
export function describeStorageError(cause: unknown): string | null {
  const name = (cause as { name?: unknown } | null)?.name
  const inner = (cause as { inner?: { name?: unknown } } | null)?.inner?.name
  const names = [name, inner]
  if (names.includes('QuotaExceededError')) {
    return "This computer is out of space for Keyholder's offline copy. Free some disk space; queued edits are kept."
  }
  if (
    names.some(
      (n) =>
        n === 'UnknownError' ||
        n === 'OpenFailedError' ||
        n === 'DatabaseClosedError' ||
        n === 'InvalidStateError' ||
        n === 'VersionError',
    )
  ) {
    return 'Keyholder could not read or write its offline copy on this computer. Restart Keyholder; if it keeps happening, contact support.'
  }
  return null
}
