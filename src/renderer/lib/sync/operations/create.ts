import type { CreateUserInput, UserPage } from '../../../../shared/contract'
import type { AcsUser } from '../../../../shared/domain'
import type { Result } from '../../../../shared/errors'
import { fromCachedUser, toCachedUser, type KeyholderDb } from '../../db/schema'
import type { Api } from '../api'
import type { Candidate } from '../outbox-types'
import { normalEmail, normalName, normalPhone, same } from './match'
import type { EntryOf, OperationSpec, Prepared } from './types'
import { requestKey } from './types'
import { groupParts, person } from './words'

/** Seam's search takes at most this many characters. */
const SEARCH_MAX = 200
/** A reconciliation reads at most this many people who share the name (pages of 500). */
const SEARCH_PAGES = 10
/**
 * Leeway when comparing a person's `created_at` with Seam's time read before the first send,
 * for Seam's servers' clocks differing slightly (a `Date` header is rounded down to the
 * second, which already leans the safe way): a person counts as made before the send only
 * when clearly so.
 */
const SEAM_CLOCK_LEEWAY_MS = 500

/** What a person at Seam shares with a create: each detail the create sent, normalised. */
function likeness(sent: CreateUserInput, user: AcsUser): { strong: boolean; loose: boolean } {
  const checks: boolean[] = [normalName(user.full_name) === normalName(sent.full_name)]
  const shared = [checks[0]!]
  if (sent.email_address) {
    const match = normalEmail(user.email_address) === normalEmail(sent.email_address)
    checks.push(match)
    shared.push(match)
  }
  if (sent.phone_number) {
    const match = normalPhone(user.phone_number) === normalPhone(sent.phone_number)
    checks.push(match)
    shared.push(match)
  }
  if (sent.user_identity_id) checks.push(user.user_identity_id === sent.user_identity_id)
  if (sent.access_schedule) {
    checks.push(same(user.access_schedule ?? null, sent.access_schedule))
  }
  return { strong: checks.every(Boolean), loose: shared.some(Boolean) }
}

/** People at Seam in the create's system found by its name (Seam's search, several pages). */
async function searchByName(api: Api, sent: CreateUserInput): Promise<Result<AcsUser[]>> {
  const found: AcsUser[] = []
  let page_cursor: string | null = null
  for (let page = 0; page < SEARCH_PAGES; page++) {
    const result: Result<UserPage> = await api.invoke('users.list_page', {
      acs_system_id: sent.acs_system_id,
      search: sent.full_name.trim().slice(0, SEARCH_MAX),
      page_cursor,
      limit: 500,
    })
    if (!result.ok) return result
    found.push(...result.value.acs_users.filter((u) => u.acs_system_id === sent.acs_system_id))
    page_cursor = result.value.next_page_cursor
    if (!page_cursor) break
  }
  return { ok: true, value: found }
}

/**
 * Before the first send: everyone who already looks like the new person (same name, email or
 * phone in that system), in the cache and at Seam. None of them can ever be taken for it.
 */
async function lookalikes(
  db: KeyholderDb,
  api: Api,
  entry: EntryOf<'create'>,
): Promise<Result<{ ids: string[]; created_after: string | null }>> {
  const sent = entry.params
  const ids = new Set(entry.lookalikes ?? [])
  // The cache by its name index (a CSV of hundreds of people into a system of 50,000 must not
  // read the whole system for each); Seam's search below finds the rest, and email or phone.
  const named = await db.acs_users
    .where('[acs_system_id+_name]')
    .equals([sent.acs_system_id, toCachedUser({ full_name: sent.full_name } as AcsUser)._name])
    .toArray()
  for (const u of named) ids.add(u.acs_user_id)
  // Our own queued edits that will make someone look like it (they may land before or after
  // this create, since other people's edits go at the same time).
  const updates = await db.outbox
    .where('acs_system_id')
    .equals(sent.acs_system_id)
    .filter((e) => e.op === 'update' && e.target_id !== entry.target_id)
    .toArray()
  for (const update of updates) {
    const id = await db.users.resolve(update.target_id)
    const cached = await db.acs_users.get(id)
    const after = { ...(cached && fromCachedUser(cached)), ...update.params } as AcsUser
    if (likeness(sent, after).loose) ids.add(id)
  }
  const found = await searchByName(api, sent)
  if (!found.ok) return found
  for (const u of found.value) if (likeness(sent, u).loose) ids.add(u.acs_user_id)
  // Read after the search answered: no later create of ours can be older than this.
  const clock = await api.invoke('seam.server_time', {})
  if (!clock.ok) return clock
  return { ok: true, value: { ids: [...ids], created_after: clock.value.server_time } }
}

