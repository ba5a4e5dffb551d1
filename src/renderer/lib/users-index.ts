/**
 * The users table's in-memory index. IndexedDB is too slow to scan on every keystroke (seconds
 * for 50,000 users), so each cached user is projected once into a small row with one
 * lower-cased search string, and search, filters and sorting run over plain arrays here.
 * Pending edits from the outbox are laid over the rows, so the table shows (and finds) what
 * the person last typed, and users created offline appear before the server knows them.
 */
import type { AcsUser } from '../../shared/domain'
import { describeExternalType } from '../../shared/catalogue'
import { scheduleState, userName, type ScheduleState } from './format'
import { applyPending } from './sync/overlay'
import type { OutboxEntry, OutboxStatus } from './sync/outbox-types'

export interface UserRow {
  id: string
  system: string
  name: string
  email: string
  phone: string
  identity: string
  brand: string
  /** As the person last set it (a queued suspend or unsuspend included). */
  suspended: boolean
  /** A queued suspend or unsuspend that Seam does not have yet: the doors still go by the old. */
  suspendPending: boolean
  errors: number
  warnings: number
  /** Changes Seam is still passing on to the door system. */
  mutations: number
  /** Our own queued edits, and the most pressing state among them. */
  pending: number
  pendingState: Exclude<OutboxStatus, 'sending'> | 'sending' | null
  pendingDelete: boolean
  pendingCreate: boolean
  schedule: ScheduleState
  /** When `schedule` next changes by itself (access starts or ends); Infinity if never. */
  scheduleChangesAt: number
  created: string
  /** Lower-cased name, email, phone (also digits only), ids: what search looks in. */
  hay: string
  /** The phone number's digits (with the country code), for phone-like queries. */
  phoneDigits: string
}

export type SortKey = 'name' | 'email' | 'phone' | 'status' | 'problems' | 'schedule' | 'created'

export interface Filters {
  /** null: every system. */
  system: string | null
  suspended: boolean | null
  errors: boolean
  warnings: boolean
  /** Ours in the outbox, or the server's pending mutations. */
  pending: boolean
  schedule: ScheduleState | null
  brand: string | null
}

export interface Query extends Filters {
  text: string
  sort: SortKey
  descending: boolean
}

export const defaultQuery = (): Query => ({
  text: '',
  system: null,
  suspended: null,
  errors: false,
  warnings: false,
  pending: false,
  schedule: null,
  brand: null,
  sort: 'name',
  descending: false,
})

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })
const pendingRank: Record<NonNullable<UserRow['pendingState']>, number> = {
  ask: 4,
  conflict: 4,
  failed: 3,
  sending: 2,
  queued: 1,
}

export function toRow(user: AcsUser, entries: OutboxEntry[] = [], now = Date.now()): UserRow {
  const view = applyPending(user, entries) ?? {
    ...user,
    pending_delete: false,
    pending_create: false,
  }
  const phone = view.phone_number ?? ''
  const name = userName(view)
  let pendingState: UserRow['pendingState'] = null
  for (const entry of entries) {
    if (!pendingState || pendingRank[entry.status] > pendingRank[pendingState])
      pendingState = entry.status
  }
  return {
    id: view.acs_user_id,
    system: view.acs_system_id,
    name,
    email: view.email_address ?? '',
    phone,
    identity: view.user_identity_id ?? '',
    brand: describeExternalType(view.external_type, view.external_type_display_name),
    suspended: Boolean(view.is_suspended),
    suspendPending: Boolean(view.is_suspended) !== Boolean(user.is_suspended),
    errors: view.errors?.length ?? 0,
    warnings: view.warnings?.length ?? 0,
    mutations: view.pending_mutations?.length ?? 0,
    pending: entries.length,
    pendingState,
    pendingDelete: view.pending_delete,
    pendingCreate: view.pending_create,
    schedule: scheduleState(view, now),
    scheduleChangesAt: nextScheduleChange(view, now),
    created: view.created_at,
    phoneDigits: phone.replace(/\D/g, ''),
    hay: [
      name,
      view.email_address,
      phone,
      phone.replace(/\D/g, ''),
      view.user_identity_id,
      view.user_identity_full_name,
      view.user_identity_email_address,
      view.acs_user_id,
    ]
      .filter(Boolean)
      .join('\n')
      .toLowerCase(),
  }
}

