import type { ConnectivityState, KeyholderApi } from '../../../shared/contract'
import { openPageChannel, type PageChannel, type PageMessage } from '../db/page-channel'
import { describeStorageError, type KeyholderDb } from '../db/schema'
import { Outbox } from './outbox'
import {
  changedSinceLastSync,
  hasOpenListing,
  PAGE_RETRY_DELAYS_MS,
  pullSystems,
  pullUsers,
  type PullOptions,
  type SyncProgress,
} from './pull'
import { Replayer, type ReplayerOptions } from './replayer'

export interface EngineStatus {
  connectivity: ConnectivityState['state']
  /** The system whose users are being listed right now, with progress. */
  syncing: SyncProgress | null
  /** Sending queued edits: how many of those waiting when sending began are done. */
  replaying: { done: number; total: number } | null
  /** The last listing that failed, in the server's or our words. */
  lastError: string | null
  /** IndexedDB trouble (full disk, broken store), shown until it clears. */
  storageError: string | null
}

type PullPlan = Pick<PullOptions, 'eventsSeenUntil'>

/** How often a workspace online looks for changes (events), unless told otherwise. */
export const REFRESH_INTERVAL_MS = 60_000
/** The age after which a small workspace is listed again, unless told otherwise. */
export const FULL_SYNC_MAX_AGE_MS = 15 * 60_000

/** Up to this many people in the workspace, listings are renewed as often as the options say. */
export const LISTING_SCALE_FROM_USERS = 5_000
/** However big the workspace, a listing is renewed at least this often. */
export const MAX_LISTING_AGE_MS = 6 * 60 * 60_000

/**
 * How old a listing may grow, while nothing signals a change, in a workspace of `users`
 * people: `baseMs` up to 5,000 people, longer in proportion beyond (with the default 15
 * minutes, 2.5 hours at 50,000), at most 6 hours. An idle, online workspace then lists at
 * most about 20,000 people an hour: never more than one full listing an hour past that size.
 * People created or deleted elsewhere raise events, which ask for a listing within a minute.
 */
export function listingMaxAgeMs(baseMs: number, users: number): number {
  const scaled = baseMs * Math.max(1, users / LISTING_SCALE_FROM_USERS)
  return Math.max(baseMs, Math.min(scaled, MAX_LISTING_AGE_MS))
}

export interface EngineOptions {
  /** How often to look for changes while online. */
  refreshIntervalMs?: number
  /** A full listing at least this often, even if events say nothing changed. */
  fullSyncMaxAgeMs?: number
  /**
   * At start (the app opened, or this workspace chosen), a full listing of systems last listed
   * longer ago than this: changes made elsewhere meanwhile (a rename, say) raise no event.
   */
  startFullSyncAfterMs?: number
  /** Waits before asking again for a listing page that failed (see pullUsers). */
  pageRetryDelaysMs?: number[]
  replayer?: ReplayerOptions
}

/**
 * Ties the offline core to the main process: pulls while online, replays the outbox whenever
 * the API is reachable, and tells the UI what it is doing.
 *
 * Several pages may have one workspace database open (a second window, a reload overlapping
 * the old page). Once started, only the page whose replayer holds the database's replay lock
 * lists Seam; the others show its sync status and ask it to "sync now". The lock passes to
 * another page when that one closes or dies, and the new holder lists at once if the last
 * listing is old. Pages tell each other what they committed (page-channel.ts): an edit queued
 * in any page wakes the holder's replayer, and every page's screens follow every page's
 * writes. Without a channel between pages each page lists on its own, as a single page does.
 */
