/**
 * The rules for names, emails, phones and identity ids, and main's IPC schemas that apply them:
 * a payload the form or CSV import would refuse is refused at the boundary too.
 */
import { describe, expect, test } from 'vitest'
import type { SafeParseReturnType } from 'zod'
import { invokeContract } from './contract'
import {
  characterCount,
  e164Problem,
  emailProblem,
  fullNameProblem,
  userIdentityIdProblem,
} from './user-fields'

/** A case's value for its title: long strings by their length, hidden characters escaped. */
function shown(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    typeof v === 'string' && v.length > 40 ? `(${characterCount(v)} characters)` : v,
  )
}
const titled = <T extends unknown[]>(cases: T[]) => cases.map((c) => [shown(c[0]), ...c] as const)

/** An address of exactly `length` characters with a `local`-character part before the @. */
function address(length: number, local = 10): string {
  const domain = `${'d'.repeat(length - local - 1 - 4)}.com`
  return `${'a'.repeat(local)}@${domain}`
}

describe('full names', () => {
  test.each(
    titled([
      ['Jane Doe'],
      ['Zoë Müller-Lefèvre'],
      ['Ōtsuka Hiroshi 大塚 博'],
      // Right-to-left names need no control character: the bidi algorithm orders them.
      ['فاطمة الزهراء'],
      ['שרה כהן'],
      // The direction mark a right-to-left system puts beside Latin text is allowed.
      ['Dana \u200Fדנה\u200F (night)'],
      // Emoji, including a ZWJ sequence, and ZWNJ in a Persian name.
      ['Robin 🔑 👩‍🔧'],
      ['می\u200Cخواهم'],
      ['x'.repeat(200)],
      // 200 emoji are 200 characters (400 UTF-16 units).
      ['😀'.repeat(200)],
    ]),
  )('accepts %s', (_, name) => {
    expect(fullNameProblem(name)).toBeNull()
  })

  test.each(
    titled([
      ['', 'Enter the person’s full name.'],
      [
        'Jane\u0000Doe',
        'The name contains a hidden control character (U+0000) at character 5. Type it again by hand rather than copying it.',
      ],
      ['Jane\u007FDoe', 'The name contains a hidden control character (U+007F) at character 5.'],
      ['Jane\u009BDoe', 'The name contains a hidden control character (U+009B) at character 5.'],
      ['Jane\u001B[31mDoe', 'The name contains a hidden control character (U+001B)'],
      ['Jane\nDoe', 'The name contains a line break at character 5. Put it all on one line.'],
      ['Jane\u2028Doe', 'The name contains a line break at character 5.'],
      ['Jane\tDoe', 'The name contains a tab at character 5. Use a space instead.'],
      // Counted in characters as a person sees them: the emoji before it is one.
      ['😀 Jane\u0000', 'at character 7.'],
      ['Jane \uD83D', 'The name contains half of an emoji or symbol (U+D83D) at character 6.'],
      ['Jane\uFFFF', 'The name contains a character that is not a letter or symbol (U+FFFF)'],
      [
        'Jane \u202Eeod',
        'The name contains a hidden character that changes the direction of the text (U+202E) at character 6.',
      ],
      ['\u2067Jane', 'changes the direction of the text (U+2067) at character 1.'],
      ['x'.repeat(201), 'The name is too long: 201 characters, at most 200.'],
      ['😀'.repeat(201), 'The name is too long: 201 characters, at most 200.'],
    ]),
  )('refuses %s', (_, name, message) => {
    expect(fullNameProblem(name)).toContain(message)
  })
})

describe('email addresses', () => {
  test.each(
    titled([
      ['jane@example.com'],
      ['jane.doe+night@mail.example.co.uk'],
      [address(254)],
      [address(254, 64)],
    ]),
  )('accepts %s', (_, email) => {
    expect(emailProblem(email)).toBeNull()
  })

  test('the addresses built for these cases are as long as they say', () => {
    expect(address(254, 64)).toHaveLength(254)
    expect(address(254, 64).indexOf('@')).toBe(64)
  })

  test.each(
    titled([
      [address(312), 'The email address is too long: 312 characters, at most 254.'],
      [address(255), 'The email address is too long: 255 characters, at most 254.'],
      [
        address(100, 65),
        'The part of the email address before the @ is too long: 65 characters, at most 64.',
      ],
      ['jane\u0000@example.com', 'The email address contains a hidden control character (U+0000)'],
      ['jane@exam\u202Eple.com', 'changes the direction of the text (U+202E) at character 10.'],
      ['jane@', 'This is not a valid email address, e.g. name@example.com.'],
      ['jane doe@example.com', 'This is not a valid email address'],
      ['', 'This is not a valid email address'],
    ]),
  )('refuses %s', (_, email, message) => {
    expect(emailProblem(email)).toContain(message)
  })
})