/** The next instant after `now` at which a person's access starts or ends. */
function nextScheduleChange(user: Pick<AcsUser, 'access_schedule'>, now: number): number {
  const schedule = user.access_schedule
  if (!schedule) return Infinity
  const starts = Date.parse(schedule.starts_at)
  if (starts > now) return starts
  const ends = schedule.ends_at ? Date.parse(schedule.ends_at) : NaN
  return ends > now ? ends : Infinity
}

const comparators: Record<SortKey, (a: UserRow, b: UserRow) => number> = {
  name: (a, b) => collator.compare(a.name, b.name),
  email: (a, b) => collator.compare(a.email, b.email),
  phone: (a, b) => collator.compare(a.phone, b.phone),
  status: (a, b) => Number(b.suspended) - Number(a.suspended),
  problems: (a, b) => b.errors - a.errors || b.warnings - a.warnings || b.mutations - a.mutations,
  schedule: (a, b) => collator.compare(a.schedule, b.schedule),
  created: (a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0),
}

/**
 * What to look for. Every word must be found somewhere in a person's search string (name,
 * email, phone, ids). A query that looks like a phone number, written as people write them
 * ("020 7946 0456", "(212) 555-0199", "+44 (0)20 79", "0044 20"), also finds people whose phone
 * number holds its digits: without the leading zeros of a trunk prefix anywhere in the number,
 * and from the start of the number when the query begins with a country code ("+44", "0044"),
 * so "+44" does not find every number or ID with a 44 in it. Written in three groups or more
 * ("06 51 01 06 60") it is surely a phone number, and only phone numbers are looked in: short
 * groups of digits would otherwise be found all over other people's numbers and IDs.
 */
export interface SearchTerms {
  words: string[]
  phone: { digits: string; fromStart: boolean } | null
  phoneOnly: boolean
}

export function searchTerms(text: string): SearchTerms {
  const lower = text.trim().toLowerCase()
  const words = lower.split(/\s+/).filter(Boolean)
  if (!/^\+?[\d\s().-]+$/.test(lower)) return { words, phone: null, phoneOnly: false }
  const fromStart = /^(\+|00)/.test(lower)
  const digits = lower.replace(/\(0\)/g, '').replace(/\D/g, '').replace(/^0+/, '')
  const phone = digits ? { digits, fromStart } : null
  return { words, phone, phoneOnly: phone !== null && words.length >= 3 }
}

/** Whether a row matches the terms. */
export function matchesTerms(row: UserRow, terms: SearchTerms): boolean {
  return (
    (!terms.phoneOnly && terms.words.every((word) => row.hay.includes(word))) ||
    (terms.phone !== null && matchesPhone(row, terms.phone))
  )
}

function matchesPhone(row: UserRow, phone: NonNullable<SearchTerms['phone']>): boolean {
  return phone.fromStart
    ? row.phoneDigits.startsWith(phone.digits)
    : row.phoneDigits.includes(phone.digits)
}

/** Narrowing a result this small row by row is quicker than a pass over the haystack. */
const SCAN_LIMIT = 2000

/**
 * Every row's search string in one long string, in one sort order: `indexOf` then jumps from
 * match to match through one block of memory, several times faster than tens of thousands of
 * `includes` calls on strings scattered across the heap (the difference between a keystroke
 * that keeps up with typing and one that does not, at 50,000 users).
 */
class Haystack {
  readonly text: string
  /** Where each row's string starts in `text`, and one past the end. */
  readonly #starts: Int32Array

  constructor(
    readonly key: string,
    readonly rows: UserRow[],
  ) {
    const starts = new Int32Array(rows.length + 1)
    let at = 0
    for (let i = 0; i < rows.length; i++) {
      starts[i] = at
      at += rows[i]!.hay.length + 1
    }
    starts[rows.length] = at
    this.#starts = starts
    this.text = rows.map((r) => r.hay).join('\0')
  }

  /** Calls `visit` with the position (in `rows`) of every row whose string holds `word`, in order. */
  forEachRowWith(word: string, visit: (i: number) => void): void {
    const starts = this.#starts
    const n = this.rows.length
    let row = 0
    let at = this.text.indexOf(word)
    while (at !== -1) {
      // The row holding `at`: the last one starting at or before it. Common words match in
      // row after row, so look a few rows ahead before searching the rest by halves.
      let lo = row
      let hi = lo + 1
      for (let step = 0; step < 4 && hi < n && starts[hi]! <= at; step++) lo = hi++
      if (hi < n && starts[hi]! <= at) hi = n
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if (starts[mid]! <= at) lo = mid
        else hi = mid
      }
      row = lo
      const next = starts[row + 1]!
      // A match running into the separator spans two rows: not a match.
      if (at + word.length < next) {
        visit(row)
        row += 1
        at = this.text.indexOf(word, next)
      } else {
        at = this.text.indexOf(word, at + 1)
      }
    }
  }
}

