/**
 * The checks follow Seam's own description of each record (`@seamapi/types`): every field they
 * check is a real field, and every list Seam describes is filled in when an answer leaves it
 * out, so no screen meets a missing list.
 */
import { schemas } from '@seamapi/types/connect'
import type { ZodTypeAny } from 'zod'
import { describe, expect, test } from 'vitest'
import { checkedFields, checkRecord } from './normalise'

const theirs = schemas as unknown as Record<string, { shape: Record<string, ZodTypeAny> }>

/** The type under optional / nullable / default wrappers. */
function inner(type: ZodTypeAny): ZodTypeAny {
  const def = type._def as { innerType?: ZodTypeAny; schema?: ZodTypeAny }
  return def.innerType ? inner(def.innerType) : def.schema ? inner(def.schema) : type
}

const minimal = {
  acs_user: { acs_user_id: 'u1', acs_system_id: 's1' },
  acs_system: { acs_system_id: 's1' },
  acs_access_group: { acs_access_group_id: 'g1', acs_system_id: 's1' },
  acs_entrance: { acs_entrance_id: 'e1', acs_system_id: 's1' },
} as const

describe.each(Object.keys(checkedFields) as (keyof typeof checkedFields)[])('%s', (kind) => {
  const shape = theirs[kind]!.shape
  test('every field checked is one Seam describes', () => {
    // `email` is the older name of `email_address`, still sent by Seam and its fake.
    const ours = Object.keys(checkedFields[kind]).filter((f) => f !== 'email')
    expect(ours.filter((field) => !(field in shape))).toEqual([])
  })

  test('every list Seam describes at the top level is filled in when left out', () => {
    const lists = Object.keys(shape).filter(
      (field) => (inner(shape[field]!)._def as { typeName?: string }).typeName === 'ZodArray',
    )
    const checked = checkRecord(kind, minimal[kind])
    expect(checked.ok).toBe(true)
    const value = (checked.ok ? checked.value : {}) as Record<string, unknown>
    expect(lists.filter((field) => !Array.isArray(value[field]))).toEqual([])
  })
})
