/**
 * Believable practice data for the sandbox: three buildings on three brands of door system,
 * people with realistic names, emails and E.164 phones, schedules in the past, present and
 * future, access groups and doors. Deterministic for a given seed, so tests and screenshots
 * see the same people every run.
 */
import { base, de, en, es, fr, ar, he, Faker } from '@faker-js/faker'
import { isValidPhoneNumber, type CountryCode } from 'libphonenumber-js'
import type { AcsUser } from '../../shared/domain'

export interface DemoSystem {
  key: string
  name: string
  /** The real API's `acs_system.external_type`. */
  external_type: 'salto_ks_site' | 'latch_building' | 'brivo_account'
  external_type_display_name: string
  user_external_type: NonNullable<AcsUser['external_type']>
  provider: string
  time_zone: string
  /** Share of the demo users that belong here. */
  share: number
  groups: { name: string; type: string; entrances: string[] }[]
  entrances: string[]
}

export const DEMO_SYSTEMS: DemoSystem[] = [
  {
    key: 'salto',
    name: 'Harbour View Offices',
    external_type: 'salto_ks_site',
    external_type_display_name: 'Salto KS site',
    user_external_type: 'salto_site_user',
    provider: 'salto_ks',
    time_zone: 'Europe/London',
    share: 0.45,
    entrances: [
      'Main entrance',
      'Car park barrier',
      'Floor 2 offices',
      'Floor 3 offices',
      'Server room',
      'Roof access',
    ],
    groups: [
      {
        name: 'Office staff',
        type: 'salto_ks_access_group',
        entrances: ['Main entrance', 'Floor 2 offices', 'Floor 3 offices'],
      },
      {
        name: 'Cleaning crew',
        type: 'salto_ks_access_group',
        entrances: ['Main entrance', 'Floor 2 offices', 'Floor 3 offices'],
      },
      {
        name: 'IT & facilities',
        type: 'salto_ks_access_group',
        entrances: ['Main entrance', 'Server room', 'Roof access', 'Car park barrier'],
      },
      {
        name: 'Visitors — lobby only',
        type: 'salto_ks_access_group',
        entrances: ['Main entrance'],
      },
    ],
  },
  {
    key: 'latch',
    name: 'Riverside Residences',
    external_type: 'latch_building',
    external_type_display_name: 'Latch building',
    user_external_type: 'latch_user',
    provider: 'latch',
    time_zone: 'America/New_York',
    share: 0.3,
    entrances: ['Lobby door', 'Package room', 'Gym', 'Bike storage', 'Rooftop terrace'],
    // Latch has no access groups in Seam: each door is granted to each person directly.
    groups: [],
  },
  {
    key: 'brivo',
    name: 'Northgate Campus',
    external_type: 'brivo_account',
    external_type_display_name: 'Brivo account',
    user_external_type: 'brivo_user',
    provider: 'brivo',
    time_zone: 'America/Chicago',
    share: 0.25,
    entrances: ['Library', 'Science block', 'Sports hall', 'Staff room', 'Security office'],
    groups: [
      {
        name: 'Faculty',
        type: 'brivo_group',
        entrances: ['Library', 'Science block', 'Staff room'],
      },
      { name: 'Students', type: 'brivo_group', entrances: ['Library', 'Sports hall'] },
      {
        name: 'Security',
        type: 'brivo_group',
        entrances: ['Library', 'Science block', 'Sports hall', 'Staff room', 'Security office'],
      },
    ],
  },
]

/** The extra system that holds load-test users (benchmarks, large-cache trials). */
export const LOAD_TEST_SYSTEM: DemoSystem = {
  key: 'load',
  name: 'Grand Central Tower (load test)',
  external_type: 'salto_ks_site',
  external_type_display_name: 'Salto KS site',
  user_external_type: 'salto_site_user',
  provider: 'salto_ks',
  time_zone: 'Europe/Berlin',
  share: 0,
  entrances: ['Turnstiles'],
  groups: [{ name: 'Tenants', type: 'salto_ks_access_group', entrances: ['Turnstiles'] }],
}

export interface DemoUser {
  system: string
  full_name: string
  email_address: string
  phone_number?: string
  is_suspended: boolean
  created_at: string
  access_schedule?: { starts_at: string; ends_at: string }
  /** Index into the system's groups. */
  groups: number[]
  /** Indexes into the system's entrances granted directly, outside any group. */
  direct_entrances: number[]
  /** Linked to a user identity (mobile app account) with these details. */
  identity?: boolean
  last_successful_sync_at: string
}

const DAY = 86_400_000
const PHONE_COUNTRIES: { country: CountryCode; prefix: string; digits: number }[] = [
  { country: 'US', prefix: '+1212', digits: 7 },
  { country: 'US', prefix: '+1312', digits: 7 },
  { country: 'GB', prefix: '+447', digits: 9 },
  { country: 'DE', prefix: '+49151', digits: 8 },
  { country: 'FR', prefix: '+336', digits: 8 },
  { country: 'ES', prefix: '+346', digits: 8 },
]