/** True when every row matching `now` surely matched `before` (so the old result can be narrowed). */
function narrows(before: SearchTerms, now: SearchTerms): boolean {
  const digitsHold = (old: NonNullable<SearchTerms['phone']>, next: SearchTerms['phone']) =>
    next !== null &&
    (old.fromStart
      ? next.fromStart && next.digits.startsWith(old.digits)
      : next.digits.includes(old.digits))
  // Before, only phone numbers were looked in: only a longer phone number narrows that.
  if (before.phoneOnly) return now.phoneOnly && digitsHold(before.phone!, now.phone)
  // Every word before is inside a word now (or inside the digits now: they are in the search
  // string too), and a phone match now was one before.
  const wordsHold = (words: string[]) =>
    before.words.every((old) => words.some((w) => w.includes(old)))
  const phoneHolds = (phone: NonNullable<SearchTerms['phone']>) =>
    wordsHold([phone.digits]) || (before.phone !== null && digitsHold(before.phone, phone))
  return wordsHold(now.words) && (now.phone === null || phoneHolds(now.phone))
}

export class UsersIndex {
  /** Server copies, by id. */
  readonly #users = new Map<string, AcsUser>()
  /** One server copy per system: what a user created offline there will most likely be. */
  readonly #peerOf = new Map<string, AcsUser>()
  /** Queued edits by the id they target (server or temporary). */
  #entries = new Map<string, OutboxEntry[]>()
  #rows = new Map<string, UserRow>()
  #sorted: { key: string; rows: UserRow[]; compare: (a: UserRow, b: UserRow) => number } | null =
    null
  #last: { query: Query; terms: SearchTerms; version: number; results: UserRow[] } | null = null
  #haystack: Haystack | null = null
  #version = 0
  /** The earliest moment a row's schedule state goes out of date. */
  #scheduleChangesAt = Infinity

  get size(): number {
    return this.#rows.size
  }

  /** Changes on every data change; lets callers know when to search again. */
  get version(): number {
    return this.#version
  }

  row(id: string): UserRow | undefined {
    return this.#rows.get(id)
  }

