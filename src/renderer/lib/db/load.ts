/**
 * Reading users out of the cache for the screens. The first screenful comes from an index
 * range (a few milliseconds); the whole list is read in chunks in the background, so the
 * table shows rows long before 50,000 users have been read, and never holds more than one
 * chunk of full records besides what it keeps.
 */
import type { AcsUser } from '../../../shared/domain'
import { fromCachedUser, usersOfSystem, type CachedUser, type KeyholderDb } from './schema'

/** The database of one workspace: caches of different Seam workspaces never mix. */
export function databaseName(workspace_id: string): string {
  return `keyholder-${workspace_id}`
}

/**
 * The first users by name, of one system or of all (the first of each system, merged: there
 * is deliberately no index on the name alone).
 */
export async function loadFirstUsers(
  db: KeyholderDb,
  acs_system_id: string | null,
  limit: number,
): Promise<AcsUser[]> {
  const systems =
    acs_system_id === null ? await db.acs_systems.toCollection().primaryKeys() : [acs_system_id]
  const firsts = await Promise.all(
    systems.map((id) => usersOfSystem(db, id).limit(limit).toArray()),
  )
  return firsts
    .flat()
    .sort((a, b) => (a._name < b._name ? -1 : a._name > b._name ? 1 : 0))
    .slice(0, limit)
    .map(fromCachedUser)
}

/** Every cached user, delivered in chunks by primary key. */
export async function loadUsers(
  db: KeyholderDb,
  onChunk: (users: AcsUser[]) => void,
  chunkSize = 5_000,
): Promise<void> {
  let after: string | null = null
  for (;;) {
    const range =
      after === null ? db.acs_users.orderBy(':id') : db.acs_users.where(':id').above(after)
    const chunk: CachedUser[] = await range.limit(chunkSize).toArray()
    if (chunk.length === 0) return
    after = chunk[chunk.length - 1]!.acs_user_id
    onChunk(chunk.map(fromCachedUser))
    if (chunk.length < chunkSize) return
  }
}

/** One system's users, after that system was synced. */
export async function loadSystemUsers(db: KeyholderDb, acs_system_id: string): Promise<AcsUser[]> {
  return (await usersOfSystem(db, acs_system_id).toArray()).map(fromCachedUser)
}
