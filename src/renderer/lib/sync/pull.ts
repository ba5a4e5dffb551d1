import type { RefusedRecord, UserPage } from '../../../shared/contract'
import { KeyholderFailure, unwrap } from '../../../shared/errors'
import type { KeyholderDb, SyncState } from '../db/schema'
import { userTables } from '../db/user-cache'
import type { Api } from './api'

/** The refused records kept to show (the count is what matters past that). */
const MAX_REFUSED_KEPT = 50

export interface SyncProgress {
  acs_system_id: string
  pages: number
  users: number
  /** Known only when the server says how many there are. */
  total: number | null
  done: boolean
}

export interface PullOptions {
  pageSize?: number
  onProgress?: (progress: SyncProgress) => void
  signal?: AbortSignal
  now?: () => Date
  /** Events up to here are reflected once this listing completes (see changedSinceLastSync). */
  eventsSeenUntil?: string
}

export function emptySyncState(acs_system_id: string): SyncState {
  return {
    acs_system_id,
    last_synced_at: null,
    last_attempt_at: null,
    last_error: null,
    events_seen_until: null,
    user_count: 0,
    refused: [],
  }
}

/** Refreshes the list of systems; systems gone from the server leave the cache. */
export async function pullSystems(db: KeyholderDb, api: Api): Promise<void> {
  const systems = unwrap(await api.invoke('systems.list', {}))
  await db.transaction('rw', db.acs_systems, async () => {
    const keep = new Set(systems.map((s) => s.acs_system_id))
    const gone = (await db.acs_systems.toCollection().primaryKeys()).filter((id) => !keep.has(id))
    await db.acs_systems.bulkDelete(gone)
    await db.acs_systems.bulkPut(systems.map((s, i) => ({ ...s, _order: i })))
  })
}

/**
 * Full listing of one system's users, page by page, each page written in its own transaction
 * while the next is being fetched. Only when the listing completes are users it did not
 * contain (gone from the server) removed, so an interrupted sync leaves every previously cached
 * user in place and the next run simply starts over.
 */
export async function pullUsers(
  db: KeyholderDb,
  api: Api,
  acs_system_id: string,
  options: PullOptions = {},
): Promise<SyncProgress> {
  const { pageSize = 1000, onProgress, signal, now = () => new Date(), eventsSeenUntil } = options
  const state = (await db.sync_state.get(acs_system_id)) ?? emptySyncState(acs_system_id)
  const startedAt = now().toISOString()
  const started = db.users.mark()
  await db.sync_state.put({ ...state, last_attempt_at: startedAt })

  const progress: SyncProgress = { acs_system_id, pages: 0, users: 0, total: null, done: false }
  const seen = new Set<string>()
  /** People Seam sent that main could not accept (a wrong type, an oversized value). */
  const refused: RefusedRecord[] = []
  const fetchPage = async (page_cursor: string | null): Promise<FetchedPage> => {
    const fetchedAt = db.users.mark()
    const page = unwrap(
      await api.invoke('users.list_page', { acs_system_id, page_cursor, limit: pageSize }),
    )
    return { ...page, fetchedAt }
  }

  try {
    // A pipeline: page N+1 is being fetched and page N's write begun while page N-1's write
    // commits. Writes still run in page order (IndexedDB runs transactions on one store in the
    // order they were made), but preparing one overlaps committing the other.
    let next: Promise<FetchedPage> | null = fetchPage(null)
    let writing: Promise<void> = Promise.resolve()
    while (next) {
      const page: FetchedPage = await next
      signal?.throwIfAborted()
      next = page.next_page_cursor ? fetchPage(page.next_page_cursor) : null
      next?.catch(() => undefined)
      const write = writePage(db, page)
      write.catch(() => undefined)
      await writing
      writing = write.then(() => {
        for (const user of page.acs_users) seen.add(user.acs_user_id)
        // A person refused stays as last cached (never "gone"): Seam still has them.
        for (const r of page.refused ?? []) {
          if (r.acs_user_id) seen.add(r.acs_user_id)
          if (refused.length < MAX_REFUSED_KEPT) refused.push(r)
        }
        progress.pages += 1
        progress.users += page.acs_users.length
        onProgress?.({ ...progress })
      })
    }
    await writing
    await db.transaction('rw', [...userTables(db), db.sync_state], async () => {
      // Gone: cached, not in this complete listing, and not written by one of our own edits
      // since the listing began (a user we just created may have been listed before it existed).
      const user_count = await db.users.finishListing(acs_system_id, seen, started)
      await db.sync_state.put({
        ...state,
        last_synced_at: startedAt,
        last_attempt_at: startedAt,
        last_error: null,
        user_count,
        refused,
        events_seen_until: eventsSeenUntil ?? state.events_seen_until ?? startedAt,
      })
    })
    progress.done = true
    progress.total = progress.users
    onProgress?.({ ...progress })
    return progress
  } catch (cause) {
    const message =
      cause instanceof KeyholderFailure || cause instanceof Error ? cause.message : String(cause)
    await db.sync_state.update(acs_system_id, { last_error: message })
    throw cause
  }
}

/** A page and the cache's mark taken before it was asked for (see UserCache.putListed). */
type FetchedPage = UserPage & { fetchedAt: number }

function writePage(db: KeyholderDb, page: FetchedPage): Promise<void> {
  return db.users.putListed(page.acs_users, page.fetchedAt)
}

/**
 * Cheap check before a full listing: have users been created or deleted in this system since
 * we last looked? Servers without these events answer with nothing, which means "unknown".
 * Nothing is written: the newest event counts as seen only once the listing it asks for has
 * completed (pass `seenUntil` to pullUsers), so a listing that fails is asked for again.
 */
export async function changedSinceLastSync(
  db: KeyholderDb,
  api: Api,
  acs_system_id: string,
): Promise<{ changed: boolean; seenUntil: string } | null> {
  const state = await db.sync_state.get(acs_system_id)
  if (!state?.last_synced_at || !state.events_seen_until) return null
  const events = await api.invoke('events.list', {
    acs_system_id,
    since: state.events_seen_until,
    event_types: ['acs_user.created', 'acs_user.deleted'],
  })
  if (!events.ok) return null
  // `since` includes its own instant, so the newest event already seen comes back every time.
  // (An event in that very millisecond that we had not seen is left to the periodic full sync.)
  const seen = state.events_seen_until
  const fresh = events.value.filter((e) => e.occurred_at > seen)
  const newest = fresh.reduce((max, e) => (e.occurred_at > max ? e.occurred_at : max), seen)
  return { changed: fresh.length > 0, seenUntil: newest }
}
