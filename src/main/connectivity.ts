import type { ConnectivityState } from '../shared/contract'
import type { KeyholderError } from '../shared/errors'

export type ProbeOutcome = 'online' | 'offline' | 'unauthorized'

export interface ConnectivityOptions {
  /** A cheap request with its own short timeout. */
  probe: () => Promise<ProbeOutcome>
  onChange: (state: ConnectivityState) => void
  /** How often to re-check while online / while not. */
  onlineIntervalMs?: number
  offlineIntervalMs?: number
  now?: () => Date
}

/**
 * Decides whether the Seam API is reachable. `navigator.onLine` only knows about the local
 * network; this watches what really happens: a periodic probe plus the outcome of every real
 * call, so a failed request flips the state at once instead of at the next probe.
 */
export class Connectivity {
  #state: ConnectivityState
  #timer: ReturnType<typeof setTimeout> | undefined
  #probing: Promise<ConnectivityState> | undefined
  #stopped = false
  readonly #options: Required<ConnectivityOptions>

  constructor(options: ConnectivityOptions) {
    this.#options = {
      onlineIntervalMs: 30_000,
      offlineIntervalMs: 5_000,
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
        this.#set(outcome)
        return this.#state
      })
      .finally(() => {
        this.#probing = undefined
        this.#schedule()
      })
    return this.#probing
  }

  /** Feeds the outcome of a real API call into the state. */
  observe(outcome: { ok: true } | { ok: false; error: KeyholderError }): void {
    if (outcome.ok) return this.#set('online')
    const { kind } = outcome.error
    if (kind === 'unreachable') this.#set('offline')
    else if (kind === 'unauthorized') this.#set('unauthorized')
    // Any other answer came from the server, so it is reachable and the key was accepted.
    else if (kind !== 'local') this.#set('online')
  }

  start(): void {
    this.#stopped = false
    void this.check()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
  }

  #set(state: ProbeOutcome): void {
    const changed = state !== this.#state.state
    const detail =
      state === 'offline'
        ? 'The Seam API cannot be reached.'
        : state === 'unauthorized'
          ? 'The API key was refused.'
          : undefined
    this.#state = {
      state,
      checked_at: this.#options.now().toISOString(),
      ...(detail && { detail }),
    }
    if (changed) {
      this.#options.onChange(this.#state)
      this.#schedule()
    }
  }

  #schedule(): void {
    clearTimeout(this.#timer)
    if (this.#stopped) return
    const delay =
      this.#state.state === 'online'
        ? this.#options.onlineIntervalMs
        : this.#options.offlineIntervalMs
    this.#timer = setTimeout(() => void this.check(), delay)
    this.#timer.unref?.()
  }
}
