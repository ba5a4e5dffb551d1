import type { AppInfo } from '../shared/contract'
import { KeyholderFailure } from '../shared/errors'
import { workspaceHandlers } from './handlers/workspaces'
import { seamHandlers } from './handlers/users'
import { createDispatcher, mergeHandlers, type Dispatch } from './ipc/dispatch'
import { EventBus } from './ipc/events'
import type { ConnectivitySignals } from './connectivity'
import type { Sandbox } from './sandbox'
import { toKeyholderError } from './seam'
import { Session } from './session'
import type { Vault } from './vault'

export interface ServicesOptions {
  vault: Vault
  runtime: AppInfo['runtime']
  version: string
  startSandbox: () => Promise<Sandbox>
  /** System signals that the network may be back (see {@link ConnectivitySignals}). */
  signals?: ConnectivitySignals[]
  /** How long a request to Seam may take (tests make it short to produce late answers). */
  requestTimeoutMs?: number
}

export interface Services {
  dispatch: Dispatch
  events: EventBus
  session: Session
  dispose(): Promise<void>
}

/**
 * Everything the main process offers a page, independent of Electron: the Electron entry and
 * the browser harness both build exactly this and only differ in the transport around it.
 */
export function createServices(options: ServicesOptions): Services {
  const events = new EventBus()
  const session = new Session({ ...options, events })
  const handlers = mergeHandlers(workspaceHandlers(session, options.vault), seamHandlers(session))
  const dispatch = createDispatcher(handlers, (cause) =>
    cause instanceof KeyholderFailure ? cause.error : toKeyholderError(cause),
  )
  session.start()
  return { dispatch, events, session, dispose: () => session.dispose() }
}
