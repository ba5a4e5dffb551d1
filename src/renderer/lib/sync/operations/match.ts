/**
 * Comparing what an edit sent with what Seam holds, as Seam may have written it: emails in any
 * case, phones in any spelling, names with stray spaces, schedules as instants.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js'

/** Equal values, with access schedules compared as instants rather than spellings. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const x = a as Record<string, unknown>
    const y = b as Record<string, unknown>
    const keys = new Set([...Object.keys(x), ...Object.keys(y)])
    return [...keys].every((k) =>
      typeof x[k] === 'string' && typeof y[k] === 'string' && !Number.isNaN(Date.parse(x[k]))
        ? Date.parse(x[k]) === Date.parse(y[k])
        : same(x[k] ?? null, y[k] ?? null),
    )
  }
  return false
}

export function normalName(value: string | null | undefined): string {
  return (value ?? '').normalize('NFC').trim().replace(/\s+/g, ' ').toLocaleLowerCase()
}

export function normalEmail(value: string | null | undefined): string {
  return (value ?? '').trim().toLowerCase()
}

/** E.164 where the number can be read, else its digits (and a leading +). */
export function normalPhone(value: string | null | undefined): string {
  const raw = (value ?? '').trim()
  if (!raw) return ''
  const parsed = parsePhoneNumberFromString(raw)
  return parsed?.number ?? raw.replace(/[^\d+]/g, '')
}
