import { AsyncLocalStorage } from 'node:async_hooks'
import type { InvokeScope } from '../../shared/contract'

/**
 * The scope of the page request being handled, for code far below the handler (the session
 * checks it as it picks the Seam client), without every handler passing it along.
 */
export const requestScope = new AsyncLocalStorage<InvokeScope>()
