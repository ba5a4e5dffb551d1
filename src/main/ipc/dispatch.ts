import {
  invokeContract,
  invokeScopeSchema,
  isInvokeChannel,
  type InvokeChannel,
  type ParsedRequestOf,
  type ResponseOf,
} from '../../shared/contract'
import type { KeyholderError, Result } from '../../shared/errors'
import { requestScope } from './scope'

/** One handler per invoke channel, already given a validated request. */
export type Handlers = {
  [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>
}

/**
 * Merges per-domain handler groups into the full table. Fails fast on a channel claimed twice
 * or left without a handler, so a wiring mistake stops the app at start, not at first use.
 */
export function mergeHandlers(...groups: Partial<Handlers>[]): Handlers {
  const merged: Partial<Record<InvokeChannel, unknown>> = {}
  for (const group of groups) {
    for (const [channel, handler] of Object.entries(group)) {
      if (!isInvokeChannel(channel)) throw new Error(`Handler for unknown channel "${channel}"`)
      if (merged[channel]) throw new Error(`Two handlers for channel "${channel}"`)
      merged[channel] = handler
    }
  }
  const missing = Object.keys(invokeContract).filter((c) => !merged[c as InvokeChannel])
  if (missing.length > 0) throw new Error(`No handler for: ${missing.join(', ')}`)
  return merged as Handlers
}

export type Dispatch = (
  channel: unknown,
  payload: unknown,
  scope?: unknown,
) => Promise<Result<unknown>>

/**
 * The single entry point for every message from a page, whichever transport carried it
 * (Electron IPC or the harness's loopback HTTP). Unknown channels and payloads that fail the
 * contract never reach a handler.
 */
export function createDispatcher(
  handlers: Handlers,
  toError: (cause: unknown) => KeyholderError,
): Dispatch {
  return async (channel, payload, scope) => {
    if (!isInvokeChannel(channel)) {
      return { ok: false, error: { kind: 'local', message: 'Unknown request.' } }
    }
    const parsedScope = invokeScopeSchema.safeParse(scope ?? {})
    if (!parsedScope.success) {
      return { ok: false, error: { kind: 'local', message: 'Invalid request scope.' } }
    }
    const parsed = invokeContract[channel].request.safeParse(payload ?? {})
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message))
        .join('; ')
      return { ok: false, error: { kind: 'local', message: `Invalid request: ${detail}` } }
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>
      const value = await requestScope.run(parsedScope.data, () => handler(parsed.data))
      return { ok: true, value }
    } catch (cause) {
      return { ok: false, error: toError(cause) }
    }
  }
}
