import { z } from 'zod'

/**
 * Every failure that crosses the IPC boundary is one of these. They are plain data so they
 * survive structured cloning (Electron) and JSON (the browser harness) unchanged.
 */
export const keyholderErrorSchema = z.discriminatedUnion('kind', [
  /**
   * No answer from the Seam API (DNS, refused, reset, timeout). `uncertain`: the request may
   * have reached Seam and been applied (timed out or cut off after it was sent); absent or
   * false when it certainly never left (refused connection, unknown host, our own checks).
   */
  z.object({
    kind: z.literal('unreachable'),
    message: z.string(),
    uncertain: z.boolean().optional(),
  }),
  /** The API key was refused (401). */
  z.object({ kind: z.literal('unauthorized'), message: z.string(), status: z.number().int() }),
  /**
   * The key was accepted but may not do this one thing (403, "not permitted"). Unlike
   * `unauthorized`, it says nothing about other requests.
   */
  z.object({ kind: z.literal('forbidden'), message: z.string(), status: z.literal(403) }),
  /** The thing asked for does not exist (any more). */
  z.object({ kind: z.literal('not_found'), message: z.string() }),
  /** The server rejected the input; `fields` maps a parameter name to its messages. */
  z.object({
    kind: z.literal('invalid_input'),
    message: z.string(),
    fields: z.record(z.string(), z.array(z.string())),
  }),
  /** Too many requests; try again after `retry_after_ms`. */
  z.object({
    kind: z.literal('rate_limited'),
    message: z.string(),
    retry_after_ms: z.number().int().nonnegative(),
  }),
  /**
   * The server failed (5xx), could not take the request now (408 timeout, 409 conflict,
   * 425 too early: worth trying again) or answered with something we could not understand.
   */
  z.object({ kind: z.literal('server'), message: z.string(), status: z.number().int() }),
  /** The request never left the app: bad payload, no workspace, a local failure. */
  z.object({ kind: z.literal('local'), message: z.string() }),
])

export type KeyholderError = z.infer<typeof keyholderErrorSchema>
export type KeyholderErrorKind = KeyholderError['kind']

/** Results cross the boundary as an envelope; nothing is thrown across it. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: KeyholderError }

export function resultSchema<T extends z.ZodTypeAny>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: keyholderErrorSchema }),
  ])
}

/** A thrown form of {@link KeyholderError}, for code that prefers exceptions. */
export class KeyholderFailure extends Error {
  constructor(readonly error: KeyholderError) {
    super(error.message)
    this.name = 'KeyholderFailure'
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value
  throw new KeyholderFailure(result.error)
}
