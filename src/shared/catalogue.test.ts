import { schemas } from '@seamapi/types/connect'
import { describe, expect, it } from 'vitest'
import type { ZodTypeAny } from 'zod'
import {
  describeError,
  describeExternalType,
  describeMutation,
  describeWarning,
  errorCodes,
  externalTypes,
  mutationCodes,
  properties,
  warningCodes,
  type CodeExplanation,
} from './catalogue'

/**
 * The codes come from the official zod schema at runtime, not from our own type unions, so this
 * test catches a code that exists in the API but that the catalogue (and the compiler) missed.
 */
const userShape: Record<string, ZodTypeAny> = schemas.acs_user.shape

function typeName(schema: ZodTypeAny): string {
  return (schema._def as { typeName: string }).typeName
}

/** Strips `.optional()` / `.nullable()` / `.default()` so the real type underneath is visible. */
function unwrap(schema: ZodTypeAny): ZodTypeAny {
  let current = schema
  while (['ZodOptional', 'ZodNullable', 'ZodDefault'].includes(typeName(current))) {
    current = (current._def as { innerType: ZodTypeAny }).innerType
  }
  return current
}

/** `errors`, `warnings` and `pending_mutations` are each an array of a union keyed by a code. */
function codesOf(property: string, discriminator: string): string[] {
  const field = userShape[property]
  if (!field) throw new Error(`acs_user has no property ${property}`)
  const array = unwrap(field)
  expect(typeName(array)).toBe('ZodArray')
  const union = unwrap((array._def as { type: ZodTypeAny }).type)
  expect(typeName(union)).toBe('ZodDiscriminatedUnion')
  expect((union._def as { discriminator: string }).discriminator).toBe(discriminator)
  const options = (union._def as { options: ZodTypeAny[] }).options
  return options.map((option) => {
    const literal = unwrap(
      (option as unknown as { shape: Record<string, ZodTypeAny> }).shape[
        discriminator
      ] as ZodTypeAny,
    )
    expect(typeName(literal)).toBe('ZodLiteral')
    return (literal._def as { value: string }).value
  })
}

/** Every `.describe()` text anywhere in the tree: the words Seam's docs are generated from. */
function descriptionsIn(root: ZodTypeAny): string[] {
  const seen = new Set<unknown>()
  const found: string[] = []
  const isZod = (value: unknown): value is ZodTypeAny =>
    typeof value === 'object' && value !== null && '_def' in value
  const visit = (node: ZodTypeAny) => {
    if (seen.has(node)) return
    seen.add(node)
    if (node.description) found.push(node.description)
    const children: unknown[] = Object.values(node._def as object)
    if (typeName(node) === 'ZodObject') {
      const shape = (node as unknown as { shape: Record<string, unknown> }).shape
      children.push(...Object.values(shape))
    }
    for (const child of children) {
      if (isZod(child)) visit(child)
      else if (Array.isArray(child)) child.filter(isZod).forEach(visit)
    }
  }
  visit(root)
  return found
}

