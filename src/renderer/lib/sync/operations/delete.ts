import type { OperationSpec } from './types'
import { requestKey, sendNow } from './types'
import { person } from './words'

/** A delete is idempotent: one answered "not found" (already gone) counts as done. */
export const deleteUser: OperationSpec<'delete'> = {
  op: 'delete',
  base: () => ({}),
  overlay(state) {
    state.pendingDelete = true
  },
  prepare: (_ctx, entry) => Promise.resolve(sendNow(entry)),
  async send(api, entry) {
    const result = await api.invoke('users.delete', {
      acs_user_id: entry.target_id,
      idempotency_key: requestKey(entry),
    })
    if (result.ok || result.error.kind === 'not_found') return { ok: true, value: undefined }
    return result
  },
  async commit(db, entry) {
    await db.users.remove(entry.target_id)
    return true
  },
  describe: (entry) => [{ text: 'Delete ' }, person(entry)],
}
