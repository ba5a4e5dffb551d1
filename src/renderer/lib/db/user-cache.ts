/**
 * The one owner of cached users. Every write to a person's cached copy, their groups, their
 * doors and the temporary-id map goes through here: pull sync, a confirmed edit, a person read
 * again, a conflict's fresh copy. Each write joins the transaction it is called in (it must
 * hold {@link userTables}), and once that transaction has committed the owner announces which
 * users changed, left or got their real id. The users index and the screens follow those
 * announcements; nothing else writes these tables, and nothing compares snapshots to guess.
 */
import { Dexie } from 'dexie'
import type { AcsAccessGroup, AcsEntrance, AcsUser } from '../../../shared/domain'
import type { IdMapping, KeyholderDb } from './schema'
import { toCachedUser, usersOfSystem } from './schema'

/** What one committed transaction did to cached users. */
export interface UserCacheChange {
  /** Rewritten (a confirmed edit, a fresh read, a listed page). */
  changed: string[]
  /** Gone from the cache (deleted by us, or found gone from Seam). */
  removed: string[]
  /** People created offline who now have their real id. */
  remapped: IdMapping[]
  /** Systems whose complete listing was just written. */
  listed: string[]
  /** Committed by another page of this database (see {@link UserCache.received}). */
  elsewhere?: boolean
}

/** The tables a transaction must hold for any write of the user cache. */
export function userTables(db: KeyholderDb) {
  return [db.acs_users, db.id_map, db.memberships, db.entrances, db.user_checked]
}

type Listener = (change: UserCacheChange) => void

const empty = (): UserCacheChange => ({ changed: [], removed: [], remapped: [], listed: [] })

export class UserCache {
  readonly #db: KeyholderDb
  readonly #listeners = new Set<Listener>()
  /** Changes made in each open transaction, announced when it commits (dropped if it aborts). */
  readonly #pending = new WeakMap<IDBTransaction, UserCacheChange>()
  /**
   * A clock of writes that know better than a listing: a confirmed edit, a fresh read. A listing
   * page fetched before such a write must not put the older copy back; see {@link mark}.
   */
  #clock = 0
  readonly #writtenAt = new Map<string, number>()

  constructor(db: KeyholderDb) {
    this.#db = db
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Saves Seam's copy of a person (a confirmed edit's answer, a re-read, a conflict). */
  async put(user: AcsUser): Promise<void> {
    const change = this.#change()
    this.#touch(user.acs_user_id)
    await this.#db.acs_users.put(toCachedUser(user))
    change.changed.push(user.acs_user_id)
  }

  /** Forgets a person who is gone from Seam: their copy, groups and doors. */
  async remove(acs_user_id: string): Promise<void> {
    const change = this.#change()
    this.#touch(acs_user_id)
    const db = this.#db
    await db.acs_users.delete(acs_user_id)
    await db.memberships.where('acs_user_id').equals(acs_user_id).delete()
    await db.entrances.where('acs_user_id').equals(acs_user_id).delete()
    await db.user_checked.delete(acs_user_id)
    change.removed.push(acs_user_id)
  }

  /**
   * Records that a person created offline is `user` at Seam. Refused (false, nothing written)
   * when that real id already belongs to another offline create: two creates never claim one
   * person, whatever order their confirmations arrive in.
   */
  async claim(temp_id: string, user: AcsUser, groups: string[] = []): Promise<boolean> {
    const db = this.#db
    const real = user.acs_user_id
    const owner = await db.id_map.where('acs_user_id').equals(real).first()
    if (owner && owner.temp_id !== temp_id) return false
    const change = this.#change()
    const mapping = { temp_id, acs_user_id: real, mapped_at: new Date().toISOString() }
    await db.id_map.put(mapping)
    await this.put(user)
    for (const acs_access_group_id of groups) {
      await db.memberships.put({ acs_user_id: real, acs_access_group_id })
    }
    change.remapped.push(mapping)
    return true
  }

