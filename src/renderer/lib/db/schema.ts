/**
 * The renderer's IndexedDB, through Dexie. Versions are explicit and only ever added: a
 * released schema is never edited, because every installed copy already has it on disk.
 */
import { Dexie, type EntityTable } from 'dexie'
import type { AcsAccessGroup, AcsEntrance, AcsSystem, AcsUser } from '../../../shared/domain'
import type { OutboxEntry } from '../sync/outbox-types'

/** A server copy of a user plus the lower-cased keys the screens search and sort by. */
export interface CachedUser extends AcsUser {
  /** Lower-cased full (or display) name; sort key and prefix index. */
  _name: string
  _email: string
  _phone: string
  /** 1 / 0 because IndexedDB cannot index booleans. */
  _suspended: 0 | 1
  _errors: 0 | 1
  _warnings: 0 | 1
  _mutations: 0 | 1
  /** The full sync that last saw this user; older generations are gone from the server. */
  _gen: number
}

export interface CachedSystem extends AcsSystem {
  _order: number
}

export interface CachedGroup extends AcsAccessGroup {
  _gen: number
}

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
  /** Generation of the last complete listing; pages of a running sync carry `generation + 1`. */
  generation: number
  last_synced_at: string | null
  last_attempt_at: string | null
  last_error: string | null
  /** Newest event time already looked at (for the cheap change check). */
  events_seen_until: string | null
  user_count: number
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

  /**
   * Users whose cached copy was last written from a confirmed edit of ours, and when (ms).
   * A listing page fetched before that moment holds an older copy and must not overwrite it.
   * In memory only: a reload restarts any listing under way, so nothing older can arrive.
   */
  readonly committedAt = new Map<string, number>()

  constructor(name = 'keyholder') {
    super(name)
    this.version(1).stores({
      acs_users:
        'acs_user_id, acs_system_id, [acs_system_id+_name], [acs_system_id+_gen], _name, _email, _phone, user_identity_id, [acs_system_id+_suspended], [acs_system_id+_errors], [acs_system_id+_warnings], [acs_system_id+_mutations]',
      acs_systems: 'acs_system_id, _order',
      access_groups: 'acs_access_group_id, acs_system_id',
      memberships: '[acs_user_id+acs_access_group_id], acs_user_id, acs_access_group_id',
      entrances: '[acs_user_id+acs_entrance_id], acs_user_id',
      outbox: 'id, target_id, status, [target_id+id], acs_system_id',
      sync_state: 'acs_system_id',
      id_map: 'temp_id, acs_user_id',
    })
  }
}

/** Adds the index keys a server copy is stored with. */
export function toCachedUser(user: AcsUser, generation: number): CachedUser {
  return {
    ...user,
    _name: (user.full_name ?? user.display_name ?? '').toLowerCase(),
    _email: (user.email_address ?? '').toLowerCase(),
    _phone: user.phone_number ?? '',
    _suspended: user.is_suspended ? 1 : 0,
    _errors: user.errors?.length ? 1 : 0,
    _warnings: user.warnings?.length ? 1 : 0,
    _mutations: user.pending_mutations?.length ? 1 : 0,
    _gen: generation,
  }
}

/** Strips the index keys again. */
export function fromCachedUser(cached: CachedUser): AcsUser {
  const { _name, _email, _phone, _suspended, _errors, _warnings, _mutations, _gen, ...user } =
    cached
  void [_name, _email, _phone, _suspended, _errors, _warnings, _mutations, _gen]
  return user
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
