/**
 * What a person's name, email, phone and user identity ID may hold: one set of rules for the
 * user form and CSV import (which show the message beside the field or in the row) and for
 * main's IPC schemas (which refuse a payload a screen forgot to check, so it is never queued
 * or sent). Each function takes the value already trimmed and returns a message for a
 * front-desk clerk, or null when the value is fine.
 */
import { z } from 'zod'

/**
 * Seam documents no maximum for `full_name` (its OpenAPI gives only `type: string`, and
 * `minLength: 1` on update). 200 is what Keyholder has always allowed: far above any real
 * name, and short enough for the door systems behind Seam, which keep names in short fields.
 */
export const FULL_NAME_MAX = 200
/** RFC 5321 §4.5.3.1: a path is at most 256 octets, "<" and ">" included, so 254 for the address. */
export const EMAIL_MAX = 254
/** RFC 5321 §4.5.3.1.1: the local part (before the @) is at most 64 octets. */
export const EMAIL_LOCAL_MAX = 64
/** ITU-T E.164: at most 15 digits, country code included. */
export const PHONE_MAX_DIGITS = 15
export const USER_IDENTITY_ID_MAX = 200

/**
 * Characters no text field may hold:
 * - control characters, C0, DEL and C1 (NUL, tab, line feed, escape…): Seam's database cannot
 *   store NUL, and the rest are never part of a name or an address, only of a bad paste;
 * - lone surrogates (half of an emoji, left by text cut in the middle): not Unicode at all, so
 *   they cannot be sent as UTF-8;
 * - line and paragraph separators (U+2028, U+2029): a line break by another name;
 * - noncharacters (U+FFFE, U+FFFF, U+FDD0–U+FDEF…), reserved for programs' own use;
 * - bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they make
 *   text show in another order than it is stored ("Trojan Source", CVE-2021-42574), so a name
 *   could read as someone else's in the door system's app or an exported report, and one left
 *   open reverses whatever is shown after it.
 * Allowed on purpose: the direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C), which
 * only steer punctuation beside them and appear in names copied from right-to-left systems;
 * ZWJ and ZWNJ, which emoji and Persian or Indic spellings need. Arabic and Hebrew names need
 * no control character at all: the Unicode bidirectional algorithm orders them by itself.
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}\u202A-\u202E\u2066-\u2069]/u

const codePoint = (char: string) =>
  `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`

/** What the forbidden character is, in words, and what to do about it. */
function describeForbidden(char: string): { what: string; fix: string } {
  const retype = 'Type it again by hand rather than copying it.'
  if (char === '\t') return { what: 'a tab', fix: 'Use a space instead.' }
  if (/[\n\r\v\f\u0085\u2028\u2029]/.test(char)) {
    return { what: 'a line break', fix: 'Put it all on one line.' }
  }
  if (/\p{Cc}/u.test(char)) {
    return { what: `a hidden control character (${codePoint(char)})`, fix: retype }
  }
  if (/\p{Cs}/u.test(char)) {
    return { what: `half of an emoji or symbol (${codePoint(char)})`, fix: retype }
  }
  if (/[\u202A-\u202E\u2066-\u2069]/.test(char)) {
    return {
      what: `a hidden character that changes the direction of the text (${codePoint(char)})`,
      fix: retype,
    }
  }
  return { what: `a character that is not a letter or symbol (${codePoint(char)})`, fix: retype }
}

/** Length as a person counts it: an emoji or an accented letter is one character, not two. */
export function characterCount(text: string): number {
  return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)
}

/** "The name contains a line break at character 5. Put it all on one line.", or null. */
export function forbiddenCharacterProblem(subject: string, text: string): string | null {
  const found = FORBIDDEN.exec(text)
  if (!found) return null
  const position = characterCount(text.slice(0, found.index)) + 1
  const { what, fix } = describeForbidden(found[0])
  return `${subject} contains ${what} at character ${position}. ${fix}`
}

function tooLong(subject: string, count: number, max: number) {
  return count > max ? `${subject} is too long: ${count} characters, at most ${max}.` : null
}

/** A phone number with more digits than any E.164 number has, or null. */
export function phoneTooLong(digits: number): string | null {
  return digits > PHONE_MAX_DIGITS
    ? `The phone number is too long: ${digits} digits, at most ${PHONE_MAX_DIGITS} including the country code.`
    : null
}

/** The person's full name, trimmed; required. */
export function fullNameProblem(name: string): string | null {
  if (!name) return 'Enter the person’s full name.'
  return (
    forbiddenCharacterProblem('The name', name) ??
    tooLong('The name', characterCount(name), FULL_NAME_MAX)
  )
}

/** The address shape zod checks (one @, a dotted domain, ASCII only). */
const emailShape = z.string().email()

/** An email address, trimmed and not empty. */
export function emailProblem(email: string): string | null {
  const subject = 'The email address'
  const problem =
    forbiddenCharacterProblem(subject, email) ?? tooLong(subject, characterCount(email), EMAIL_MAX)
  if (problem) return problem
  const at = email.lastIndexOf('@')
  if (at > 0) {
    const local = characterCount(email.slice(0, at))
    if (local > EMAIL_LOCAL_MAX) {
      return `The part of the email address before the @ is too long: ${local} characters, at most ${EMAIL_LOCAL_MAX}.`
    }
  }
  return emailShape.safeParse(email).success
    ? null
    : 'This is not a valid email address, e.g. name@example.com.'
}

/** A plus, a country code that does not start with 0, and 7 to 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/

/** A phone number as it is sent, E.164. */
export function e164Problem(phone: string): string | null {
  const subject = 'The phone number'
  const problem = forbiddenCharacterProblem(subject, phone)
  if (problem) return problem
  return (
    phoneTooLong(phone.replace(/\D/g, '').length) ??
    (E164.test(phone) ? null : 'Use international format, e.g. +15555550100.')
  )
}

/** A user identity ID, trimmed and not empty. */
export function userIdentityIdProblem(id: string): string | null {
  const subject = 'The user identity ID'
  return (
    forbiddenCharacterProblem(subject, id) ??
    tooLong(subject, characterCount(id), USER_IDENTITY_ID_MAX)
  )
}

/** A string checked by one of the rules above; its message becomes the zod issue's. */
function ruled(problem: (value: string) => string | null, trim = true) {
  return (trim ? z.string().trim() : z.string()).superRefine((value, ctx) => {
    const message = problem(value)
    if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message })
  })
}

export const fullNameSchema = ruled(fullNameProblem)
export const emailAddressSchema = ruled(emailProblem)
/** Exactly E.164, untrimmed: CSV export trusts a cell it accepts to be digits after a plus. */
export const e164 = ruled(e164Problem, false)
export const userIdentityIdSchema = ruled((id) =>
  id ? userIdentityIdProblem(id) : 'Enter the user identity ID.',
)
