import type { OperationSpec } from './types'
import { done, groupsNow, requestKey, sendNow } from './types'
import { groupParts, person } from './words'

function membership<O extends 'add_to_access_group' | 'remove_from_access_group'>(
  op: O,
): OperationSpec<O> {
  const joining = op === 'add_to_access_group'
  return {
    op,
    base: () => ({}),
    overlay(state) {
      state.pending.add('access_groups')
    },
    async prepare(ctx, entry) {
      if (!entry.sent_before) return sendNow(entry)
      // An earlier attempt may have arrived: only send what is not already true.
      const groups = await groupsNow(ctx, entry)
      if (!groups.ok) return { kind: 'error', error: groups.error }
      const member = groups.value.includes(entry.params.acs_access_group_id)
      return member === joining ? { kind: 'done' } : sendNow(entry)
    },
    async send(api, entry) {
      const request = {
        acs_user_id: entry.target_id,
        acs_access_group_id: entry.params.acs_access_group_id,
        idempotency_key: requestKey(entry),
      }
      return done(
        await api.invoke(
          joining ? 'users.add_to_access_group' : 'users.remove_from_access_group',
          request,
        ),
      )
    },
    async commit(db, entry) {
      const { acs_access_group_id } = entry.params
      if (joining) await db.users.addMembership(entry.target_id, acs_access_group_id)
      else await db.users.removeMembership(entry.target_id, acs_access_group_id)
      return true
    },
    describe: (entry, groupName) => [
      { text: joining ? 'Add ' : 'Remove ' },
      person(entry),
      { text: joining ? ' to ' : ' from ' },
      ...groupParts([entry.params.acs_access_group_id], groupName),
    ],
  }
}

export const addToAccessGroup = membership('add_to_access_group')
export const removeFromAccessGroup = membership('remove_from_access_group')
