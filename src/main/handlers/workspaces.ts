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
    'workspaces.rename': ({ workspace_id, name }) =>
      Promise.resolve(vault.rename(workspace_id, name)),
    'workspaces.remove': async ({ workspace_id }) => {
      if (workspace_id === SANDBOX_WORKSPACE_ID) {
        throw new KeyholderFailure({ kind: 'local', message: 'The sandbox cannot be removed.' })
      }
      const previous = session.activeWorkspace().workspace_id
      vault.remove(workspace_id)
      await session.refreshActive(previous)
      return { ok: true }
    },
    'workspaces.activate': ({ workspace_id }) => session.activate(workspace_id),
    'connectivity.get': () => Promise.resolve(session.connectivity.state),
    'connectivity.check': () => session.connectivity.check(),
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
