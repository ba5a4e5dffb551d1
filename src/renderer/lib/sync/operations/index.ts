/** Every operation Keyholder queues, each in its own module. */
import type { OperationName } from '../outbox-types'
import { create } from './create'
import { deleteUser } from './delete'
import { addToAccessGroup, removeFromAccessGroup } from './membership'
import { revokeAccessToAllEntrances } from './revoke'
import { suspend, unsuspend } from './suspension'
import type { OperationSpec } from './types'
import { update } from './update'

export const operations: { [O in OperationName]: OperationSpec<O> } = {
  create,
  update,
  suspend,
  unsuspend,
  delete: deleteUser,
  add_to_access_group: addToAccessGroup,
  remove_from_access_group: removeFromAccessGroup,
  revoke_access_to_all_entrances: revokeAccessToAllEntrances,
}
