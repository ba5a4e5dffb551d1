/**
 * Random histories for the model-based test of the offline core: phases of offline edits and
 * outside writes, each followed by an online phase with faults and restarts. Everything is
 * drawn as small indexes into the value pools below, resolved against who exists when the
 * step runs, so fast-check can shrink a history step by step and still replay it.
 */
import fc from 'fast-check'

/** Few values, so creates look alike and outside writes often meet our edits. */
export const NAMES = ['Jane Doe', 'Night Cleaner', 'Robin Quayle', 'Ana Lima'] as const
export const EMAILS = [
  'jane.doe@example.com',
  'night.cleaner@example.com',
  'robin.quayle@example.com',
  'ana.lima@example.com',
] as const
export const PHONES = ['+15555550101', '+15555550102', '+447700900123', '+61491570156'] as const
export const SCHEDULES = [
  { starts_at: '2027-01-01T08:00:00.000Z', ends_at: '2027-06-30T18:00:00.000Z' },
  { starts_at: '2027-02-01T00:00:00.000Z', ends_at: '2027-02-28T23:00:00.000Z' },
  null,
] as const

export type Field = 'full_name' | 'email_address' | 'phone_number' | 'access_schedule'
export const FIELDS: readonly Field[] = [
  'full_name',
  'email_address',
  'phone_number',
  'access_schedule',
]

/** The value number `index` of a field's pool (email and phone are never set to nothing). */
export function valueOf(field: Field, index: number): unknown {
  switch (field) {
    case 'full_name':
      return NAMES[index % NAMES.length]
    case 'email_address':
      return EMAILS[index % EMAILS.length]
    case 'phone_number':
      return PHONES[index % PHONES.length]
    case 'access_schedule':
      return SCHEDULES[index % SCHEDULES.length]
  }
}

/** An edit made in Keyholder; `who` picks among the people the screen shows then. */
export type OurEdit =
  | {
      op: 'create'
      name: number
      email: number | null
      phone: number | null
      group: number | null
      schedule: number | null
    }
  | { op: 'update'; who: number; fields: Field[]; value: number }
  | { op: 'toggle_suspend'; who: number }
  | { op: 'group'; who: number; group: number; add: boolean }
  | { op: 'revoke'; who: number }
  | { op: 'delete'; who: number }

/** A write made in Seam by someone else (Console, a door system), bypassing Keyholder. */
export type OutsideWrite =
  | { op: 'set'; who: number; field: Field; value: number }
  | { op: 'toggle_suspend'; who: number }
  | { op: 'group'; who: number; group: number; add: boolean }
  | { op: 'delete'; who: number }
  /** Someone adds a person who looks like one of ours (`of` picks among our creates). */
  | { op: 'create_like'; of: number; with_email: boolean }

export type Step = { ours: OurEdit } | { outside: OutsideWrite }

export type FaultKind =
  | 'pass'
  | 'drop_request'
  | 'drop_response'
  | 'applied_then_500'
  | 'hold_then_apply'
  | 'rate_limited'

export type RestartPoint = 'beforeSend' | 'afterMark' | 'afterSend' | 'beforeCommit'

/** A crash of the replayer at the `after`-th time (from 0) it reaches `point`. */
export interface Restart {
  point: RestartPoint
  after: number
}

export interface Phase {
  offline: Step[]
  online: {
    /** Edits made while the replay is under way. */
    concurrent: OurEdit[]
    /** One fault per request, in the order requests reach the proxy; then none. */
    faults: FaultKind[]
    /** One per replayer: the first one started crashes at the first plan, and so on. */
    restarts: Restart[]
  }
}

export interface PersonSeed {
  name: number
  email: number | null
  phone: number | null
  suspended: boolean
  groups: number[]
}

export interface History {
  people: PersonSeed[]
  phases: Phase[]
  /** The person's answers to conflicts: `true` is "keep mine", cycled through. */
  decisions: boolean[]
}

export interface HistorySize {
  maxPeople: number
  maxPhases: number
  maxSteps: number
}

const who = fc.nat({ max: 7 })
const group = fc.nat({ max: 3 })

const ourEdit: fc.Arbitrary<OurEdit> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      name: fc.nat({ max: NAMES.length - 1 }),
      email: fc.option(fc.nat({ max: EMAILS.length - 1 }), { nil: null }),
      phone: fc.option(fc.nat({ max: PHONES.length - 1 }), { nil: null, freq: 2 }),
      group: fc.option(group, { nil: null, freq: 2 }),
      schedule: fc.option(fc.nat({ max: 1 }), { nil: null, freq: 2 }),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      op: fc.constant('update' as const),
      who,
      fields: fc.uniqueArray(fc.constantFrom(...FIELDS), { minLength: 1, maxLength: 2 }),
      value: fc.nat({ max: 3 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('toggle_suspend' as const), who }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('group' as const), who, group, add: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('revoke' as const), who }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), who }) },
)

const outsideWrite: fc.Arbitrary<OutsideWrite> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('set' as const),
      who,
      field: fc.constantFrom(...FIELDS),
      value: fc.nat({ max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('toggle_suspend' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('group' as const), who, group, add: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), who }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('create_like' as const),
      of: fc.nat({ max: 3 }),
      with_email: fc.boolean(),
    }),
  },
)

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ ours: ourEdit }) },
  { weight: 1, arbitrary: fc.record({ outside: outsideWrite }) },
)

const fault: fc.Arbitrary<FaultKind> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('pass' as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<FaultKind>(
      'drop_request',
      'drop_response',
      'applied_then_500',
      'hold_then_apply',
      'rate_limited',
    ),
  },
)

const restart: fc.Arbitrary<Restart> = fc.record({
  point: fc.constantFrom<RestartPoint>('beforeSend', 'afterMark', 'afterSend', 'beforeCommit'),
  after: fc.nat({ max: 4 }),
})

export function historyArbitrary(size: HistorySize): fc.Arbitrary<History> {
  return fc.record({
    people: fc.array(
      fc.record({
        name: fc.nat({ max: NAMES.length - 1 }),
        email: fc.option(fc.nat({ max: EMAILS.length - 1 }), { nil: null }),
        phone: fc.option(fc.nat({ max: PHONES.length - 1 }), { nil: null }),
        suspended: fc.boolean(),
        groups: fc.uniqueArray(group, { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: size.maxPeople },
    ),
    phases: fc.array(
      fc.record({
        offline: fc.array(step, { minLength: 1, maxLength: size.maxSteps }),
        online: fc.record({
          concurrent: fc.array(ourEdit, { maxLength: 2 }),
          faults: fc.array(fault, { maxLength: 12 }),
          restarts: fc.array(restart, { maxLength: 2 }),
        }),
      }),
      { minLength: 1, maxLength: size.maxPhases },
    ),
    decisions: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
  })
}
