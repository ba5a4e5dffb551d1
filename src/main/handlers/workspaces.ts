import { SANDBOX_WORKSPACE_ID } from '../../shared/domain'
import { KeyholderFailure } from '../../shared/errors'
import type { Handlers } from '../ipc/dispatch'
import { createSeamClient, toKeyholderError } from '../seam'
import type { Session } from '../session'
import type { Vault } from '../vault'

/** Workspaces: the renderer may add, test, rename, remove and choose — never read a key back. */
export function workspaceHandlers(session: Session, vault: Vault): Partial<Handlers> {
  return {
    'app.info': () => session.info(),
    'workspaces.list': () => Promise.resolve(vault.list()),
    'workspaces.test': async ({ endpoint, api_key }) => {
      const client = createSeamClient({
        endpoint: endpoint ?? vault.defaultEndpoint,
        apiKey: api_key,
      })
      try {
        const systems = await client.listSystems()
        return { acs_system_count: systems.length }
      } catch (cause) {
        throw new KeyholderFailure(toKeyholderError(cause))
      }
    },
    'workspaces.add': (request) => vault.add(request),
    'workspaces.rename': async ({ workspace_id, name }) => {
      const summary = vault.rename(workspace_id, name)
      if (session.activeWorkspace().workspace_id === workspace_id) await session.announce()
      return summary
    },
    'workspaces.remove': async ({ workspace_id }) => {
      if (workspace_id === SANDBOX_WORKSPACE_ID) {
        throw new KeyholderFailure({ kind: 'local', message: 'The sandbox cannot be removed.' })
      }
      const previous = session.activeWorkspace().workspace_id
      vault.remove(workspace_id)
      await session.refreshActive(previous)
      return { ok: true }
    },
    'workspaces.set_key': async ({ workspace_id, api_key, allow_unprotected_storage }) => {
      const summary = await vault.setKey(workspace_id, api_key, allow_unprotected_storage)
      // The new key takes effect at once: the session builds a fresh client and re-checks.
      if (session.activeWorkspace().workspace_id === workspace_id)
        await session.activate(workspace_id)
      return summary
    },
    'workspaces.activate': ({ workspace_id }) => session.activate(workspace_id),
    'connectivity.get': () => Promise.resolve(session.connectivity.state),
    'connectivity.check': () => session.connectivity.check(),
    'connectivity.signal': () => session.connectivity.signal(),
    'sandbox.get_connection': async () => {
      const sandbox = await session.sandbox()
      return { connected: sandbox?.connected ?? true }
    },
    'sandbox.set_connection': async ({ connected }) => {
      const sandbox = await session.sandbox()
      if (!sandbox) {
        throw new KeyholderFailure({
          kind: 'local',
          message: 'Connection practice is only available in the sandbox.',
        })
      }
      sandbox.setConnected(connected)
      void session.connectivity.check()
      return { connected: sandbox.connected }
    },
  }
}
