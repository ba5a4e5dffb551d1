import type { ConnectivityState, KeyholderApi } from '../../../shared/contract'
import type { KeyholderDb } from '../db/schema'
import { Outbox } from './outbox'
import { changedSinceLastSync, pullSystems, pullUsers, type SyncProgress } from './pull'
import { Replayer, type ReplayerOptions } from './replayer'

export interface EngineStatus {
  connectivity: ConnectivityState['state']
  /** The system whose users are being listed right now, with progress. */
  syncing: SyncProgress | null
  lastError: string | null
}

export interface EngineOptions {
  /** How often to look for changes while online. */
  refreshIntervalMs?: number
  /** A full listing at least this often, even if events say nothing changed. */
  fullSyncMaxAgeMs?: number
  replayer?: ReplayerOptions
}

/**
 * Ties the offline core to the main process: pulls while online, replays the outbox whenever
 * the API is reachable, and tells the UI what it is doing.
 */
export class SyncEngine {
  readonly outbox: Outbox
  readonly replayer: Replayer
  readonly #db: KeyholderDb
  readonly #api: KeyholderApi
  readonly #options: Required<Omit<EngineOptions, 'replayer'>>
  readonly #listeners = new Set<(status: EngineStatus) => void>()
  #status: EngineStatus = { connectivity: 'checking', syncing: null, lastError: null }
  #timer: ReturnType<typeof setInterval> | undefined
  #pulling: Promise<void> | null = null
  #unsubscribe: (() => void) | null = null

  constructor(db: KeyholderDb, api: KeyholderApi, options: EngineOptions = {}) {
    this.#db = db
    this.#api = api
    this.#options = { refreshIntervalMs: 60_000, fullSyncMaxAgeMs: 15 * 60_000, ...options }
    this.outbox = new Outbox(db)
    this.replayer = new Replayer(db, this.outbox, api, options.replayer)
  }

  get status(): EngineStatus {
    return this.#status
  }

  subscribe(listener: (status: EngineStatus) => void): () => void {
    this.#listeners.add(listener)
    listener(this.#status)
    return () => this.#listeners.delete(listener)
  }

  async start(): Promise<void> {
    this.#unsubscribe = this.#api.on('connectivity', (state) => this.#onConnectivity(state.state))
    const current = await this.#api.invoke('connectivity.get', {})
    if (current.ok) this.#onConnectivity(current.value.state)
    this.replayer.start()
    this.#timer = setInterval(() => void this.refresh(), this.#options.refreshIntervalMs)
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#unsubscribe?.()
    await this.replayer.stop()
  }

  /** Full listing of every system now (the "Sync now" button). */
  syncNow(): Promise<void> {
    return this.#pull(() => true)
  }

  /** Lists only systems that changed (by events) or whose last full listing is old. */
  refresh(): Promise<void> {
    if (this.#status.connectivity !== 'online') return Promise.resolve()
    return this.#pull(async (acs_system_id) => {
      const state = await this.#db.sync_state.get(acs_system_id)
      const age = state?.last_synced_at ? Date.now() - Date.parse(state.last_synced_at) : Infinity
      if (age > this.#options.fullSyncMaxAgeMs) return true
      return (await changedSinceLastSync(this.#db, this.#api, acs_system_id)) !== false
    })
  }

  #pull(shouldPull: (acs_system_id: string) => boolean | Promise<boolean>): Promise<void> {
    this.#pulling ??= (async () => {
      try {
        await pullSystems(this.#db, this.#api)
        for (const system of await this.#db.acs_systems.orderBy('_order').toArray()) {
          if (!(await shouldPull(system.acs_system_id))) continue
          await pullUsers(this.#db, this.#api, system.acs_system_id, {
            onProgress: (syncing) => this.#set({ syncing }),
          })
        }
        this.#set({ syncing: null, lastError: null })
      } catch (cause) {
        this.#set({
          syncing: null,
          lastError: cause instanceof Error ? cause.message : String(cause),
        })
      } finally {
        this.#pulling = null
      }
    })()
    return this.#pulling
  }

  #onConnectivity(state: ConnectivityState['state']): void {
    const cameOnline = state === 'online' && this.#status.connectivity !== 'online'
    this.#set({ connectivity: state })
    this.replayer.setConnectivity(state)
    if (cameOnline) void this.refresh()
  }

  #set(patch: Partial<EngineStatus>): void {
    this.#status = { ...this.#status, ...patch }
    for (const listener of this.#listeners) listener(this.#status)
  }
}
