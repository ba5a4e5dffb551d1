import type { AppInfo, WorkspaceSummary } from '../shared/contract'
import { SANDBOX_WORKSPACE_ID } from '../shared/domain'
import { KeyholderFailure } from '../shared/errors'
import { Connectivity, type ConnectivitySignals } from './connectivity'
import type { EventBus } from './ipc/events'
import type { Sandbox } from './sandbox'
import { requestScope } from './ipc/scope'
import { createSeamClient, toKeyholderError, type SeamClient } from './seam'
import type { Vault } from './vault'

export interface SessionOptions {
  vault: Vault
  events: EventBus
  runtime: AppInfo['runtime']
  version: string
  /** Starts the embedded sandbox; called only while the sandbox is the active workspace. */
  startSandbox: () => Promise<Sandbox>
  /** "The network may be back" from the system (Electron: resume from sleep); none in the harness. */
  signals?: ConnectivitySignals[]
  /** Per-request timeout of the Seam client; the client's default unless set. */
  requestTimeoutMs?: number
  /**
   * `while-chosen` (the app and the harness): the sandbox stops as soon as another workspace
   * is chosen, so nothing listens for practice data then. `process`: it runs until disposed,
   * for tests that hand the services a sandbox they also use as a "real" server.
   */
  sandboxLifetime?: 'while-chosen' | 'process'
}

/**
 * The active workspace and its Seam client. Every API call from a handler goes through
 * {@link Session.call}, so its outcome also feeds the connectivity state.
 */
export class Session {
  readonly connectivity: Connectivity
  #client: Promise<SeamClient> | undefined
  #sandbox: Promise<Sandbox> | undefined
  readonly #options: SessionOptions

  constructor(options: SessionOptions) {
    this.#options = options
    this.connectivity = new Connectivity({
      probe: async () => (await this.#getClient()).probe(),
      onChange: (state) => options.events.emit('connectivity', state),
      signals: options.signals ?? [],
    })
  }

  start(): void {
    this.connectivity.start()
  }

  async call<T>(fn: (client: SeamClient) => Promise<T>): Promise<T> {
    // Checked in the same turn as the client is picked: a switch cannot come in between.
    this.#checkScope()
    const client = await this.#getClient()
    try {
      const value = await fn(client)
      this.connectivity.observe({ ok: true })
      return value
    } catch (cause) {
      const error = toKeyholderError(cause)
      this.connectivity.observe({ ok: false, error })
      throw new KeyholderFailure(error)
    }
  }

  /** Seam's time as its latest answer stated it; no request of its own. */
  async serverTime(): Promise<string | null> {
    this.#checkScope()
    return (await this.#getClient()).serverTime()
  }

  /** Refuses a request meant for a workspace that is no longer the active one. */
  #checkScope(): void {
    const meant = requestScope.getStore()?.workspace_id
    if (meant !== undefined && meant !== this.activeWorkspace().workspace_id) {
      throw new KeyholderFailure({
        kind: 'unreachable',
        message: 'Not sent: Keyholder has switched to another workspace since this was asked for.',
      })
    }
  }

  async info(): Promise<AppInfo> {
    const { vault, runtime, version } = this.#options
    return {
      version,
      runtime,
      active_workspace: this.activeWorkspace(),
      storage: await vault.storageStatus(),
    }
  }

  activeWorkspace(): WorkspaceSummary {
    return this.#options.vault.getActive()
  }

  /** Switches workspace: drops the old client, re-checks connectivity, tells every page. */
  async activate(workspace_id: string): Promise<AppInfo> {
    this.#options.vault.setActive(workspace_id)
    this.#client = undefined
    // Nothing listens for practice data once the person has left the sandbox.
    if (workspace_id !== SANDBOX_WORKSPACE_ID && this.#options.sandboxLifetime === 'while-chosen')
      await this.#stopSandbox()
    const info = await this.info()
    this.#options.events.emit('workspace.changed', info)
    void this.connectivity.check()
    return info
  }

  /** Tells every page about the active workspace again (e.g. after it was renamed). */
  async announce(): Promise<void> {
    this.#options.events.emit('workspace.changed', await this.info())
  }

  /** Re-reads the active workspace after the vault changed under it (e.g. it was removed). */
  async refreshActive(previous: string): Promise<void> {
    if (this.activeWorkspace().workspace_id !== previous) {
      await this.activate(this.activeWorkspace().workspace_id)
    }
  }

  async sandbox(): Promise<Sandbox | undefined> {
    if (this.activeWorkspace().workspace_id !== SANDBOX_WORKSPACE_ID) return undefined
    return this.#ensureSandbox()
  }

  async dispose(): Promise<void> {
    this.connectivity.stop()
    await this.#stopSandbox()
  }

  async #stopSandbox(): Promise<void> {
    const starting = this.#sandbox
    this.#sandbox = undefined
    const sandbox = await starting?.catch(() => undefined)
    await sandbox?.stop()
  }

  #ensureSandbox(): Promise<Sandbox> {
    this.#sandbox ??= this.#options.startSandbox()
    return this.#sandbox
  }

  #getClient(): Promise<SeamClient> {
    this.#client ??= this.#createClient()
    return this.#client
  }

  async #createClient(): Promise<SeamClient> {
    const active = this.activeWorkspace()
    const { requestTimeoutMs } = this.#options
    const timeout = requestTimeoutMs === undefined ? {} : { timeoutMs: requestTimeoutMs }
    if (active.workspace_id === SANDBOX_WORKSPACE_ID) {
      const sandbox = await this.#ensureSandbox()
      return createSeamClient({ endpoint: sandbox.endpoint, apiKey: sandbox.apiKey, ...timeout })
    }
    const credentials = await this.#options.vault.getCredentials(active.workspace_id)
    return createSeamClient({ ...credentials, ...timeout })
  }
}