describe('phone numbers as sent (E.164)', () => {
  test.each([['+442071838750'], ['+15555550100'], ['+123456789012345']])('accepts %s', (phone) =>
    expect(e164Problem(phone)).toBeNull(),
  )
  test.each([
    [
      '+1234567890123456',
      'The phone number is too long: 16 digits, at most 15 including the country code.',
    ],
    ['+44 20 7183 8750', 'Use international format'],
    ['02071838750', 'Use international format'],
    ['+4420718\u00008750', 'The phone number contains a hidden control character (U+0000)'],
  ])('refuses %j', (phone, message) => expect(e164Problem(phone)).toContain(message))
})

describe('user identity ids', () => {
  test('refuses control characters and more than 200 characters', () => {
    expect(userIdentityIdProblem('5a0f3c1e-7d2b-4e8f-9a61-3b5c7d9e1f20')).toBeNull()
    expect(userIdentityIdProblem('uid\u0000')).toContain('hidden control character (U+0000)')
    expect(userIdentityIdProblem('u'.repeat(201))).toBe(
      'The user identity ID is too long: 201 characters, at most 200.',
    )
  })
})

test('characters are counted as a person sees them', () => {
  expect(characterCount('Zoë 😀')).toBe(5)
  expect(characterCount('\uD83D')).toBe(1)
})

describe('main’s IPC schemas refuse what the form refuses', () => {
  const create = invokeContract['users.create'].request
  const update = invokeContract['users.update'].request
  const valid = { acs_system_id: 'sys-1', full_name: 'Jane Doe' }

  /** The message main would return, or null when the payload passes. */
  function refusal(result: SafeParseReturnType<unknown, unknown>): string | null {
    return result.success ? null : result.error.issues.map((i) => i.message).join('; ')
  }

  test.each(
    titled([
      [{ full_name: 'Jane\u0000Doe' }, 'hidden control character (U+0000)'],
      [{ full_name: 'x'.repeat(201) }, 'The name is too long: 201 characters, at most 200.'],
      [{ full_name: 'Jane \u202Eeod' }, 'changes the direction of the text'],
      [{ full_name: '   ' }, 'Enter the person’s full name.'],
      [
        { email_address: address(312) },
        'The email address is too long: 312 characters, at most 254.',
      ],
      [{ email_address: address(255) }, 'too long: 255 characters'],
      [{ email_address: address(100, 65) }, 'before the @ is too long: 65 characters'],
      [{ phone_number: '+1234567890123456' }, 'too long: 16 digits'],
      [{ phone_number: '020 7183 8750' }, 'Use international format'],
      [{ user_identity_id: 'uid\u0000' }, 'hidden control character'],
    ]),
  )('users.create refuses %s', (_, fields, message) => {
    expect(refusal(create.safeParse({ ...valid, ...fields }))).toContain(message)
  })

  test.each(
    titled([
      [{ full_name: 'Jane\u0000Doe' }, 'hidden control character (U+0000)'],
      [{ full_name: '😀'.repeat(201) }, 'too long: 201 characters'],
      [{ email_address: address(312) }, 'too long: 312 characters, at most 254'],
      [{ email_address: address(100, 65) }, 'before the @ is too long'],
      [{ phone_number: '+1234567890123456' }, 'too long: 16 digits'],
    ]),
  )('users.update refuses %s', (_, changes, message) => {
    expect(refusal(update.safeParse({ acs_user_id: 'u1', changes }))).toContain(message)
  })

  test('accepts, trimmed, what the form sends', () => {
    const parsed = create.parse({
      ...valid,
      full_name: '  فاطمة الزهراء 🔑 ',
      email_address: ` ${address(254, 64)} `,
      phone_number: '+442071838750',
      user_identity_id: ' uid-42 ',
    })
    expect(parsed).toMatchObject({
      full_name: 'فاطمة الزهراء 🔑',
      email_address: address(254, 64),
      user_identity_id: 'uid-42',
    })
    expect(update.parse({ acs_user_id: 'u1', changes: { full_name: 'Zoë' } })).toEqual({
      acs_user_id: 'u1',
      changes: { full_name: 'Zoë' },
    })
  })
})