  /**
   * Rows whose access started or ended since they were built are built again (their schedule
   * label and filter). Cheap unless a moment has passed; true when rows changed.
   */
  refreshSchedules(now = Date.now()): boolean {
    if (now < this.#scheduleChangesAt) return false
    const due: string[] = []
    for (const row of this.#rows.values()) if (row.scheduleChangesAt <= now) due.push(row.id)
    this.#refresh(due, now)
    this.#scheduleChangesAt = earliestScheduleChange(this.#rows.values())
    return true
  }

  /** Replaces every user (a fresh load from the cache). */
  replaceAll(users: Iterable<AcsUser>): void {
    this.#users.clear()
    this.#peerOf.clear()
    for (const user of users) this.#keep(user)
    this.#rebuildAll()
  }

  /** Replaces one system's users (after a sync of that system). */
  replaceSystem(acs_system_id: string, users: Iterable<AcsUser>): void {
    for (const [id, user] of this.#users) {
      if (user.acs_system_id === acs_system_id) this.#users.delete(id)
    }
    this.#peerOf.delete(acs_system_id)
    for (const user of users) this.#keep(user)
    this.#rebuildAll()
  }

  upsert(users: Iterable<AcsUser>): void {
    const ids: string[] = []
    for (const user of users) {
      this.#keep(user)
      ids.push(user.acs_user_id)
    }
    this.#refresh(ids)
  }

  remove(ids: Iterable<string>): void {
    const list = [...ids]
    for (const id of list) {
      const user = this.#users.get(id)
      if (user && this.#peerOf.get(user.acs_system_id) === user) {
        this.#peerOf.delete(user.acs_system_id)
      }
      this.#users.delete(id)
    }
    this.#refresh(list)
  }

  /** Lays the outbox over the rows: pass every entry, oldest first. */
  setOutbox(entries: OutboxEntry[]): void {
    const next = new Map<string, OutboxEntry[]>()
    for (const entry of entries) {
      const list = next.get(entry.target_id) ?? []
      list.push(entry)
      next.set(entry.target_id, list)
    }
    // Only users whose queued edits really changed need a new row.
    const touched = [...new Set([...this.#entries.keys(), ...next.keys()])].filter(
      (id) => signature(this.#entries.get(id)) !== signature(next.get(id)),
    )
    this.#entries = next
    if (touched.length) this.#refresh(touched)
  }

  /**
   * Rows matching the query, in its order. Typing more letters narrows the last result when it
   * is small; otherwise the haystack finds the matches among all rows.
   */
  search(query: Query): UserRow[] {
    const terms = searchTerms(query.text)
    const last = this.#last
    const narrowing =
      last !== null &&
      last.version === this.#version &&
      sameFilters(last.query, query) &&
      narrows(last.terms, terms)
    // No filter calls in the hot loops when no filter is set.
    const filtered = !sameFilters(query, {
      ...defaultQuery(),
      sort: query.sort,
      descending: query.descending,
    })
    const results =
      terms.words.length > 0 && !(narrowing && last.results.length <= SCAN_LIMIT)
        ? this.#find(query, terms, filtered)
        : this.#scan(
            narrowing ? last.results : this.#ordered(query.sort, query.descending),
            query,
            terms,
            filtered,
          )
    this.#last = { query: { ...query }, terms, version: this.#version, results }
    return results
  }

  /**
   * Builds the haystack for the query's order ahead of the keystroke that would otherwise pay
   * for it (the app calls this when idle after a change).
   */
  prepareSearch(query: Pick<Query, 'sort' | 'descending'>): void {
    this.#haystackFor(query.sort, query.descending)
  }

  #haystackFor(sort: SortKey, descending: boolean): Haystack {
    const key = `${sort}:${descending}`
    if (this.#haystack?.key !== key)
      this.#haystack = new Haystack(key, this.#ordered(sort, descending))
    return this.#haystack
  }

  /** Matches found through the haystack: its longest word (or the digits) first, then the rest. */
  #find(query: Query, terms: SearchTerms, filtered: boolean): UserRow[] {
    const haystack = this.#haystackFor(query.sort, query.descending)
    const { rows } = haystack
    const { phone, phoneOnly } = terms
    const words = phoneOnly ? [] : terms.words
    // A phone match is surely a word match when every word lies inside the digits (as in
    // "4915"): the row's search string holds its phone digits. Then one pass finds them all.
    const extra =
      phone && (phoneOnly || !words.every((word) => phone.digits.includes(word))) ? phone : null
    const found = extra ? new Uint8Array(rows.length) : null
    const results: UserRow[] = []
    const [longest, ...rest] = [...words].sort((a, b) => b.length - a.length)
    if (longest !== undefined)
      haystack.forEachRowWith(longest, (i) => {
        const row = rows[i]!
        if (filtered && !matchesFilters(row, query)) return
        if (rest.length > 0 && !rest.every((word) => row.hay.includes(word))) return
        if (found) found[i] = 1
        else results.push(row)
      })
    if (!found || !extra) return results
    // The digits are in the search string too: the haystack finds every candidate.
    haystack.forEachRowWith(extra.digits, (i) => {
      const row = rows[i]!
      if (filtered && !matchesFilters(row, query)) return
      if (matchesPhone(row, extra)) found[i] = 1
    })
    for (let i = 0; i < rows.length; i++) if (found[i]) results.push(rows[i]!)
    return results
  }

  /** Matches found by looking at each row of `source` in turn. */
  #scan(source: UserRow[], query: Query, terms: SearchTerms, filtered: boolean): UserRow[] {
    const [first, ...more] = terms.words
    const phone = terms.phone
    if (terms.phoneOnly && phone) {
      return source.filter(
        (row) => (!filtered || matchesFilters(row, query)) && matchesPhone(row, phone),
      )
    }
    const results: UserRow[] = []
    for (let i = 0; i < source.length; i++) {
      const row = source[i]!
      if (filtered && !matchesFilters(row, query)) continue
      const hay = row.hay
      if (
        ((first === undefined || hay.includes(first)) &&
          (more.length === 0 || more.every((term) => hay.includes(term)))) ||
        (phone !== null && matchesPhone(row, phone))
      ) {
        results.push(row)
      }
    }
    return results
  }

  /** How many people each system has, as the table shows them (queued creates included). */
  countsBySystem(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const row of this.#rows.values()) counts[row.system] = (counts[row.system] ?? 0) + 1
    return counts
  }

  /** The brands present (in one system, or all), for the brand filter. */
  brands(system: string | null = null): string[] {
    const brands = new Set<string>()
    for (const row of this.#rows.values()) {
      if (system === null || row.system === system) brands.add(row.brand)
    }
    return [...brands].sort(collator.compare)
  }

  #keep(user: AcsUser): void {
    this.#users.set(user.acs_user_id, user)
    this.#peerOf.set(user.acs_system_id, user)
  }

  #rebuildAll(now = Date.now()): void {
    this.#rows.clear()
    for (const [id, user] of this.#users)
      this.#rows.set(id, toRow(user, this.#entries.get(id), now))
    for (const [id, entries] of this.#entries) {
      if (!this.#users.has(id)) this.#addCreated(id, entries, now)
    }
    this.#scheduleChangesAt = earliestScheduleChange(this.#rows.values())
    this.#changed()
  }

  /**
   * New rows for a few users. The sorted order is mended in place (out, then back in where it
   * belongs) rather than rebuilt: sorting 50,000 rows after every queued edit would stall the
   * next keystroke.
   */
  #refresh(ids: Iterable<string>, now = Date.now()): void {
    const list = [...ids]
    const old = list.map((id) => this.#rows.get(id)).filter((r) => r !== undefined)
    for (const id of list) {
      const user = this.#users.get(id)
      const entries = this.#entries.get(id)
      this.#rows.delete(id)
      if (user) this.#rows.set(id, toRow(user, entries, now))
      else if (entries) this.#addCreated(id, entries, now)
      const row = this.#rows.get(id)
      if (row) this.#scheduleChangesAt = Math.min(this.#scheduleChangesAt, row.scheduleChangesAt)
    }
    const sorted = this.#sorted
    this.#changed()
    if (!sorted || list.length > 200) return
    const gone = new Set(old)
    const rows = sorted.rows.filter((r) => !gone.has(r))
    for (const id of list) {
      const row = this.#rows.get(id)
      if (row) rows.splice(insertionPoint(rows, row, sorted.compare), 0, row)
    }
    this.#sorted = { ...sorted, rows }
  }

  /** A user created offline has only its create entry (and later edits) to show. */
  #addCreated(id: string, entries: OutboxEntry[], now: number): void {
    if (entries[0]?.op !== 'create') return
    const view = applyPending(undefined, entries)
    if (!view) return
    const row = toRow(view, entries, now)
    // Seam gives the type when it creates them; until then, the one their system's people have.
    const peer = this.#peerOf.get(view.acs_system_id)
    if (peer) row.brand = describeExternalType(peer.external_type, peer.external_type_display_name)
    this.#rows.set(id, row)
  }

  #changed(): void {
    this.#version += 1
    this.#sorted = null
    this.#last = null
    this.#haystack = null
  }