  /** The real id of a person created offline, or the id itself. */
  async resolve(id: string): Promise<string> {
    return (await this.#db.id_map.get(id))?.acs_user_id ?? id
  }

  async addMembership(acs_user_id: string, acs_access_group_id: string): Promise<void> {
    const change = this.#change()
    this.#touch(acs_user_id)
    await this.#db.memberships.put({ acs_user_id, acs_access_group_id })
    change.changed.push(acs_user_id)
  }

  async removeMembership(acs_user_id: string, acs_access_group_id: string): Promise<void> {
    const change = this.#change()
    this.#touch(acs_user_id)
    await this.#db.memberships.delete([acs_user_id, acs_access_group_id])
    change.changed.push(acs_user_id)
  }

  /** After "revoke all access": no groups, no doors. */
  async clearAccess(acs_user_id: string): Promise<void> {
    const change = this.#change()
    this.#touch(acs_user_id)
    await this.#db.memberships.where('acs_user_id').equals(acs_user_id).delete()
    await this.#db.entrances.where('acs_user_id').equals(acs_user_id).delete()
    change.changed.push(acs_user_id)
  }

  /**
   * An access group's members as Seam listed them (read after `mark`). A person whose groups
   * one of our confirmed edits wrote since keeps what that edit wrote. Announces nothing: the
   * screens read memberships when a person's panel opens.
   */
  async replaceGroupMembers(
    acs_access_group_id: string,
    members: string[],
    mark: number,
  ): Promise<void> {
    const db = this.#db
    const listed = new Set(members)
    const known = await db.memberships
      .where('acs_access_group_id')
      .equals(acs_access_group_id)
      .toArray()
    const leaving = known.filter(
      (m) => !listed.has(m.acs_user_id) && !this.newerSince(m.acs_user_id, mark),
    )
    await db.memberships.bulkDelete(leaving.map((m) => [m.acs_user_id, acs_access_group_id]))
    const knownIds = new Set(known.map((m) => m.acs_user_id))
    const joining = members.filter((id) => !knownIds.has(id) && !this.newerSince(id, mark))
    await db.memberships.bulkPut(
      joining.map((acs_user_id) => ({ acs_user_id, acs_access_group_id })),
    )
  }

  /** A person read again from Seam with their groups and doors (their panel, online). */
  async putDetail(
    user: AcsUser,
    groups: AcsAccessGroup[],
    entrances: AcsEntrance[],
    checked_at: string,
  ): Promise<void> {
    const db = this.#db
    const id = user.acs_user_id
    await this.put(user)
    await db.user_checked.put({ acs_user_id: id, checked_at })
    await db.memberships.where('acs_user_id').equals(id).delete()
    await db.memberships.bulkPut(
      groups.map((g) => ({ acs_user_id: id, acs_access_group_id: g.acs_access_group_id })),
    )
    await db.entrances.where('acs_user_id').equals(id).delete()
    await db.entrances.bulkPut(entrances.map((e) => ({ ...e, acs_user_id: id })))
  }

  /**
   * The moment before a read from Seam (a listing page, one person): a copy read then is older
   * than any write made here after it. Pass it to {@link putListed} or {@link newerSince}.
   */
  mark(): number {
    return this.#clock
  }

  /** Whether the person was written here since `mark` (their cached copy is newer than a read then). */
  newerSince(acs_user_id: string, mark: number): boolean {
    return (this.#writtenAt.get(acs_user_id) ?? -1) > mark
  }

  /**
   * Writes a listing page in its own transaction. A person written here since `mark` (taken
   * before the page was asked for) keeps the newer copy, or stays deleted. The people written
   * are announced when it commits: a listing cut off half-way still shows what it brought.
   */
  async putListed(users: AcsUser[], mark: number): Promise<void> {
    await this.#db.transaction('rw', this.#db.acs_users, async () => {
      // Judged once this transaction runs: its first request answers only after every earlier
      // transaction on these people (a confirmed edit's commit) has committed, and so marked
      // them. The body itself starts at once, while such a commit may still be reading.
      await this.#db.acs_users.limit(1).primaryKeys()
      const fresh = users.filter((u) => !this.newerSince(u.acs_user_id, mark))
      await this.#db.acs_users.bulkPut(fresh.map(toCachedUser))
      this.#change().changed.push(...fresh.map((u) => u.acs_user_id))
    })
  }

  /**
   * A complete listing of a system: people cached but not listed are gone from Seam, unless
   * written here since `mark` (taken when the listing began: a person we just created may have
   * been listed before they existed). Call inside a transaction holding {@link userTables}.
   * Returns how many people the system now has in the cache.
   */
  async finishListing(acs_system_id: string, seen: Set<string>, mark: number): Promise<number> {
    const cached = await usersOfSystem(this.#db, acs_system_id).primaryKeys()
    const gone = cached.filter((id) => !seen.has(id) && !this.newerSince(id, mark))
    for (const id of gone) await this.remove(id)
    this.#change().listed.push(acs_system_id)
    return cached.length - gone.length
  }

  /**
   * Another page of this database committed a write of these users (page-channel.ts): the data
   * is in IndexedDB already, and only ids came. They count as written here now (a listing page
   * fetched before must not put an older copy back) and are announced like this page's own
   * writes, marked `elsewhere`. A temporary id's real one is read from `id_map`.
   */
  async received(ids: {
    changed: string[]
    removed: string[]
    remapped: string[]
    listed: string[]
  }): Promise<void> {
    for (const id of [...ids.changed, ...ids.removed]) this.#touch(id)
    const remapped = ids.remapped.length
      ? (await this.#db.id_map.bulkGet(ids.remapped)).filter((m) => m !== undefined)
      : []
    for (const mapping of remapped) this.#touch(mapping.acs_user_id)
    const { changed, removed, listed } = ids
    this.#announce({ changed, removed, remapped, listed, elsewhere: true })
  }

  #touch(acs_user_id: string): void {
    this.#writtenAt.set(acs_user_id, ++this.#clock)
  }

  /** The change record of the transaction this write runs in, announced once it commits. */
  #change(): UserCacheChange {
    const tx = Dexie.currentTransaction?.idbtrans
    if (!tx) throw new Error('UserCache writes must run inside a transaction')
    let change = this.#pending.get(tx)
    if (!change) {
      const fresh = empty()
      change = fresh
      this.#pending.set(tx, fresh)
      tx.addEventListener('complete', () => this.#announce(fresh))
    }
    return change
  }

  #announce(change: UserCacheChange): void {
    const removed = new Set(change.removed)
    const unique = {
      changed: [...new Set(change.changed)].filter((id) => !removed.has(id)),
      removed: [...removed],
      remapped: change.remapped,
      listed: [...new Set(change.listed)],
      ...(change.elsewhere && { elsewhere: true }),
    }
    for (const listener of this.#listeners) listener(unique)
  }
}
