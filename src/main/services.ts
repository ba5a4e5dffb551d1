import type { AppInfo } from '../shared/contract'
import { KeyholderFailure } from '../shared/errors'
import { appHandlers, type AppPlatform } from './handlers/app'
import { workspaceHandlers } from './handlers/workspaces'
import { seamHandlers } from './handlers/users'
import { createDispatcher, mergeHandlers, type Dispatch } from './ipc/dispatch'
import { EventBus } from './ipc/events'
import type { ConnectivitySignals } from './connectivity'
import type { Sandbox } from './sandbox'
import { toKeyholderError } from './seam'
import { Session } from './session'
import { consoleLogger } from './log'
import { Updates, type UpdaterLike } from './updates'
import type { Vault } from './vault'

export interface ServicesOptions {
  vault: Vault
  runtime: AppInfo['runtime']
  version: string
  startSandbox: () => Promise<Sandbox>
  /** System signals that the network may be back (see {@link ConnectivitySignals}). */
  signals?: ConnectivitySignals[]
  /** Per-request timeout of the Seam client (the SDK's default unless set); tests shorten it. */
  requestTimeoutMs?: number
  sandboxLifetime?: 'while-chosen' | 'process'
  /** What differs between the app and the harness (log file, updater, save dialog). */
  platform?: Partial<Omit<AppPlatform, 'updates'>> & {
    /** electron-updater's autoUpdater when an update feed is configured; else updates are off. */
    updater?: UpdaterLike | undefined
  }
}

export interface Services {
  dispatch: Dispatch
  events: EventBus
  session: Session
  platform: AppPlatform
  dispose(): Promise<void>
}

/**
 * Everything the main process offers a page, independent of Electron: the Electron entry and
 * the browser harness both build exactly this and only differ in the transport around it.
 */
export function createServices(options: ServicesOptions): Services {
  const events = new EventBus()
  const session = new Session({ ...options, events })
  const log = options.platform?.log ?? consoleLogger()
  const platform: AppPlatform = {
    log,
    updates: new Updates({ events, log, updater: options.platform?.updater }),
    saveDiagnostics: options.platform?.saveDiagnostics ?? (() => Promise.resolve(undefined)),
    versions: options.platform?.versions ?? { ...process.versions },
    crashDumps: options.platform?.crashDumps,
  }
  const handlers = mergeHandlers(
    workspaceHandlers(session, options.vault),
    seamHandlers(session),
    appHandlers(session, options.vault, platform),
  )
  const dispatch = createDispatcher(handlers, (cause) =>
    cause instanceof KeyholderFailure ? cause.error : toKeyholderError(cause),
  )
  session.start()
  platform.updates.start()
  return {
    dispatch,
    events,
    session,
    platform,
    dispose: () => {
      platform.updates.stop()
      return session.dispose()
    },
  }
}
