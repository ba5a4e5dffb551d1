/**
 * What a person types into a user form (or a CSV row), checked before anything is queued:
 * nothing the server is sure to reject goes into the outbox. Messages are written to appear
 * next to the field they are about.
 */
import { getCountryForTimezone } from 'countries-and-timezones'
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js'
import type { CreateUserInput, UserChanges } from '../../shared/contract'
import {
  e164Problem,
  emailProblem,
  forbiddenCharacterProblem,
  fullNameProblem,
  phoneTooLong,
  userIdentityIdProblem,
} from '../../shared/user-fields'

/** The text fields of the user form, as typed. Times are `datetime-local` values (local time). */
export interface UserDraft {
  full_name: string
  email_address: string
  phone_number: string
  user_identity_id: string
  starts_at: string
  ends_at: string
}

export type DraftField = keyof UserDraft
export type FieldErrors = Partial<Record<DraftField, string>>

export const emptyDraft = (): UserDraft => ({
  full_name: '',
  email_address: '',
  phone_number: '',
  user_identity_id: '',
  starts_at: '',
  ends_at: '',
})

export interface PhoneResult {
  /** E.164, ready to send. */
  e164: string
  /** As people in that country write it, for the preview. */
  formatted: string
  country: string | undefined
}

/**
 * Reads a phone number in any common spelling ("020 7183 8750", "+44 20 7183 8750") using the
 * default country for numbers without a country code.
 */
export function parsePhone(text: string, defaultCountry: CountryCode): PhoneResult | null {
  // Letters are not dropped quietly ("07700 900abc" would be saved as a shorter number).
  if (!PHONE_CHARACTERS.test(text)) return null
  const parsed = parsePhoneNumberFromString(text.trim(), defaultCountry)
  // "Possible" (the right length for the country), not "valid": number ranges are opened faster
  // than any library's tables follow, and a technician must be able to type a brand-new number.
  if (!parsed?.isPossible()) return null
  return { e164: parsed.number, formatted: parsed.formatInternational(), country: parsed.country }
}

/** What people write phone numbers with: digits, spaces, + ( ) - . / */
const PHONE_CHARACTERS = /^[\d\s+().\-/]*$/

/** Countries whose English name takes "the" in a sentence. */
const WITH_THE = new Set(
  'AE BS CD CF CG CK DO FK FO GB GM KM KY MH MP MV NL PH SB SC TC UM US VG VI'.split(' '),
)

/** "the United Kingdom", "France": a country as a sentence names it. */
function countryName(code: CountryCode): string {
  const name = new Intl.DisplayNames('en', { type: 'region' }).of(code) ?? code
  return WITH_THE.has(code) ? `the ${name}` : name
}

/**
 * `datetime-local` value (local wall time) → ISO instant, or null when empty or in any other
 * form: `new Date` would read "01/02/2027" as 2 January, which is 1 February in most places.
 */
