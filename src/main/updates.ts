/**
 * Updates with electron-updater, off unless a feed is configured. Downloads in the background;
 * installs when the person chooses "Restart to update" (or quits). Never restarts while the
 * page says edits are being sent or a form holds typed input: a restart then could cut a send
 * whose outcome is unknown, or throw away what someone was typing.
 */
import type { UpdateState } from '../shared/app-contract'
import { isLoopbackHost } from '../shared/endpoint'
import type { EventBus } from './ipc/events'
import type { Logger } from './log'

/** The few electron-updater (`autoUpdater`) parts used here; a stand-in in tests. */
export interface UpdaterLike {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  on(event: 'checking-for-update', listener: () => void): unknown
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown
  on(event: 'update-not-available', listener: () => void): unknown
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  checkForUpdates(): Promise<unknown>
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void
}

export interface UpdatesOptions {
  /** Absent when no feed is configured: updates are off. */
  updater?: UpdaterLike | undefined
  events: EventBus
  log: Logger
  /** How often to look again (default: every four hours). */
  intervalMs?: number
}

export class Updates {
  #status: UpdateState['status']
  #version: string | undefined
  /** Until the page says otherwise, a restart is not safe (it may not have loaded yet). */
  #busy = { sending: true, unsaved_input: true }
  #timer: ReturnType<typeof setInterval> | undefined
  readonly #options: UpdatesOptions

  constructor(options: UpdatesOptions) {
    this.#options = options
    const { updater } = options
    this.#status = updater ? 'idle' : 'off'
    if (!updater) return
    updater.autoDownload = true
    updater.autoInstallOnAppQuit = true
    updater.on('checking-for-update', () => this.#set('checking'))
    updater.on('update-available', ({ version }) => this.#set('downloading', version))
    updater.on('update-not-available', () => this.#set('idle'))
    updater.on('update-downloaded', ({ version }) => this.#set('ready', version))
    updater.on('error', (error) => {
      options.log.warn('Update check failed:', error)
      // A downloaded update stays ready; a failed check is tried again later.
      if (this.#status !== 'ready') this.#set('error')
    })
  }

  state(): UpdateState {
    return {
      status: this.#status,
      ...(this.#version && { version: this.#version }),
      safe_to_restart: !this.#busy.sending && !this.#busy.unsaved_input,
    }
  }

  start(): void {
    const { updater, intervalMs = 4 * 3_600_000 } = this.#options
    if (!updater) return
    const check = () => {
      if (this.#status === 'ready' || this.#status === 'downloading') return
      updater.checkForUpdates().catch((cause: unknown) => {
        this.#options.log.warn('Update check failed:', cause)
      })
    }
    check()
    this.#timer = setInterval(check, intervalMs)
    this.#timer.unref?.()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  setBusy(busy: { sending: boolean; unsaved_input: boolean }): UpdateState {
    const before = this.state().safe_to_restart
    this.#busy = busy
    if (this.state().safe_to_restart !== before) this.#emit()
    return this.state()
  }

  /** Restarts into the downloaded update, only when nothing would be lost. */
  restart(): { restarting: boolean } {
    const { updater, log } = this.#options
    if (!updater || this.#status !== 'ready' || !this.state().safe_to_restart) {
      return { restarting: false }
    }
    log.info(`Restarting to install version ${this.#version ?? '?'}`)
    updater.quitAndInstall(false, true)
    return { restarting: true }
  }

  #set(status: UpdateState['status'], version?: string): void {
    this.#status = status
    if (version) this.#version = version
    this.#emit()
  }

  #emit(): void {
    this.#options.events.emit('update', this.state())
  }
}

/**
 * The update feed: `KEYHOLDER_UPDATE_URL` (or the settings' `update_feed`), https only (http on
 * loopback for testing), or none. An IT department sets it when it deploys Keyholder.
 */
export function updateFeed(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined
  try {
    const url = new URL(value.trim())
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
      return url.href
  } catch {
    // Not a URL: no updates, as with none.
  }
  return undefined
}