  #ordered(sort: SortKey, descending: boolean): UserRow[] {
    const key = `${sort}:${descending}`
    if (this.#sorted?.key === key) return this.#sorted.rows
    const by = comparators[sort]
    const compare = (a: UserRow, b: UserRow) => {
      const primary = by(a, b) || comparators.name(a, b) || (a.id < b.id ? -1 : 1)
      return descending ? -primary : primary
    }
    const rows = [...this.#rows.values()].sort(compare)
    this.#sorted = { key, rows, compare }
    return rows
  }
}

function earliestScheduleChange(rows: Iterable<UserRow>): number {
  let next = Infinity
  for (const row of rows) next = Math.min(next, row.scheduleChangesAt)
  return next
}

/** Where `row` goes in rows already sorted by `compare` (binary search). */
function insertionPoint(
  rows: UserRow[],
  row: UserRow,
  compare: (a: UserRow, b: UserRow) => number,
) {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(rows[mid]!, row) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** What about a user's queued edits can change their row. */
function signature(entries: OutboxEntry[] | undefined): string {
  return entries?.map((e) => `${e.id}:${e.status}:${JSON.stringify(e.params)}`).join('|') ?? ''
}

function matchesFilters(row: UserRow, f: Filters): boolean {
  return (
    (f.system === null || row.system === f.system) &&
    (f.suspended === null || row.suspended === f.suspended) &&
    (!f.errors || row.errors > 0) &&
    (!f.warnings || row.warnings > 0) &&
    (!f.pending || row.pending > 0 || row.mutations > 0) &&
    (f.schedule === null || row.schedule === f.schedule) &&
    (f.brand === null || row.brand === f.brand)
  )
}

function sameFilters(a: Query, b: Query): boolean {
  return (
    a.system === b.system &&
    a.suspended === b.suspended &&
    a.errors === b.errors &&
    a.warnings === b.warnings &&
    a.pending === b.pending &&
    a.schedule === b.schedule &&
    a.brand === b.brand &&
    a.sort === b.sort &&
    a.descending === b.descending
  )
}
