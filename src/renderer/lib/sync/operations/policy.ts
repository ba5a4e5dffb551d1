/**
 * What a failed request means for its queued edit: one pure function, the whole policy.
 * (The replayer carries it out; policy.test.ts holds the table of every kind.)
 */
import type { KeyholderError } from '../../../../shared/errors'

export type Outcome =
  /**
   * Try again. `wait`: after the backoff; after the request timeout has surely passed (an
   * answer that may still arrive must not race a second request); or after `ms`.
   * `maybeSent`: the request may have reached Seam, so look there before sending again.
   */
  | {
      status: 'queued'
      wait: 'backoff' | 'settle' | { ms: number } | 'none'
      maybeSent: boolean
      /** Every request to this workspace waits this long (Seam said "too many requests"). */
      pauseAllMs?: number
      /** The whole queue stops until the key is accepted again. */
      pause?: 'unauthorized'
    }
  /** Refused for what it is: waits for the person to correct, retry or discard it. */
  | { status: 'failed' }
  /** Refused because the person is not there any more: the person decides. */
  | { status: 'conflict'; message: string }
  /** Not permitted (403): the edit failed, unless the key itself is refused (ask main). */
  | { status: 'check_key' }

/** Answers from something between us and Seam, which may still pass the request on. */
const GATEWAY = new Set([408, 502, 503, 504])

export function outcomeOf(error: KeyholderError): Outcome {
  switch (error.kind) {
    case 'unreachable':
      return error.uncertain
        ? { status: 'queued', wait: 'settle', maybeSent: true }
        : { status: 'queued', wait: 'backoff', maybeSent: false }
    case 'server':
      // A 5xx (or 408, 409, 425) may come after Seam applied the request. A gateway's timeout
      // or refusal (408, 502, 503, 504) may even come before Seam applies it: wait that out.
      return {
        status: 'queued',
        wait: GATEWAY.has(error.status) ? 'settle' : 'backoff',
        maybeSent: true,
      }
    case 'rate_limited':
      return {
        status: 'queued',
        wait: { ms: error.retry_after_ms },
        maybeSent: false,
        pauseAllMs: error.retry_after_ms,
      }
    case 'unauthorized':
      return { status: 'queued', wait: 'none', maybeSent: false, pause: 'unauthorized' }
    case 'forbidden':
      return { status: 'check_key' }
    case 'not_found':
      return { status: 'conflict', message: 'This user was deleted elsewhere.' }
    case 'invalid_input':
    case 'local':
      return { status: 'failed' }
  }
}