export class SyncEngine {
  readonly outbox: Outbox
  readonly replayer: Replayer
  readonly #db: KeyholderDb
  readonly #api: KeyholderApi
  readonly #options: Required<Omit<EngineOptions, 'replayer'>>
  readonly #listeners = new Set<(status: EngineStatus) => void>()
  readonly #synced = new Set<(acs_system_id: string, here: boolean) => void>()
  readonly #replayed = new Set<(result: { handled: number; needAttention: number }) => void>()
  /** The connection came back and queued edits, if any, have not all been dealt with yet. */
  #backOnline = false
  /** Online once since start: the first time, older listings are renewed (see options). */
  #wasOnline = false
  #tracking: Promise<void> = Promise.resolve()
  /** A count is queued and has not started: a change now is counted by it. */
  #countDue = false
  #status: EngineStatus = {
    connectivity: 'checking',
    syncing: null,
    replaying: null,
    lastError: null,
    storageError: null,
  }
  #timer: ReturnType<typeof setInterval> | undefined
  #pulling: Promise<void> | null = null
  /** Aborted by stop: a listing waiting to retry a page gives up at once. */
  #stopping = new AbortController()
  #unsubscribe: (() => void)[] = []
  /** The other pages of this database, while started (null: none can be told, or stopped). */
  #pages: PageChannel | null = null
  /** This page holds the replay lock: it sends, and it alone lists Seam. */
  #leading = false
  /** True while passing on another page's outbox notice, which is not sent back out. */
  #relaying = false

  constructor(db: KeyholderDb, api: KeyholderApi, options: EngineOptions = {}) {
    this.#db = db
    this.#api = api
    this.#options = {
      refreshIntervalMs: REFRESH_INTERVAL_MS,
      fullSyncMaxAgeMs: FULL_SYNC_MAX_AGE_MS,
      startFullSyncAfterMs: 5 * 60_000,
      pageRetryDelaysMs: PAGE_RETRY_DELAYS_MS,
      ...options,
    }
    this.outbox = new Outbox(db)
    this.replayer = new Replayer(db, this.outbox, api, {
      ...options.replayer,
      onError: (message) => this.#set({ storageError: message }),
      onLock: (held) => this.#onLock(held),
    })
  }

  get status(): EngineStatus {
    return this.#status
  }

  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.#listeners.add(listener)
    listener(this.#status)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Called after a system's users were listed completely and written to the cache, by this
   * page (`here`) or by the page that lists for this database.
   */
  onSynced(listener: (acs_system_id: string, here: boolean) => void): () => void {
    this.#synced.add(listener)
    return () => this.#synced.delete(listener)
  }

  /**
   * Called when edits queued while offline (or left from last time) have all been dealt with
   * after the connection came back: how many were handled and how many (now or from before) need the person.
   */
  onReplayed(listener: (result: { handled: number; needAttention: number }) => void): () => void {
    this.#replayed.add(listener)
    return () => this.#replayed.delete(listener)
  }

  async start(): Promise<void> {
    this.#stopping = new AbortController()
    this.#unsubscribe.push(
      this.#api.on('connectivity', (state) => this.#onConnectivity(state.state)),
      this.outbox.subscribe(() => void this.#trackReplay()),
    )
    this.#connectPages()
    const current = await this.#api.invoke('connectivity.get', {})
    if (current.ok) this.#onConnectivity(current.value.state)
    this.replayer.start()
    this.#timer = setInterval(() => void this.refresh(), this.#options.refreshIntervalMs)
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#stopping.abort()
    // A listing ends before the replay lock is let go (the next page to hold it lists next),
    // and both before the other pages stop hearing from this one: what they commit meanwhile,
    // and the end of the listing, still reach them.
    await this.#pulling
    await this.replayer.stop()
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe()
    this.#pages = null
  }

  /**
   * Full listing of every system now (the "Sync now" button). In a page that does not list,
   * the page that does is asked to; its listing is announced here as it completes.
   */
  syncNow(): Promise<void> {
    if (this.#follower) {
      this.#pages?.post({ kind: 'sync-now' })
      return Promise.resolve()
    }
    return this.#pull((acs_system_id) => this.#fullListing(acs_system_id))
  }

  /** Lists only systems that changed (by events) or whose last full listing is old. */
  refresh(maxAgeMs = this.#options.fullSyncMaxAgeMs): Promise<void> {
    if (this.#status.connectivity !== 'online') return Promise.resolve()
    return this.#pull(async (acs_system_id) => {
      const state = await this.#db.sync_state.get(acs_system_id)
      const age = state?.last_synced_at ? Date.now() - Date.parse(state.last_synced_at) : Infinity
      if (age > (await this.#maxAgeForWorkspace(maxAgeMs))) return this.#fullListing(acs_system_id)
      // A listing cut off goes on from where it stopped, whatever asked for it.
      if (hasOpenListing(this.#db, acs_system_id)) return this.#fullListing(acs_system_id)
      const events = await changedSinceLastSync(this.#db, this.#api, acs_system_id)
      if (!events) return {}
      return events.changed && { eventsSeenUntil: events.seenUntil }
    })
  }

  /** {@link listingMaxAgeMs} for the people this workspace had at its last listings. */
  async #maxAgeForWorkspace(baseMs: number): Promise<number> {
    let users = 0
    await this.#db.sync_state.each((state) => (users += state.user_count))
    return listingMaxAgeMs(baseMs, users)
  }

  /**
   * A listing whatever the events say. The newest event before it begins is looked up first:
   * once the listing completes that change is in the cache, and the next refresh does not
   * list the system again for it.
   */
  async #fullListing(acs_system_id: string): Promise<PullPlan> {
    const events = await changedSinceLastSync(this.#db, this.#api, acs_system_id)
    return events ? { eventsSeenUntil: events.seenUntil } : {}
  }

  /** Lists each system `plan` asks for (false: skip it), one after the other. */
  #pull(
    plan: (acs_system_id: string) => PullPlan | false | Promise<PullPlan | false>,
  ): Promise<void> {
    // Another page lists this database: two listings would race each other's writes.
    if (this.#follower || this.#stopping.signal.aborted) return Promise.resolve()
    this.#pulling ??= (async () => {
      try {
        await pullSystems(this.#db, this.#api)
        for (const system of await this.#db.acs_systems.orderBy('_order').toArray()) {
          const planned = await plan(system.acs_system_id)
          if (!planned) continue
          await pullUsers(this.#db, this.#api, system.acs_system_id, {
            ...planned,
            retryDelaysMs: this.#options.pageRetryDelaysMs,
            signal: this.#stopping.signal,
            onProgress: (syncing) => this.#set({ syncing }),
          })
          for (const listener of this.#synced) listener(system.acs_system_id, true)
        }
        this.#set({ syncing: null, lastError: null, storageError: null })
      } catch (cause) {
        const storage = describeStorageError(cause)
        const message = cause instanceof Error ? cause.message : String(cause)
        const stopped = this.#stopping.signal.aborted
        this.#set({
          syncing: null,
          ...(stopped ? {} : storage ? { storageError: storage } : { lastError: message }),
        })
      } finally {
        this.#pulling = null
      }
    })()
    return this.#pulling
  }

  /**
   * Progress of sending queued edits, for the progress bar: the total grows when edits are
   * added while sending, and the bar goes away when nothing is left that can be sent now.
   */
  #trackReplay(): Promise<void> {
    // In order: an older count finishing late must not undo a newer one. Changes that come
    // while a count is waiting to start share it: a replay announces each mark and each
    // commit, and a count per announcement reads the whole outbox over and over.
    if (this.#countDue) return this.#tracking
    this.#countDue = true
    this.#tracking = this.#tracking.then(() => {
      this.#countDue = false
      return this.#countReplay()
    })
    return this.#tracking
  }

  async #countReplay(): Promise<void> {
    try {
      const counts = await this.outbox.counts()
      const waiting = counts.queued + counts.sending
      if (waiting === 0 || this.#status.connectivity !== 'online') {
        const finished = this.#status.replaying
        if (finished) this.#set({ replaying: null })
        if (waiting === 0 && this.#backOnline) {
          this.#backOnline = false
          const needAttention = counts.failed + counts.conflict + counts.ask
          const result = { handled: finished?.total ?? 0, needAttention }
          if (finished) for (const listener of this.#replayed) listener(result)
        }
        return
      }
      const previous = this.#status.replaying
      const total = Math.max(previous?.total ?? 0, waiting + (previous?.done ?? 0))
      this.#set({ replaying: { done: total - waiting, total } })
    } catch (cause) {
      this.#set({ storageError: describeStorageError(cause) ?? String(cause) })
    }
  }

  #onConnectivity(state: ConnectivityState['state']): void {
    const cameOnline = state === 'online' && this.#status.connectivity !== 'online'
    if (cameOnline) this.#backOnline = true
    this.#set({ connectivity: state })
    this.replayer.setConnectivity(state)
    void this.#trackReplay()
    if (!cameOnline) return
    const first = !this.#wasOnline
    this.#wasOnline = true
    void this.refresh(first ? this.#options.startFullSyncAfterMs : undefined)
  }

  #set(patch: Partial<EngineStatus>): void {
    this.#status = { ...this.#status, ...patch }
    for (const listener of this.#listeners) listener(this.#status)
    if (this.#leading && ('syncing' in patch || 'lastError' in patch)) {
      const { syncing, lastError } = this.#status
      this.#pages?.post({ kind: 'sync-status', syncing, lastError })
    }
  }

  /** Started, with other pages to lean on, and another page holds the lock (or may soon). */
  get #follower(): boolean {
    return this.#pages !== null && !this.#leading
  }

  #onLock(held: boolean): void {
    this.#leading = held
    if (!held || !this.#pages) return
    // Taken over from a page that closed or died: its progress, if any, is over.
    this.#set({ syncing: null })
    // Listing falls to this page now: as at start, renew what is old.
    if (this.#status.connectivity === 'online') {
      void this.refresh(this.#options.startFullSyncAfterMs)
    }
  }

  /** Tells the other pages what this one committed, and follows what they did. */
  #connectPages(): void {
    const pages = openPageChannel(this.#db.name)
    if (!pages) return
    this.#pages = pages
    this.#unsubscribe.push(
      this.outbox.subscribe(() => {
        if (!this.#relaying) pages.post({ kind: 'outbox' })
      }),
      this.#db.users.subscribe((change) => {
        if (change.elsewhere) {
          for (const id of change.listed) for (const listener of this.#synced) listener(id, false)
          return
        }
        const { changed, removed, listed } = change
        const remapped = change.remapped.map((m) => m.temp_id)
        pages.post({ kind: 'users', changed, removed, remapped, listed })
      }),
      pages.subscribe((message) => this.#fromElsewhere(message)),
      () => pages.close(),
    )
  }

  #fromElsewhere(message: PageMessage): void {
    switch (message.kind) {
      case 'outbox':
        // As if changed here: the replayer (if it holds the lock) looks again, screens re-read.
        this.#relaying = true
        try {
          this.outbox.notify()
        } finally {
          this.#relaying = false
        }
        return
      case 'users':
        this.#db.users.received(message).catch((cause: unknown) => {
          console.warn('Keyholder could not follow a change made in another window:', cause)
        })
        return
      case 'sync-status':
        if (!this.#leading) this.#set({ syncing: message.syncing, lastError: message.lastError })
        return
      case 'sync-now':
        if (this.#leading) void this.syncNow()
        return
    }
  }
}