/** Markdown links, front matter, quotes and case must not hide a copied passage. */
function words(text: string): string[] {
  return text
    .replace(/^\s*---[\s\S]*?---/, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

const RUN = 8
function runs(text: string): string[] {
  const list = words(text)
  const result: string[] = []
  for (let i = 0; i + RUN <= list.length; i++) result.push(list.slice(i, i + RUN).join(' '))
  return result
}

const codeTables = [
  ['error', errorCodes, 'errors', 'error_code'],
  ['warning', warningCodes, 'warnings', 'warning_code'],
  ['mutation', mutationCodes, 'pending_mutations', 'mutation_code'],
] as const

describe('catalogue coverage against the official schema', () => {
  it.each(codeTables)('has exactly the %s codes of the schema', (_kind, table, property, key) => {
    const fromSchema = codesOf(property, key)
    expect(fromSchema.length).toBeGreaterThan(0)
    expect(Object.keys(table).sort()).toEqual([...fromSchema].sort())
  })

  it('knows the codes the docs lack but the schema has', () => {
    expect(codesOf('warnings', 'warning_code')).toContain('acs_user_inactive')
    expect(codesOf('pending_mutations', 'mutation_code')).toEqual(
      expect.arrayContaining([
        'deferring_group_membership_update',
        'updating_credential_assignment',
      ]),
    )
  })

  it('explains every top-level property of acs_user and nothing else', () => {
    const keys = Object.keys(userShape)
    expect(keys).toEqual(expect.arrayContaining(['email', 'is_managed', 'salto_ks_metadata']))
    expect(Object.keys(properties).sort()).toEqual([...keys].sort())
  })

  it('labels every external_type value of the schema', () => {
    const field = unwrap(userShape.external_type as ZodTypeAny)
    expect(typeName(field)).toBe('ZodEnum')
    const values = (field._def as { values: string[] }).values
    expect(Object.keys(externalTypes).sort()).toEqual([...values].sort())
  })
})

describe('catalogue texts', () => {
  const codeEntries: [string, CodeExplanation][] = [
    ...Object.entries(errorCodes),
    ...Object.entries(warningCodes),
    ...Object.entries(mutationCodes),
  ]

  it.each(codeEntries)('%s has a title, a short explanation and a next step', (_code, entry) => {
    for (const text of [entry.title, entry.explanation, entry.next_step]) {
      expect(text.trim().length).toBeGreaterThan(0)
    }
    // The UI shows the title as a heading: it must stay a heading, not a paragraph.
    expect(entry.title.length).toBeLessThanOrEqual(50)
    const sentences = entry.explanation.split(/[.!?](?:\s|$)/).filter((s) => s.trim())
    expect(sentences.length).toBeLessThanOrEqual(2)
  })

  it('grades errors as errors and pending changes as information', () => {
    for (const entry of Object.values(errorCodes)) expect(entry.severity).toBe('error')
    for (const entry of Object.values(mutationCodes)) expect(entry.severity).toBe('info')
    for (const entry of Object.values(warningCodes))
      expect(['warning', 'info']).toContain(entry.severity)
  })

  it('has a label and explanation for every property and brand', () => {
    for (const info of Object.values(properties)) {
      expect(info.label.trim()).not.toBe('')
      expect(info.explanation.trim()).not.toBe('')
    }
    for (const info of Object.values(externalTypes)) {
      expect(info.brand.trim()).not.toBe('')
      expect(info.label).toContain(info.brand)
    }
  })

  it(`copies no run of ${RUN} words from Seam's schema descriptions`, () => {
    const descriptions = descriptionsIn(schemas.acs_user)
    // Guard against a walker that silently finds nothing and so passes everything.
    expect(descriptions.length).toBeGreaterThan(50)
    expect(descriptions.join(' ')).toContain('subscription slots')
    const seamRuns = new Set(descriptions.flatMap(runs))

    const ours = [
      ...codeEntries.flatMap(([, e]) => [e.title, e.explanation, e.next_step]),
      ...Object.values(properties).flatMap((p) => [p.label, p.explanation]),
      describeError('x').explanation,
      describeWarning('x').explanation,
      describeMutation('x').explanation,
    ]
    const copied = ours.flatMap((text) => runs(text).filter((run) => seamRuns.has(run)))
    expect(copied).toEqual([])
  })

  it('would notice a copied sentence', () => {
    const seamRuns = new Set(descriptionsIn(schemas.acs_user).flatMap(runs))
    const copied = 'This is a temporary state, and the access system user will be deleted shortly.'
    expect(runs(copied).some((run) => seamRuns.has(run))).toBe(true)
  })
})

describe('describe functions', () => {
  it('return the catalogue entry for a known code', () => {
    expect(describeError('deleted_externally')).toBe(errorCodes.deleted_externally)
    expect(describeWarning('acs_user_inactive')).toBe(warningCodes.acs_user_inactive)
    expect(describeMutation('creating')).toBe(mutationCodes.creating)
  })

  it.each([
    ['error', describeError, 'error'],
    ['warning', describeWarning, 'warning'],
    ['mutation', describeMutation, 'info'],
  ] as const)(
    'explain an unknown %s code generically, naming it',
    (_kind, describeCode, severity) => {
      const entry = describeCode('some_future_code')
      expect(entry.explanation).toContain('some_future_code')
      expect(entry.next_step).toContain('some_future_code')
      expect(entry.title.trim()).not.toBe('')
      expect(entry.severity).toBe(severity)
    },
  )

  it('do not mistake inherited object keys for codes', () => {
    for (const code of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(describeError(code).explanation).toContain(code)
      expect(describeWarning(code).explanation).toContain(code)
      expect(describeMutation(code).explanation).toContain(code)
    }
  })
})

describe('describeExternalType', () => {
  it('uses our brand label for known types, even when the API sends its own name', () => {
    expect(describeExternalType('salto_site_user')).toBe('Salto KS site user')
    expect(describeExternalType('kisi_user', 'Kisi user')).toBe('Kisi user')
  })

  it('falls back to the API display name, then the raw type', () => {
    expect(describeExternalType('acme_user', 'Acme resident')).toBe('Acme resident')
    expect(describeExternalType('acme_user')).toContain('acme_user')
    expect(describeExternalType('acme_user', '  ')).toContain('acme_user')
    expect(describeExternalType('constructor')).toContain('constructor')
    expect(describeExternalType(undefined)).not.toBe('')
  })
})
