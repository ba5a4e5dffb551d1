/**
 * Removes secrets from anything about to be logged or exported: Seam API keys (`seam_…`),
 * bearer and basic credentials, and the values of authorisation headers and key-like fields,
 * wherever they hide (a message, a stack, a URL, a nested object, an Error's own properties).
 */
const REDACTED = '[redacted]'

/** Field names whose values are secrets whatever they look like. */
const SECRET_KEYS =
  /^(authorization|proxy-authorization|x-api-key|api[-_]?key|apikey|access[-_]?token|token|password|secret|client[-_]?session[-_]?token|cookie|set-cookie)$/i

const TEXT_PATTERNS: [RegExp, string][] = [
  // Seam keys and tokens: seam_live_…, seam_test…, seam_cst…, seam_sandbox_…
  [/\bseam_[A-Za-z0-9_-]+/g, `seam_${REDACTED}`],
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // "authorization: …", "api_key=…", '"token":"…"' in headers, query strings and JSON text.
  [
    /((?:authorization|x-api-key|api[-_]?key|apikey|access[-_]?token|token|password|secret)["']?\s*[:=]\s*["']?)(?!\[redacted\])[^\s"'&,;}]+/gi,
    `$1${REDACTED}`,
  ],
]

export function redactText(text: string): string {
  return TEXT_PATTERNS.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement),
    text,
  )
}

/** A copy of `value` with every secret removed; Errors stay Errors (stack included). */
export function redact(value: unknown, seen = new WeakMap<object, unknown>()): unknown {
  if (typeof value === 'string') return redactText(value)
  if (value === null || typeof value !== 'object') return value
  if (seen.has(value)) return seen.get(value)
  if (value instanceof URL) return redactText(value.href)
  if (value instanceof Error) {
    const copy = new Error(redactText(value.message))
    seen.set(value, copy)
    copy.name = value.name
    copy.stack = value.stack === undefined ? undefined : redactText(value.stack)
    for (const [key, inner] of Object.entries(value)) {
      ;(copy as unknown as Record<string, unknown>)[key] = SECRET_KEYS.test(key)
        ? REDACTED
        : redact(inner, seen)
    }
    if (value.cause !== undefined) copy.cause = redact(value.cause, seen)
    return copy
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = []
    seen.set(value, copy)
    for (const inner of value) copy.push(redact(inner, seen))
    return copy
  }
  if (value instanceof Map) return redact(Object.fromEntries(value), seen)
  const copy: Record<string, unknown> = {}
  seen.set(value, copy)
  for (const [key, inner] of Object.entries(value)) {
    copy[key] = SECRET_KEYS.test(key) ? REDACTED : redact(inner, seen)
  }
  return copy
}
