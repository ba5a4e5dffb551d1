import type { OperationSpec } from './types'
import { requestKey, done, sendNow } from './types'
import { person } from './words'

/** Revoking access to every door is idempotent: sending it again changes nothing. */
export const revokeAccessToAllEntrances: OperationSpec<'revoke_access_to_all_entrances'> = {
  op: 'revoke_access_to_all_entrances',
  base: () => ({}),
  overlay(state) {
    state.pending.add('access_groups')
    state.pending.add('entrances')
  },
  prepare: (_ctx, entry) => Promise.resolve(sendNow(entry)),
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
