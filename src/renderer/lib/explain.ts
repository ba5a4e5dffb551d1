import { KeyholderFailure, keyholderErrorSchema, type KeyholderError } from '../../shared/errors'

export interface Explanation {
  title: string
  detail: string
  next: string
}

const KINDS = new Set(keyholderErrorSchema.options.map((o) => o.shape.kind.value))

/** A KeyholderError as stored (e.g. an outbox entry's last error), not thrown. */
function isKeyholderError(value: unknown): value is KeyholderError {
  const v = value as { kind?: unknown; message?: unknown } | null
  return typeof v?.kind === 'string' && KINDS.has(v.kind as never) && typeof v.message === 'string'
}

/** Turns any failure (thrown, or a stored KeyholderError) into words a person can act on. */
export function explain(cause: unknown): Explanation {
  const error: KeyholderError =
    cause instanceof KeyholderFailure
      ? cause.error
      : isKeyholderError(cause)
        ? cause
        : { kind: 'local', message: cause instanceof Error ? cause.message : String(cause) }
  switch (error.kind) {
    case 'unreachable':
      return {
        title: 'Cannot reach Seam',
        detail: error.message,
        next: 'Check the internet connection. Keyholder keeps trying and shows what it last saw.',
      }
    case 'unauthorized':
      return {
        title: 'The API key was refused',
        detail: error.message,
        next: 'Open Workspaces and enter a valid API key for this workspace.',
      }
    case 'forbidden':
      return {
        title: 'Not permitted',
        detail: error.message,
        next: 'This API key may not make this change. Ask whoever manages the Seam workspace to allow it, or make the change in Seam Console.',
      }
    case 'not_found':
      return {
        title: 'Not found',
        detail: error.message,
        next: 'It may have been deleted elsewhere. Refresh the list.',
      }
    case 'invalid_input':
      return {
        title: 'Seam did not accept this',
        detail: error.message,
        next: 'Correct the highlighted fields and try again.',
      }
    case 'rate_limited':
      return {
        title: 'Seam asked us to slow down',
        detail: error.message,
        next: `Keyholder will try again in ${Math.ceil(error.retry_after_ms / 1000)} s.`,
      }
    case 'server':
      return {
        title: 'Seam had a problem',
        detail: error.message,
        next: 'Try again in a minute. If it keeps happening, contact Seam support.',
      }
    case 'local':
      return { title: 'Something went wrong', detail: error.message, next: 'Try again.' }
  }
}
