import {
  isSeamHttpApiError,
  isSeamHttpInvalidInputError,
  SeamHttpInvalidResponseError,
  SeamHttpInvalidTokenError,
} from '@seamapi/http'
import { KeyholderFailure, type KeyholderError } from '../../shared/errors'

/** Without a usable Retry-After, wait this long before asking again. */
const DEFAULT_RETRY_AFTER_MS = 5_000

/**
 * Maps anything the Seam SDK (or the network under it) throws onto the small error union the
 * renderer can explain. Messages never include the API key: the SDK keeps it in a header, and
 * we only ever quote the server's own message or a sentence of ours.
 */
export function toKeyholderError(cause: unknown): KeyholderError {
  if (cause instanceof KeyholderFailure) return cause.error
  if (cause instanceof SeamHttpInvalidTokenError) {
    return {
      kind: 'invalid_input',
      message: 'That does not look like a Seam API key (they start with "seam_").',
      fields: { api_key: ['Seam API keys start with "seam_".'] },
    }
  }
  // Status first: a 409 or 425 sent as Seam's "invalid_input" type is still "not now".
  if (isSeamHttpApiError(cause) && cause.statusCode !== 400 && cause.statusCode !== 422) {
    return fromStatus(cause.statusCode, cause.message, axiosCause(cause.cause))
  }
  if (isSeamHttpInvalidInputError(cause)) {
    const fields: Record<string, string[]> = {}
    for (const { parameterName, errorMessages } of cause.validationErrors) {
      fields[parameterName] = errorMessages
    }
    return { kind: 'invalid_input', message: cause.message, fields }
  }
  if (isSeamHttpApiError(cause)) {
    return fromStatus(cause.statusCode, cause.message, axiosCause(cause.cause))
  }
  if (cause instanceof SeamHttpInvalidResponseError) {
    return {
      kind: 'server',
      message: 'Seam answered with something Keyholder could not read.',
      status: 200,
    }
  }
  if (isAxiosError(cause)) {
    const status = cause.response?.status
    if (status === 404) {
      // Not Seam's own "not found" (that comes as a Seam error): the server has no such request.
      return { kind: 'not_found', message: missingRouteMessage(cause) }
    }
    if (status !== undefined) return fromStatus(status, `The server answered ${status}.`, cause)
    return {
      kind: 'unreachable',
      message: unreachableMessage(cause),
      ...(mayHaveBeenSent(networkCode(cause)) && { uncertain: true }),
    }
  }
  return { kind: 'local', message: cause instanceof Error ? cause.message : String(cause) }
}

/**
 * An HTTP status as an error kind. 408 (the server timed out waiting), 409 (a conflicting
 * request at the same time) and 425 (too early) say "not now", not "this is wrong": they are
 * `server` errors, tried again or reconciled, never shown as invalid input.
 */
export function fromStatus(
  status: number,
  message: string,
  axios?: AxiosError,
  now = Date.now(),
): KeyholderError {
  if (status === 401) return { kind: 'unauthorized', message, status }
  if (status === 403) return { kind: 'forbidden', message, status }
  if (status === 404) return { kind: 'not_found', message }
  if (status === 429) {
    return { kind: 'rate_limited', message, retry_after_ms: retryAfterMs(axios, now) }
  }
  if (status === 408 || status === 409 || status === 425 || status >= 500) {
    return { kind: 'server', message, status }
  }
  return { kind: 'invalid_input', message, fields: {} }
}

/**
 * Network failures after which the request certainly never reached the server: no connection
 * was made. Every other failure without an answer (a timeout, a reset or hang-up, an unknown
 * code) may have come after Seam received, and perhaps applied, the request.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
  'ERR_INVALID_URL',
])

/** Whether a failure without an answer may have reached Seam. */
export function mayHaveBeenSent(code: string | undefined): boolean {
  return code === undefined || !NEVER_SENT.has(code)
}

/**
 * What we read of an Axios error (the SDK's transport). Checked by shape so we need not
 * depend on Axios ourselves.
 */
interface AxiosError {
  isAxiosError: true
  code?: string
  /** The socket's own error, e.g. ECONNREFUSED under Axios' generic ERR_NETWORK. */
  cause?: unknown
  config?: { baseURL?: string; url?: string }
  response?: { status: number; headers?: Record<string, unknown> }
}

function isAxiosError(cause: unknown): cause is AxiosError {
  return (
    typeof cause === 'object' &&
    cause !== null &&
    (cause as { isAxiosError?: unknown }).isAxiosError === true
  )
}

function axiosCause(cause: unknown): AxiosError | undefined {
  return isAxiosError(cause) ? cause : undefined
}

/** Retry-After is either whole seconds or an HTTP date. */
export function retryAfterMs(error: AxiosError | undefined, now = Date.now()): number {
  const header: unknown = error?.response?.headers?.['retry-after']
  if (typeof header !== 'string' || header.trim() === '') return DEFAULT_RETRY_AFTER_MS
  const seconds = Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - now)
}

/** The most specific code: the socket's own under Axios' generic `ERR_NETWORK`. */
function networkCode(error: AxiosError): string | undefined {
  const inner = (error.cause as { code?: unknown } | undefined)?.code
  return typeof inner === 'string' ? inner : error.code
}

function unreachableMessage(error: AxiosError): string {
  const host = safeHost(error.config?.baseURL)
  const where = host ? ` at ${host}` : ''
  const code = networkCode(error)
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return `The Seam API${where} did not answer in time.`
  }
  if (mayHaveBeenSent(code)) {
    return `The connection to the Seam API${where} was cut off before it answered.`
  }
  return `The Seam API${where} cannot be reached.`
}

function missingRouteMessage(error: AxiosError): string {
  const host = safeHost(error.config?.baseURL)
  const path = error.config?.url?.split('?')[0]
  return `The Seam API${host ? ` at ${host}` : ''} does not offer this${path ? ` (${path})` : ''}: it may be a test or older server.`
}

function safeHost(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}