/** Generates `count` people spread over the demo systems (or all in `onlySystem`). */
export function demoUsers(options: {
  count: number
  seed: number
  now: number
  onlySystem?: DemoSystem
}): DemoUser[] {
  const { count, seed, now, onlySystem } = options
  // Mostly English names, with some German, French, Spanish, Arabic and Hebrew ones so that
  // accents and right-to-left text show up in the sandbox as they do in real buildings.
  const locales = [...Array<typeof en>(14).fill(en), de, de, de, fr, fr, es, es, es, ar, he]
  const fakers = locales.map((locale, i) => {
    const faker = new Faker({ locale: [locale, en, base] })
    faker.seed(seed * 31 + i)
    return faker
  })
  const pick = fakers[0]!
  const systems = onlySystem ? [onlySystem] : DEMO_SYSTEMS
  const users: DemoUser[] = []
  const taken = new Set<string>()
  for (let i = 0; i < count; i++) {
    const system = onlySystem ?? systemFor(i / count, systems)
    const faker = fakers[i % fakers.length]!
    const first = faker.person.firstName()
    const last = faker.person.lastName()
    const latin = /^[\p{Script=Latin}\s'-]+$/u.test(first + last)
    const local = latin
      ? `${slug(first)}.${slug(last)}`
      : pick.internet
          .username()
          .toLowerCase()
          .replace(/[^a-z0-9._-]/g, '')
    let email = `${local}@${pick.helpers.arrayElement(['example.com', 'example.org', 'example.net'])}`
    for (let n = 2; taken.has(email); n++) email = email.replace(/(\d*)@/, `${n}@`)
    taken.add(email)

    const created = now - pick.number.int({ min: 2 * DAY, max: 720 * DAY })
    const scheduleKind = pick.helpers.weightedArrayElement([
      { weight: 45, value: 'none' },
      { weight: 30, value: 'current' },
      { weight: 15, value: 'future' },
      { weight: 10, value: 'past' },
    ])
    users.push({
      system: system.key,
      full_name: `${first} ${last}`,
      email_address: email,
      ...(pick.number.float() < 0.85 && { phone_number: phoneNumber(pick) }),
      is_suspended: pick.number.float() < 0.08,
      created_at: new Date(created).toISOString(),
      ...(scheduleKind !== 'none' && { access_schedule: schedule(pick, scheduleKind, now) }),
      groups: pick.helpers
        .arrayElements(
          system.groups.map((_, g) => g),
          { min: 0, max: Math.min(2, system.groups.length) },
        )
        .sort(),
      direct_entrances:
        system.groups.length === 0
          ? pick.helpers
              .arrayElements(
                system.entrances.map((_, e) => e),
                { min: 1, max: 3 },
              )
              .sort()
          : pick.number.float() < 0.1
            ? [pick.number.int({ max: system.entrances.length - 1 })]
            : [],
      identity: pick.number.float() < 0.25,
      last_successful_sync_at: new Date(
        now - pick.number.int({ min: 60_000, max: 6 * 3_600_000 }),
      ).toISOString(),
    })
  }
  return users
}

function systemFor(position: number, systems: DemoSystem[]): DemoSystem {
  let total = 0
  for (const system of systems) {
    total += system.share
    if (position < total) return system
  }
  return systems.at(-1)!
}

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')
}

/** A number libphonenumber accepts as valid for its country, in E.164. */
function phoneNumber(faker: Faker): string {
  for (;;) {
    const { country, prefix, digits } = faker.helpers.arrayElement(PHONE_COUNTRIES)
    const number = prefix + faker.string.numeric({ length: digits, allowLeadingZeros: false })
    if (isValidPhoneNumber(number, country)) return number
  }
}

function schedule(faker: Faker, kind: 'current' | 'future' | 'past', now: number) {
  const hour = 3_600_000
  const startOffset = {
    current: -faker.number.int({ min: 1, max: 200 }) * DAY,
    future: faker.number.int({ min: 1, max: 60 }) * DAY,
    past: -faker.number.int({ min: 40, max: 400 }) * DAY,
  }[kind]
  const start = Math.floor((now + startOffset) / hour) * hour
  const length = {
    current: faker.number.int({ min: -startOffset / DAY + 1, max: -startOffset / DAY + 365 }) * DAY,
    future: faker.number.int({ min: 1, max: 180 }) * DAY,
    past: faker.number.int({ min: 1, max: 30 }) * DAY,
  }[kind]
  return {
    starts_at: new Date(start).toISOString(),
    ends_at: new Date(start + length).toISOString(),
  }
}
