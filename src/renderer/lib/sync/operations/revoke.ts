import type { OperationSpec } from './types'
import { done, groupsNow, requestKey, sendNow } from './types'
import { person } from './words'

/**
 * Revoking access to every door. Sent again only if the person is still in a group: it is
 * idempotent at Seam, but never applied twice by us.
 */
export const revokeAccessToAllEntrances: OperationSpec<'revoke_access_to_all_entrances'> = {
  op: 'revoke_access_to_all_entrances',
  base: () => ({}),
  overlay(state) {
    state.pending.add('access_groups')
    state.pending.add('entrances')
  },
  async prepare(ctx, entry) {
    if (!entry.sent_before) return sendNow(entry)
    // An earlier attempt may have arrived: a person in no group any more needs no second one.
    const groups = await groupsNow(ctx, entry)
    if (!groups.ok) return { kind: 'error', error: groups.error }
    return groups.value.length === 0 ? { kind: 'done' } : sendNow(entry)
  },
  send: async (api, entry) =>
    done(
      await api.invoke('users.revoke_access_to_all_entrances', {
        acs_user_id: entry.target_id,
        idempotency_key: requestKey(entry),
      }),
    ),
  async commit(db, entry) {
    await db.users.clearAccess(entry.target_id)
    return true
  },
  describe: (entry) => [{ text: 'Revoke access to every door for ' }, person(entry)],
}
