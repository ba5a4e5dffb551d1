import type { AcsUser } from '../../../../shared/domain'
import type { OperationSpec } from './types'
import { requestKey, done } from './types'
import { person } from './words'

/**
 * Where this person's suspension is going: the value Seam reports the door system still moving
 * it to (the latest such change), else what Seam has now. An unsuspend must not be taken as
 * done while our earlier suspend is still on its way to the doors.
 */
export function suspendedAfterPending(user: AcsUser): boolean {
  let after = Boolean(user.is_suspended)
  for (const m of user.pending_mutations ?? []) {
    const to = (m as { to?: { is_suspended?: unknown } }).to?.is_suspended
    if (m.mutation_code === 'updating_suspension_state' && typeof to === 'boolean') after = to
  }
  return after
}

function suspension<O extends 'suspend' | 'unsuspend'>(op: O): OperationSpec<O> {
  const wanted = op === 'suspend'
  return {
    op,
    base: (current) => ({ is_suspended: current?.is_suspended ?? false }),
    overlay(state) {
      if (!state.user) return
      state.user = { ...state.user, is_suspended: wanted }
      state.pending.add('is_suspended')
    },
    async prepare(ctx, entry) {
      const read = await ctx.current(entry, Boolean(entry.sent_before))
      if (!read.ok) return { kind: 'error', error: read.error }
      const current = read.value
      const theirs = suspendedAfterPending(current)
      const base = Boolean(entry.base.is_suspended)
      // Never sent, and Seam no longer has what the person saw: someone else suspended or
      // unsuspended them meanwhile. Their reason may differ; the person decides.
      if (!entry.sent_before && theirs !== base) {
        return {
          kind: 'conflict',
          conflicts: [{ field: 'is_suspended', base, theirs, mine: wanted }],
          current,
        }
      }
      if (theirs === wanted) return { kind: 'done', user: current }
      return { kind: 'send', params: entry.params, current }
    },
    async send(api, entry) {
      const channel = op === 'suspend' ? 'users.suspend' : 'users.unsuspend'
      return done(
        await api.invoke(channel, {
          acs_user_id: entry.target_id,
          idempotency_key: requestKey(entry),
        }),
      )
    },
    async commit(db, entry, user) {
      const cached = user ?? (await db.acs_users.get(entry.target_id))
      if (cached)
        await db.users.put({ ...cached, is_suspended: user ? cached.is_suspended : wanted })
      return true
    },
    describe: (entry) => [{ text: wanted ? 'Suspend ' : 'Unsuspend ' }, person(entry)],
  }
}

export const suspend = suspension('suspend')
export const unsuspend = suspension('unsuspend')
