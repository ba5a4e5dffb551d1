import { KeyholderFailure } from '../../shared/errors'
import type { Handlers } from '../ipc/dispatch'
import { requestScope } from '../ipc/scope'
import { OnceByKey } from '../once-by-key'
import type { Session } from '../session'

const ok = { ok: true } as const

/** Systems, users, groups, entrances and events: each a single Seam call through the session. */
/**
 * How long a write's failure is remembered for a repeat with the same key and details: only
 * answers that Seam itself gave and that a resend would get again (the input was refused, the
 * person is gone, the key may not do this), and only briefly, to answer a duplicate sent by a
 * reload or a second window. Anything that may not have reached Seam or may pass next time
 * (no answer, 5xx, 429, a refused key, a local failure) is forgotten at once.
 */
export function rememberFailureMs(cause: unknown): number {
  if (!(cause instanceof KeyholderFailure)) return 0
  const { kind } = cause.error
  return kind === 'invalid_input' || kind === 'not_found' || kind === 'forbidden' ? 2 * 60_000 : 0
}

/** Systems, users, groups, entrances and events: each a single Seam call through the session. */
export function seamHandlers(session: Session): Partial<Handlers> {
  const writes = new OnceByKey<unknown>({ failureTtlMs: rememberFailureMs })
  /**
   * A write, joined by its outbox key (when given) to the same write on its way or remembered:
   * the same entry with the same details reaches Seam once. The key is scoped by workspace and
   * channel, and the details are compared as sent.
   */
  function once<T>(
    channel: string,
    idempotency_key: string | undefined,
    details: unknown,
    write: () => Promise<T>,
  ): Promise<T> {
    if (!idempotency_key) return write()
    const workspace_id =
      requestScope.getStore()?.workspace_id ?? session.activeWorkspace().workspace_id
    return writes.run(
      JSON.stringify([workspace_id, channel, idempotency_key]),
      write,
      JSON.stringify(details),
    ) as Promise<T>
  }
  const done = async (write: Promise<unknown>) => (await write, ok)

  return {
    'seam.server_time': async () => ({ server_time: await session.serverTime() }),
    'systems.list': () => session.call((c) => c.listSystems()),
    'access_groups.list': ({ acs_system_id }) =>
      session.call((c) => c.listAccessGroups(acs_system_id)),
    'users.list_page': (request) => session.call((c) => c.listUsersPage(request)),
    'users.get': ({ acs_user_id }) => session.call((c) => c.getUser(acs_user_id)),
    // A corrected create (new details, same entry) is a different request, and goes.
    'users.create': ({ idempotency_key, ...input }) =>
      once('users.create', idempotency_key, input, () => session.call((c) => c.createUser(input))),
    'users.update': ({ acs_user_id, changes, idempotency_key }) =>
      done(
        once('users.update', idempotency_key, { acs_user_id, changes }, () =>
          session.call((c) => c.updateUser(acs_user_id, changes)),
        ),
      ),
    'users.delete': ({ acs_user_id, idempotency_key }) =>
      done(
        once('users.delete', idempotency_key, { acs_user_id }, () =>
          session.call((c) => c.deleteUser(acs_user_id)),
        ),
      ),
    'users.suspend': ({ acs_user_id, idempotency_key }) =>
      done(
        once('users.suspend', idempotency_key, { acs_user_id }, () =>
          session.call((c) => c.suspendUser(acs_user_id)),
        ),
      ),
    'users.unsuspend': ({ acs_user_id, idempotency_key }) =>
      done(
        once('users.unsuspend', idempotency_key, { acs_user_id }, () =>
          session.call((c) => c.unsuspendUser(acs_user_id)),
        ),
      ),
    'users.add_to_access_group': ({ acs_user_id, acs_access_group_id, idempotency_key }) =>
      done(
        once(
          'users.add_to_access_group',
          idempotency_key,
          { acs_user_id, acs_access_group_id },
          () => session.call((c) => c.addToAccessGroup(acs_user_id, acs_access_group_id)),
        ),
      ),
    'users.remove_from_access_group': ({ acs_user_id, acs_access_group_id, idempotency_key }) =>
      done(
        once(
          'users.remove_from_access_group',
          idempotency_key,
          { acs_user_id, acs_access_group_id },
          () => session.call((c) => c.removeFromAccessGroup(acs_user_id, acs_access_group_id)),
        ),
      ),
    'users.revoke_access_to_all_entrances': ({ acs_user_id, idempotency_key }) =>
      done(
        once('users.revoke_access_to_all_entrances', idempotency_key, { acs_user_id }, () =>
          session.call((c) => c.revokeAccessToAllEntrances(acs_user_id)),
        ),
      ),
    'users.list_accessible_entrances': ({ acs_user_id }) =>
      session.call((c) => c.listAccessibleEntrances(acs_user_id)),
    'access_groups.list_user_ids': ({ acs_access_group_id }) =>
      session.call((c) => c.listGroupUserIds(acs_access_group_id)),
    'users.list_access_groups': ({ acs_user_id }) =>
      session.call((c) => c.listUserAccessGroups(acs_user_id)),
    'events.list': (request) => session.call((c) => c.listEvents(request)),
  }
}
