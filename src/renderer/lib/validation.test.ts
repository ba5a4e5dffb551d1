/**
 * The form's own checks around the shared rules (`shared/user-fields`): what a person types,
 * phone spellings included, and what an edit judges.
 */
import { describe, expect, test } from 'vitest'
import { changesBetween, emptyDraft, validateDraft, type UserDraft } from './validation'

const options = { defaultCountry: 'GB' as const }
const draft = (over: Partial<UserDraft>): UserDraft => ({ ...emptyDraft(), ...over })

describe('validateDraft', () => {
  test.each([
    [{ full_name: 'Jane\u0000Doe' }, 'full_name', /hidden control character \(U\+0000\)/],
    [
      { email_address: `${'a'.repeat(300)}@example.com` },
      'email_address',
      /^The email address is too long: 312 characters, at most 254\.$/,
    ],
    [
      { email_address: `${'a'.repeat(65)}@example.com` },
      'email_address',
      /before the @ is too long: 65 characters, at most 64/,
    ],
    [
      { phone_number: '+44 20 7183 8750 1234 56' },
      'phone_number',
      /^The phone number is too long: 18 digits, at most 15 including the country code\.$/,
    ],
    [{ phone_number: '020 7183\u00008750' }, 'phone_number', /hidden control character/],
    [{ phone_number: '12' }, 'phone_number', /not a valid phone number for the United Kingdom/],
    [{ user_identity_id: 'uid\u202E' }, 'user_identity_id', /direction of the text/],
  ] as const)('refuses %j with a message for that field alone', (fields, field, message) => {
    const result = validateDraft(draft({ full_name: 'Jane Doe', ...fields }), options)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(Object.keys(result.errors)).toEqual([field])
    expect(result.errors[field]).toMatch(message)
  })

  test('sends names in any script, trimmed, and a phone written with 00 in E.164', () => {
    const result = validateDraft(
      draft({
        full_name: '  فاطمة الزهراء 🔑 ',
        email_address: ' fatima@example.com\n',
        phone_number: '0044 20 7183 8750',
      }),
      options,
    )
    expect(result).toEqual({
      ok: true,
      values: {
        full_name: 'فاطمة الزهراء 🔑',
        email_address: 'fatima@example.com',
        phone_number: '+442071838750',
      },
    })
  })
})

describe('changesBetween', () => {
  // As Seam holds it: a name another system wrote with a line break.
  const original = draft({ full_name: 'O’Brien\nNight shift', phone_number: '+442071838750' })

  test('a field left as it was is not judged: it is not sent', () => {
    const result = changesBetween(original, { ...original, phone_number: '+442071838751' }, options)
    expect(result).toEqual({ ok: true, changes: { phone_number: '+442071838751' } })
  })

  test('a field the person changed is judged', () => {
    const result = changesBetween(original, { ...original, full_name: 'O’Brien\u0000' }, options)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors.full_name).toMatch(/hidden control character/)
  })
})
