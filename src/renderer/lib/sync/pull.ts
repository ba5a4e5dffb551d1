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
  /** Waits before asking again for a failed page (default {@link PAGE_RETRY_DELAYS_MS}). */
  retryDelaysMs?: number[]
  /** How to wait (tests pass one that records the waits). */
  sleep?: (ms: number) => Promise<void>
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
 * A listing not finished yet, kept so the next run goes on from its last good page instead of
 * starting over (on a link that drops every half minute a big system would otherwise never
 * finish). Kept in memory, per database: after a restart the clock of {@link UserCache.mark}
 * starts again, so a pass begun before it could not be judged and the listing starts over.
 */
interface OpenListing {
  /** The page to ask for next: the one after the last page written. */
  cursor: string
  /** When the pass began (becomes "last synced" once it completes), and the cache's mark then. */
  startedAt: string
  started: number
  /** Events up to here are reflected once the pass completes: the first attempt's. */
  eventsSeenUntil: string | undefined
  seen: Set<string>
  refused: RefusedRecord[]
  pages: number
  users: number
}

const openListings = new WeakMap<KeyholderDb, Map<string, OpenListing>>()

function openListingsOf(db: KeyholderDb): Map<string, OpenListing> {
  let listings = openListings.get(db)
  if (!listings) openListings.set(db, (listings = new Map<string, OpenListing>()))
  return listings
}

/** Whether a listing of the system was cut off and the next run would resume it. */
export function hasOpenListing(db: KeyholderDb, acs_system_id: string): boolean {
  return openListings.get(db)?.has(acs_system_id) ?? false
}

/** A pass older than this starts over: its early pages say little about Seam any more. */
export const MAX_RESUME_AGE_MS = 60 * 60_000

/** The waits before asking again for a page that failed (a cut, a 5xx, a 429's own wait). */
export const PAGE_RETRY_DELAYS_MS = [1_000, 3_000, 8_000]

/** Seam refused the cursor of a listing (expired, or from another pass): start over. */
class CursorRefused extends Error {}

/**
 * Full listing of one system's users, page by page, each page written in its own transaction
 * while the next is being fetched (the ids it wrote are announced at once, so the screens show
 * a page as soon as it is in). A page that fails is asked for again after a short wait; one
 * that still fails ends this run, and the next run resumes after the last page written
 * (starting over only when Seam refuses the cursor). Only when a pass completes are users it
 * did not contain (gone from the server) removed: a person deleted between two pages the pass
 * had already listed stays until the next pass, and one created in a part already listed comes
 * with the next (its event asks for one).
 */
