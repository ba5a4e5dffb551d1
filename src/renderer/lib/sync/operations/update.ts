import type { UserChanges } from '../../../../shared/contract'
import type { AcsUser } from '../../../../shared/domain'
import type { ChangeField, FieldConflict } from '../outbox-types'
import { same } from './match'
import type { OperationSpec } from './types'
import { requestKey, done } from './types'
import { updateParts } from './words'

/**
 * A user with an update applied, as Seam would store it: the display name follows the full
 * name, and a `null` schedule means the schedule is gone.
 */
export function withChanges<U extends AcsUser>(user: U, changes: UserChanges): U {
  const { access_schedule, ...rest } = changes
  const next: U = { ...user, ...rest, ...(rest.full_name && { display_name: rest.full_name }) }
  if (access_schedule === null) delete next.access_schedule
  else if (access_schedule) next.access_schedule = access_schedule
  return next
}

/** The values the person saw for the fields an update changes. */
export function baseOf(current: AcsUser | undefined, changes: UserChanges) {
  const base: Partial<Record<ChangeField, unknown>> = {}
  for (const field of Object.keys(changes) as ChangeField[]) base[field] = current?.[field] ?? null
  return base
}

/**
 * Seam reports the door system still moving `field` to `value`: an edit that asked for it
 * has arrived and is being applied, which is no conflict.
 */
export function beingApplied(user: AcsUser, field: ChangeField, value: unknown): boolean {
  return (user.pending_mutations ?? []).some((m) => {
    const to = (m as { to?: Record<string, unknown> }).to
    if (!to) return false
    if (field === 'access_schedule') {
      return m.mutation_code === 'updating_access_schedule' && same(to, value ?? null)
    }
    return m.mutation_code === 'updating_user_information' && field in to && same(to[field], value)
  })
}

export const update: OperationSpec<'update'> = {
  op: 'update',
  base: (current, entry) => baseOf(current, entry.params),
  overlay(state, entry) {
    if (!state.user) return
    state.user = withChanges(state.user, entry.params)
    for (const key of Object.keys(entry.params)) state.pending.add(key)
  },
  /**
   * Compares each changed field with Seam's value: already there → nothing to send for it;
   * changed by someone else since the person saw it → a conflict, unless Seam says it is
   * moving to our value, or to the value the person saw (our own request or an earlier edit of
   * ours, still being applied by the door system).
   */
  async prepare(ctx, entry) {
    const read = await ctx.current(entry, Boolean(entry.sent_before))
    if (!read.ok) return { kind: 'error', error: read.error }
    const current = read.value
    const remaining: Record<string, unknown> = {}
    const conflicts: FieldConflict[] = []
    for (const [key, mine] of Object.entries(entry.params)) {
      const field = key as ChangeField
      const theirs = current[field] ?? null
      if (same(theirs, mine) || beingApplied(current, field, mine)) continue
      const base = entry.base[field] ?? null
      // Seam still moving to what the person saw is our own earlier edit being applied.
      if (!same(theirs, base) && !beingApplied(current, field, base)) {
        conflicts.push({ field, base, theirs, mine })
      }
      remaining[field] = mine
    }
    if (conflicts.length) return { kind: 'conflict', conflicts, current }
    if (Object.keys(remaining).length === 0) return { kind: 'done', user: current }
    return { kind: 'send', params: remaining as UserChanges, current }
  },
  send: async (api, entry, params) =>
    done(
      await api.invoke('users.update', {
        acs_user_id: entry.target_id,
        changes: params,
        idempotency_key: requestKey(entry),
      }),
    ),
  async commit(db, entry, user) {
    const cached = user ?? (await db.acs_users.get(entry.target_id))
    if (cached) await db.users.put(user ? cached : withChanges(cached, entry.params))
    return true
  },
  describe: (entry) => updateParts(entry),
}
