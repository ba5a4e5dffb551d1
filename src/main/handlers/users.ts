import type { AcsUser } from '../../shared/domain'
import type { Handlers } from '../ipc/dispatch'
import { requestScope } from '../ipc/scope'
import { OnceByKey } from '../once-by-key'
import type { Session } from '../session'

const ok = { ok: true } as const

/** Systems, users, groups, entrances and events: each a single Seam call through the session. */
export function seamHandlers(session: Session): Partial<Handlers> {
  const creates = new OnceByKey<AcsUser>()
  return {
    'systems.list': () => session.call((c) => c.listSystems()),
    'access_groups.list': ({ acs_system_id }) =>
      session.call((c) => c.listAccessGroups(acs_system_id)),
    'users.list_page': (request) => session.call((c) => c.listUsersPage(request)),
    'users.get': ({ acs_user_id }) => session.call((c) => c.getUser(acs_user_id)),
    'users.create': ({ idempotency_key, ...input }) => {
      const create = () => session.call((c) => c.createUser(input))
      if (!idempotency_key) return create()
      // The same entry asking for the same person: a corrected create (new details, same
      // entry) is a different request, and goes.
      const workspace_id =
        requestScope.getStore()?.workspace_id ?? session.activeWorkspace().workspace_id
      return creates.run(`${workspace_id}:${idempotency_key}:${JSON.stringify(input)}`, create)
    },
    'users.update': async ({ acs_user_id, changes }) => {
      await session.call((c) => c.updateUser(acs_user_id, changes))
      return ok
    },
    'users.delete': async ({ acs_user_id }) => {
      await session.call((c) => c.deleteUser(acs_user_id))
      return ok
    },
    'users.suspend': async ({ acs_user_id }) => {
      await session.call((c) => c.suspendUser(acs_user_id))
      return ok
    },
    'users.unsuspend': async ({ acs_user_id }) => {
      await session.call((c) => c.unsuspendUser(acs_user_id))
      return ok
    },
    'users.add_to_access_group': async ({ acs_user_id, acs_access_group_id }) => {
      await session.call((c) => c.addToAccessGroup(acs_user_id, acs_access_group_id))
      return ok
    },
    'users.remove_from_access_group': async ({ acs_user_id, acs_access_group_id }) => {
      await session.call((c) => c.removeFromAccessGroup(acs_user_id, acs_access_group_id))
      return ok
    },
    'users.revoke_access_to_all_entrances': async ({ acs_user_id }) => {
      await session.call((c) => c.revokeAccessToAllEntrances(acs_user_id))
      return ok
    },
    'users.list_accessible_entrances': ({ acs_user_id }) =>
      session.call((c) => c.listAccessibleEntrances(acs_user_id)),
    'access_groups.list_user_ids': ({ acs_access_group_id }) =>
      session.call((c) => c.listGroupUserIds(acs_access_group_id)),
    'users.list_access_groups': ({ acs_user_id }) =>
      session.call((c) => c.listUserAccessGroups(acs_user_id)),
    'events.list': (request) => session.call((c) => c.listEvents(request)),
  }
}