export async function pullUsers(
  db: KeyholderDb,
  api: Api,
  acs_system_id: string,
  options: PullOptions = {},
): Promise<SyncProgress> {
  const { pageSize = 1000, onProgress, signal, now = () => new Date(), eventsSeenUntil } = options
  const retryDelaysMs = options.retryDelaysMs ?? PAGE_RETRY_DELAYS_MS
  const sleep = options.sleep ?? ((ms: number) => wait(ms, signal))
  const state = (await db.sync_state.get(acs_system_id)) ?? emptySyncState(acs_system_id)
  const attemptAt = now().toISOString()
  await db.sync_state.put({ ...state, last_attempt_at: attemptAt })

  const listings = openListingsOf(db)
  const begin = (): OpenListing => ({
    cursor: '',
    startedAt: now().toISOString(),
    started: db.users.mark(),
    eventsSeenUntil,
    seen: new Set(),
    refused: [],
    pages: 0,
    users: 0,
  })
  const resumable = listings.get(acs_system_id)
  let open =
    resumable && Date.parse(attemptAt) - Date.parse(resumable.startedAt) <= MAX_RESUME_AGE_MS
      ? resumable
      : begin()
  listings.set(acs_system_id, open)

  const progress: SyncProgress = { acs_system_id, pages: 0, users: 0, total: null, done: false }
  const fetchPage = async (page_cursor: string | null): Promise<FetchedPage> => {
    for (let attempt = 0; ; attempt++) {
      const fetchedAt = db.users.mark()
      const result = await api.invoke('users.list_page', {
        acs_system_id,
        page_cursor,
        limit: pageSize,
      })
      if (result.ok) return { ...result.value, fetchedAt }
      const { error } = result
      if (page_cursor && error.kind === 'invalid_input') throw new CursorRefused(error.message)
      const transient =
        error.kind === 'unreachable' || error.kind === 'server' || error.kind === 'rate_limited'
      if (!transient || attempt >= retryDelaysMs.length || signal?.aborted) {
        throw new KeyholderFailure(error)
      }
      const delay = retryDelaysMs[attempt]!
      await sleep(error.kind === 'rate_limited' ? Math.max(delay, error.retry_after_ms) : delay)
      signal?.throwIfAborted()
    }
  }

  /** Lists from `open.cursor` to the end, recording each page in `open` once it is written. */
  const listRest = async (): Promise<void> => {
    const pass = open
    progress.pages = pass.pages
    progress.users = pass.users
    // A pipeline: page N+1 is being fetched and page N's write begun while page N-1's write
    // commits. Writes still run in page order (IndexedDB runs transactions on one store in the
    // order they were made), but preparing one overlaps committing the other.
    let next: Promise<FetchedPage> | null = fetchPage(pass.cursor || null)
    let writing: Promise<void> = Promise.resolve()
    try {
      while (next) {
        const page: FetchedPage = await next
        signal?.throwIfAborted()
        next = page.next_page_cursor ? fetchPage(page.next_page_cursor) : null
        next?.catch(() => undefined)
        const write = writePage(db, page)
        write.catch(() => undefined)
        await writing
        writing = write.then(() => {
          for (const user of page.acs_users) pass.seen.add(user.acs_user_id)
          // A person refused stays as last cached (never "gone"): Seam still has them.
          for (const r of page.refused ?? []) {
            if (r.acs_user_id) pass.seen.add(r.acs_user_id)
            if (pass.refused.length < MAX_REFUSED_KEPT) pass.refused.push(r)
          }
          pass.cursor = page.next_page_cursor ?? ''
          pass.pages += 1
          pass.users += page.acs_users.length
          progress.pages = pass.pages
          progress.users = pass.users
          onProgress?.({ ...progress })
        })
      }
    } finally {
      // Pages fetched before the failure are written before the next run resumes after them.
      await writing.catch(() => undefined)
    }
    await writing
  }

  try {
    try {
      await listRest()
    } catch (cause) {
      if (!(cause instanceof CursorRefused)) throw cause
      // The pages written stay; only the pass starts over (what it saw no longer proves a
      // complete listing).
      open = begin()
      listings.set(acs_system_id, open)
      await listRest()
    }
    const pass = open
    await db.transaction('rw', [...userTables(db), db.sync_state], async () => {
      // Gone: cached, not in this complete listing, and not written by one of our own edits
      // since the listing began (a user we just created may have been listed before it existed).
      const user_count = await db.users.finishListing(acs_system_id, pass.seen, pass.started)
      await db.sync_state.put({
        ...state,
        last_synced_at: pass.startedAt,
        last_attempt_at: attemptAt,
        last_error: null,
        user_count,
        refused: pass.refused,
        events_seen_until: pass.eventsSeenUntil ?? state.events_seen_until ?? pass.startedAt,
      })
    })
    listings.delete(acs_system_id)
    progress.done = true
    progress.total = progress.users
    onProgress?.({ ...progress })
    return progress
  } catch (cause) {
    // Stopped on purpose (the app closing, another workspace chosen): nothing went wrong.
    if (signal?.aborted) throw cause
    const message =
      cause instanceof KeyholderFailure || cause instanceof Error ? cause.message : String(cause)
    await db.sync_state.update(acs_system_id, { last_error: message })
    throw cause
  }
}

/** `ms` later, or at once (rejecting) when `signal` aborts: stopping never waits out a retry. */
function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      if (signal?.aborted) reject(signal.reason as Error)
      else resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    if (signal?.aborted) done()
  })
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
