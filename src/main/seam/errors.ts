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
    if (status !== undefined) return fromStatus(status, `The server answered ${status}.`, cause)
    return { kind: 'unreachable', message: unreachableMessage(cause) }
  }
  return { kind: 'local', message: cause instanceof Error ? cause.message : String(cause) }
}

function fromStatus(
  status: number,
  message: string,
  axios: AxiosError | undefined,
): KeyholderError {
  if (status === 401 || status === 403) return { kind: 'unauthorized', message, status }
  if (status === 404) return { kind: 'not_found', message }
  if (status === 429) {
    return { kind: 'rate_limited', message, retry_after_ms: retryAfterMs(axios) }
  }
  if (status >= 500) return { kind: 'server', message, status }
  return { kind: 'invalid_input', message, fields: {} }
}

/**
 * What we read of an Axios error (the SDK's transport). Checked by shape so we need not
 * depend on Axios ourselves.
 */
interface AxiosError {
  isAxiosError: true
  code?: string
  config?: { baseURL?: string }
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

function unreachableMessage(error: AxiosError): string {
  const host = safeHost(error.config?.baseURL)
  const where = host ? ` at ${host}` : ''
  if (error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT') {
    return `The Seam API${where} did not answer in time.`
  }
  return `The Seam API${where} cannot be reached.`
}

function safeHost(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    return new URL(url).host
  } catch {
    return undefined
  }
}