export function localToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) return null
  const ms = new Date(value.trim()).getTime()
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/** ISO instant → `datetime-local` value in this computer's time zone. */
export function isoToLocal(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** Why a typed phone number cannot be sent, given what `parsePhone` made of it, or null. */
function phoneProblem(
  text: string,
  parsed: PhoneResult | null,
  options: ValidationOptions,
): string | null {
  // A hidden character is named as such: "only digits" would puzzle someone who sees only digits.
  const hidden = forbiddenCharacterProblem('The phone number', text)
  if (hidden) return hidden
  if (!PHONE_CHARACTERS.test(text)) {
    return 'A phone number has only digits, spaces and + ( ) -, e.g. +44 20 7183 8750.'
  }
  if (parsed) return e164Problem(parsed.e164)
  // Not counting an international prefix typed as 00 (0044 20 …): E.164 leaves it out.
  const tooLong = phoneTooLong(text.replace(/^\s*00/, '').replace(/\D/g, '').length)
  if (tooLong) return tooLong
  return `This is not a valid phone number for ${countryName(options.defaultCountry)}. Include the country code for other countries, e.g. +44 20 7183 8750.`
}

export interface ValidationOptions {
  defaultCountry: CountryCode
  now?: number
  /** Editing keeps a schedule whose end has passed only if the person did not touch it. */
  original?: UserDraft
}

export type Validated =
  | { ok: true; values: Omit<CreateUserInput, 'acs_system_id' | 'acs_access_group_ids'> }
  | { ok: false; errors: FieldErrors }

/**
 * Checks every field; returns the values to send or a message per wrong field. The rules for
 * names, emails, phones and identity ids are `shared/user-fields`, the ones main's IPC schemas
 * apply too. When editing, a field left as it was is not judged by them: it is not sent, and a
 * name Seam already holds (say, with a line break from another system) must not stop a clerk
 * correcting the phone number.
 */
export function validateDraft(draft: UserDraft, options: ValidationOptions): Validated {
  const errors: FieldErrors = {}
  const now = options.now ?? Date.now()
  const judged = (field: DraftField) =>
    !options.original || draft[field] !== options.original[field]
  const full_name = draft.full_name.trim()
  if (!full_name) errors.full_name = fullNameProblem(full_name)!
  else if (judged('full_name')) {
    const problem = fullNameProblem(full_name)
    if (problem) errors.full_name = problem
  }

  const emailText = draft.email_address.trim()
  if (emailText && judged('email_address')) {
    const problem = emailProblem(emailText)
    if (problem) errors.email_address = problem
  }

  let phone: PhoneResult | null = null
  const phoneText = draft.phone_number.trim()
  if (phoneText) {
    phone = parsePhone(phoneText, options.defaultCountry)
    const problem = judged('phone_number') && phoneProblem(phoneText, phone, options)
    if (problem) {
      errors.phone_number = problem
      phone = null
    }
  }

  const identity = draft.user_identity_id.trim()
  if (identity && judged('user_identity_id')) {
    const problem = userIdentityIdProblem(identity)
    if (problem) errors.user_identity_id = problem
  }

  const start = localToIso(draft.starts_at)
  const end = localToIso(draft.ends_at)
  const scheduleTouched =
    !options.original ||
    draft.starts_at !== options.original.starts_at ||
    draft.ends_at !== options.original.ends_at
  if (draft.starts_at.trim() && !start) errors.starts_at = 'Enter a valid start date and time.'
  if (draft.ends_at.trim() && !end) errors.ends_at = 'Enter a valid end date and time.'
  if (start && !draft.ends_at.trim()) errors.ends_at = 'An access schedule needs an end as well.'
  if (end && !draft.starts_at.trim()) errors.starts_at = 'An access schedule needs a start as well.'
  if (start && end && Date.parse(end) <= Date.parse(start)) {
    errors.ends_at = 'The end must be after the start.'
  } else if (end && scheduleTouched && Date.parse(end) <= now) {
    errors.ends_at = 'The end is in the past: this person would have no access at all.'
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors }
  return {
    ok: true,
    values: {
      full_name,
      ...(emailText && { email_address: emailText }),
      ...(phone && { phone_number: phone.e164 }),
      ...(identity && { user_identity_id: identity }),
      ...(start && end && { access_schedule: { starts_at: start, ends_at: end } }),
    },
  }
}

/**
 * The fields an edit actually changes, compared with what the person started from. Clearing
 * both schedule fields removes the schedule; clearing email or phone is not possible in Seam's
 * update, so those are reported as errors instead.
 */
export function changesBetween(
  original: UserDraft,
  draft: UserDraft,
  options: ValidationOptions,
): { ok: true; changes: UserChanges } | { ok: false; errors: FieldErrors } {
  const validated = validateDraft(draft, { ...options, original })
  if (!validated.ok) return validated
  const errors: FieldErrors = {}
  if (original.email_address.trim() && !draft.email_address.trim()) {
    errors.email_address = 'Seam cannot remove an email address; enter a new one instead.'
  }
  if (original.phone_number.trim() && !draft.phone_number.trim()) {
    errors.phone_number = 'Seam cannot remove a phone number; enter a new one instead.'
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }

  const before = validateDraft(original, { ...options, original, now: 0 })
  const was: Partial<typeof validated.values> = before.ok ? before.values : {}
  const now = validated.values
  const changes: UserChanges = {}
  if (now.full_name !== was.full_name) changes.full_name = now.full_name
  if (now.email_address && now.email_address !== was.email_address) {
    changes.email_address = now.email_address
  }
  if (now.phone_number && now.phone_number !== was.phone_number) {
    changes.phone_number = now.phone_number
  }
  const sameSchedule =
    now.access_schedule?.starts_at === was.access_schedule?.starts_at &&
    now.access_schedule?.ends_at === was.access_schedule?.ends_at
  if (!sameSchedule) changes.access_schedule = now.access_schedule ?? null
  return { ok: true, changes }
}

/** A sensible default country for phone numbers: the one this computer's language names. */
export function defaultCountryFromLocale(
  locale = globalThis.navigator?.language ?? 'en-US',
): CountryCode {
  const region = /[-_]([A-Z]{2})\b/.exec(locale)?.[1]
  return (region ?? 'US') as CountryCode
}

/**
 * The country a building's local phone numbers belong to: the one its system's time zone is in
 * (a London site → GB), else the one this computer's language names.
 */
export function phoneCountryOf(
  system: { location?: { time_zone?: string | null } | null } | undefined,
): CountryCode {
  const zone = system?.location?.time_zone
  const country = zone ? getCountryForTimezone(zone)?.id : undefined
  return country && isSupportedCountry(country) ? country : defaultCountryFromLocale()
}
