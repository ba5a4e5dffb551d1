import type { ConnectivityState } from '../shared/contract'
import type { KeyholderError } from '../shared/errors'

/**
 * What a probe found. `{ busy_ms }`: Seam answered 429 — it is reachable and the key works, it
 * only asks for no requests for that long.
 */
export type ProbeOutcome = 'online' | 'offline' | 'unauthorized' | { busy_ms: number }

/**
 * Something that knows when the network may have changed: the computer woke up, the page saw
 * its `online` / `offline` event. Each signal probes at once instead of waiting out the backoff.
 */
export interface ConnectivitySignals {
  /** Calls `listener` on every signal; returns the unsubscribe function. */
  subscribe(listener: (reason: string) => void): () => void
}

/** A signal source fed by hand, e.g. by the pages' `connectivity.signal` request. */
export class ManualSignals implements ConnectivitySignals {
  readonly #listeners = new Set<(reason: string) => void>()

  subscribe(listener: (reason: string) => void): () => void {
    this.#listeners.add(listener)
    return () => void this.#listeners.delete(listener)
  }

  emit(reason: string): void {
    for (const listener of this.#listeners) listener(reason)
  }
}

export interface ConnectivityOptions {
  /** A cheap request with its own short timeout. */
  probe: () => Promise<ProbeOutcome>
  onChange: (state: ConnectivityState) => void
  /** How often to re-check while online. */
  onlineIntervalMs?: number
  /** While not online: the first re-check comes after this long, each later one after twice as long… */
  offlineFirstMs?: number
  /** …up to this long. */
  offlineMaxMs?: number
  /** Sources of "the network may have changed" (OS resume, the page's online event). */
  signals?: ConnectivitySignals[]
  now?: () => Date
}

type Outcome = 'online' | 'offline' | 'unauthorized'

/**
 * Decides whether the Seam API is reachable. `navigator.onLine` only knows about the local
 * network; this watches what really happens: a probe plus the outcome of every real call, so a
 * request that fails for network reasons turns the app offline at once. While offline it probes
 * again after 1 s, 2 s, 4 s … up to a minute; a signal (the computer woke, the network changed)
 * probes at once and starts the backoff afresh.
 */
export class Connectivity {
  #state: ConnectivityState
  #timer: ReturnType<typeof setTimeout> | undefined
  #probing: Promise<ConnectivityState> | undefined
  #stopped = true
  /** Probes in a row that found Seam unreachable, for the backoff. */
  #misses = 0
  #busyUntil: number | null = null
  #unsubscribe: (() => void)[] = []
  readonly #options: Required<ConnectivityOptions>

  constructor(options: ConnectivityOptions) {
    this.#options = {
      onlineIntervalMs: 30_000,
      offlineFirstMs: 1_000,
      offlineMaxMs: 60_000,
      signals: [],
      now: () => new Date(),
      ...options,
    }
    this.#state = { state: 'checking', checked_at: this.#options.now().toISOString() }
  }

  get state(): ConnectivityState {
    return this.#state
  }

  /** Probes now (joining a probe already under way) and schedules the next one. */
  check(): Promise<ConnectivityState> {
    this.#probing ??= this.#options
      .probe()
      .catch((): ProbeOutcome => 'offline')
      .then((outcome) => {
        if (typeof outcome === 'object') {
          this.#misses = 0
          this.#set('online', outcome.busy_ms)
        } else {
          this.#misses = outcome === 'offline' ? this.#misses + 1 : 0
          this.#set(outcome)
        }
        return this.#state
      })
      .finally(() => {
        this.#probing = undefined
        this.#schedule()
      })
    return this.#probing
  }

  /**
   * The network may have changed (the computer resumed, the page went online or offline):
   * probe now, and start the backoff again from its shortest wait.
   */
  signal(): Promise<ConnectivityState> {
    this.#misses = 0
    return this.check()
  }

  /** Feeds the outcome of a real API call into the state. */
  observe(outcome: { ok: true } | { ok: false; error: KeyholderError }): void {
    if (outcome.ok) return this.#set('online')
    const { error } = outcome
    switch (error.kind) {
      case 'unreachable':
        return this.#set('offline')
      case 'unauthorized':
        return this.#set('unauthorized')
      case 'rate_limited':
        // Reachable and busy: never "offline".
        return this.#set('online', error.retry_after_ms)
      case 'local':
        // Never left this computer: says nothing about Seam.
        return
      default:
        // Any other answer came from the server (a 403 included: the key was accepted for
        // the connection, only this one thing was not permitted; the probe decides about the key).
        return this.#set('online')
    }
  }

  start(): void {
    if (!this.#stopped) return
    this.#stopped = false
    this.#unsubscribe = this.#options.signals.map((source) =>
      source.subscribe(() => void this.signal()),
    )
    void this.check()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    for (const unsubscribe of this.#unsubscribe) unsubscribe()
    this.#unsubscribe = []
  }

  /** The wait before the next probe in the current state. */
  get nextProbeInMs(): number {
    if (this.#state.state === 'online') {
      const busy = this.#busyUntil === null ? 0 : this.#busyUntil - this.#options.now().getTime()
      return Math.max(this.#options.onlineIntervalMs, busy)
    }
    const { offlineFirstMs, offlineMaxMs } = this.#options
    const doublings = Math.min(Math.max(this.#misses - 1, 0), 30)
    return Math.min(offlineMaxMs, offlineFirstMs * 2 ** doublings)
  }

  #set(state: Outcome, busyMs?: number): void {
    const now = this.#options.now()
    const changed = state !== this.#state.state
    const busyBefore = this.#busyUntil
    if (state !== 'online') this.#busyUntil = null
    else if (busyMs === undefined) this.#busyUntil = null
    else this.#busyUntil = Math.max(this.#busyUntil ?? 0, now.getTime() + busyMs)
    if (state === 'offline' && changed) this.#misses = Math.max(this.#misses, 1)
    const detail =
      state === 'offline'
        ? 'The Seam API cannot be reached.'
        : state === 'unauthorized'
          ? 'The API key was refused.'
          : this.#busyUntil !== null
            ? 'Seam is busy and asked Keyholder to slow down.'
            : undefined
    this.#state = {
      state,
      checked_at: now.toISOString(),
      ...(detail && { detail }),
      ...(this.#busyUntil !== null && { busy_until: new Date(this.#busyUntil).toISOString() }),
    }
    // Busy starting or ending is news, and so is a wait that grew by a second or more; not
    // every 429 of a burst.
    const busyNews =
      (busyBefore === null) !== (this.#busyUntil === null) ||
      (busyBefore !== null && this.#busyUntil !== null && this.#busyUntil - busyBefore >= 1_000)
    if (changed || busyNews) {
      this.#options.onChange(this.#state)
      if (changed) this.#schedule()
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    if (this.#stopped) return
    this.#timer = setTimeout(() => void this.check(), this.nextProbeInMs)
    this.#timer.unref?.()
  }
}