/** Whether Seam made this person before the create was first sent (so it is not ours). */
function madeBefore(user: AcsUser, created_after: string | null | undefined): boolean {
  if (!created_after) return false
  const made = Date.parse(user.created_at)
  return Number.isFinite(made) && made < Date.parse(created_after) - SEAM_CLOCK_LEEWAY_MS
}

/** The create named the person only by name: any namesake added meanwhile would match it. */
export function onlyNamed(sent: CreateUserInput): boolean {
  return !sent.email_address && !sent.phone_number && !sent.user_identity_id
}

function candidate(user: AcsUser, strong: boolean): Candidate {
  return {
    acs_user_id: user.acs_user_id,
    full_name: user.full_name ?? user.display_name ?? null,
    email_address: user.email_address ?? null,
    phone_number: user.phone_number ?? null,
    created_at: user.created_at,
    strong,
  }
}

/**
 * A create that may have reached Seam: is the person there? Exactly one person at Seam
 * matching every detail sent, made by Seam after the create was first sent, who looked like
 * nobody before it and is not another create's, is ours — unless the create sent only a name,
 * which a colleague's namesake added meanwhile would share. Anything less certain goes to the
 * person (status `ask`).
 */
async function reconcile(db: KeyholderDb, api: Api, entry: EntryOf<'create'>): Promise<Prepared> {
  const found = await searchByName(api, entry.params)
  if (!found.ok) return { kind: 'error', error: found.error }
  const excluded = new Set(entry.lookalikes ?? [])
  const claimed = new Set(
    (await db.id_map.toArray())
      .filter((m) => m.temp_id !== entry.target_id)
      .map((m) => m.acs_user_id),
  )
  const open = found.value.filter(
    (u) =>
      !excluded.has(u.acs_user_id) &&
      !claimed.has(u.acs_user_id) &&
      !madeBefore(u, entry.created_after),
  )
  const strong = open.filter((u) => likeness(entry.params, u).strong)
  if (strong.length === 1 && !onlyNamed(entry.params)) return { kind: 'done', user: strong[0]! }
  if (strong.length) return { kind: 'ask', candidates: strong.map((u) => candidate(u, true)) }
  const loose = open.filter((u) => likeness(entry.params, u).loose)
  return { kind: 'ask', candidates: loose.map((u) => candidate(u, false)) }
}

export const create: OperationSpec<'create'> = {
  op: 'create',
  base: () => ({}),
  overlay(state, entry) {
    state.pendingCreate = true
    const {
      acs_system_id,
      full_name,
      email_address,
      phone_number,
      access_schedule,
      user_identity_id,
    } = entry.params
    state.user = {
      acs_user_id: entry.target_id,
      acs_system_id,
      workspace_id: '',
      created_at: entry.created_at,
      display_name: full_name,
      full_name,
      is_suspended: false,
      is_managed: true,
      errors: [],
      warnings: [],
      pending_mutations: [],
      connected_account_id: '',
      last_successful_sync_at: null,
      ...(email_address && { email_address }),
      ...(phone_number && { phone_number }),
      ...(access_schedule && { access_schedule }),
      ...(user_identity_id && { user_identity_id }),
    } as unknown as AcsUser
    for (const key of ['full_name', 'email_address', 'phone_number', 'access_schedule']) {
      state.pending.add(key)
    }
  },
  async prepare(ctx, entry) {
    if (entry.sent_before) return reconcile(ctx.db, ctx.api, entry)
    const found = await lookalikes(ctx.db, ctx.api, entry)
    if (!found.ok) return { kind: 'error', error: found.error }
    const { ids, created_after } = found.value
    return { kind: 'send', params: entry.params, lookalikes: ids, created_after }
  },
  send: (api, entry) =>
    api.invoke('users.create', { ...entry.params, idempotency_key: requestKey(entry) }),
  async commit(db, entry, user) {
    if (!user) throw new Error('A confirmed create must carry the new person')
    const claimed = await db.users.claim(
      entry.target_id,
      user,
      entry.params.acs_access_group_ids ?? [],
    )
    if (!claimed) return false
    await db.outbox
      .where('target_id')
      .equals(entry.target_id)
      .modify({ target_id: user.acs_user_id })
    // Another create asking "is this the person you added?" no longer offers them.
    await db.outbox
      .where('status')
      .equals('ask')
      .modify((other) => {
        other.candidates = other.candidates?.filter((c) => c.acs_user_id !== user.acs_user_id)
      })
    return true
  },
  describe(entry, groupName) {
    const ids = entry.params.acs_access_group_ids ?? []
    const parts = [{ text: 'Add ' }, person(entry), { text: ' as a new person' }]
    return ids.length ? [...parts, { text: ' in ' }, ...groupParts(ids, groupName)] : parts
  },
}
