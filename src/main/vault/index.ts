/**
 * The credential vault: API keys and the endpoints they belong to, for several named
 * workspaces, one of them active. Keys are encrypted by an injected {@link Cipher} (Electron's
 * safeStorage in the app) before they reach the {@link VaultStore} (electron-store in the app).
 * Nothing here ever hands a key to the renderer: summaries carry no key, and only the main
 * process's Seam client asks for credentials.
 */
import { randomUUID } from 'node:crypto'
import type { StorageStatus, WorkspaceSummary } from '../../shared/contract'
import { SANDBOX_WORKSPACE_ID } from '../../shared/domain'
import { endpointProblem } from '../../shared/endpoint'
import { KeyholderFailure } from '../../shared/errors'
import { DEFAULT_ENDPOINT, type SeamCredentials } from '../seam'

/** Encrypts keys at rest. In Electron: safeStorage; in tests: a stand-in for the OS keychain. */
export interface Cipher {
  status(): Promise<StorageStatus>
  encrypt(plain: string): Promise<string>
  decrypt(encrypted: string): Promise<string>
}

/** The few electron-store methods the vault uses. */
export interface VaultStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
  delete(key: string): void
}

interface StoredWorkspace {
  workspace_id: string
  name: string
  endpoint: string
  /** The API key as the cipher encrypted it (base64). */
  encrypted_key: string
}

export interface AddWorkspace {
  name: string
  endpoint?: string | undefined
  api_key: string
  /** The person accepted storing the key although the OS keychain does not protect it. */
  allow_unprotected_storage?: boolean | undefined
}

export type Vault = ReturnType<typeof createVault>

const SANDBOX: WorkspaceSummary = {
  workspace_id: SANDBOX_WORKSPACE_ID,
  name: 'Sandbox',
  endpoint: 'embedded',
  is_sandbox: true,
  persisted: true,
}

export function createVault({ cipher, store }: { cipher: Cipher; store: VaultStore }) {
  /** Workspaces whose key lives only as long as this process: unprotected storage not accepted. */
  const sessionOnly = new Map<string, { summary: WorkspaceSummary; apiKey: string }>()
  /** A session-only workspace cannot be active after a restart, so it is not remembered. */
  let activeSessionOnly: string | undefined
  /**
   * New keys of saved workspaces that the person chose not to store unprotected: the workspace
   * stays saved (name, endpoint), its key lives only as long as this process.
   */
  const sessionKeys = new Map<string, string>()

  const stored = (): StoredWorkspace[] => {
    const value = store.get('workspaces')
    return Array.isArray(value) ? value.filter(isStoredWorkspace) : []
  }
  const summaryOf = (w: StoredWorkspace): WorkspaceSummary => ({
    workspace_id: w.workspace_id,
    name: w.name,
    endpoint: w.endpoint,
    is_sandbox: false,
    persisted: !sessionKeys.has(w.workspace_id),
  })
  const find = (workspace_id: string): WorkspaceSummary | undefined =>
    workspace_id === SANDBOX_WORKSPACE_ID
      ? SANDBOX
      : (sessionOnly.get(workspace_id)?.summary ??
        stored()
          .filter((w) => w.workspace_id === workspace_id)
          .map(summaryOf)[0])
  const notFound = () =>
    new KeyholderFailure({ kind: 'not_found', message: 'That workspace is no longer saved.' })

  return {
    defaultEndpoint: DEFAULT_ENDPOINT,

    storageStatus: () => cipher.status(),

    list(): WorkspaceSummary[] {
      return [
        SANDBOX,
        ...stored().map(summaryOf),
        ...[...sessionOnly.values()].map((s) => s.summary),
      ]
    },

    /** The active workspace; the sandbox when none was chosen or the chosen one is gone. */
    getActive(): WorkspaceSummary {
      const id = activeSessionOnly ?? store.get('active')
      return (typeof id === 'string' && find(id)) || SANDBOX
    },

    setActive(workspace_id: string): void {
      if (!find(workspace_id)) throw notFound()
      if (sessionOnly.has(workspace_id)) {
        activeSessionOnly = workspace_id
        store.delete('active')
      } else {
        activeSessionOnly = undefined
        store.set('active', workspace_id)
      }
    },

    async add(request: AddWorkspace): Promise<WorkspaceSummary> {
      const status = await cipher.status()
      const workspace_id = randomUUID()
      const endpoint = normaliseEndpoint(request.endpoint ?? DEFAULT_ENDPOINT)
      const keepForSession = () => {
        const summary = {
          workspace_id,
          name: request.name,
          endpoint,
          is_sandbox: false,
          persisted: false,
        }
        sessionOnly.set(workspace_id, { summary, apiKey: request.api_key })
        return summary
      }
      if (!status.protected && !request.allow_unprotected_storage) return keepForSession()
      let encrypted_key: string
      try {
        encrypted_key = await cipher.encrypt(request.api_key)
      } catch {
        // No way to encrypt at all: never fall back to writing the key in plain text.
        return keepForSession()
      }
      const workspace: StoredWorkspace = {
        workspace_id,
        name: request.name,
        endpoint,
        encrypted_key,
      }
      store.set('workspaces', [...stored(), workspace])
      return summaryOf(workspace)
    },

    /**
     * Replaces the key of a saved workspace (e.g. after Seam refused the old one). The same
     * consent rule as {@link add}: without the OS keychain, the key is written only when the
     * person accepted that; otherwise it is kept for this session and the old one is dropped.
     */
    async setKey(
      workspace_id: string,
      api_key: string,
      allow_unprotected_storage = false,
    ): Promise<WorkspaceSummary> {
      const session = sessionOnly.get(workspace_id)
      if (session) {
        session.apiKey = api_key
        return session.summary
      }
      const all = stored()
      const target = all.find((w) => w.workspace_id === workspace_id)
      if (!target) throw notFound()
      const status = await cipher.status()
      let encrypted: string | undefined
      if (status.protected || allow_unprotected_storage) {
        encrypted = await cipher.encrypt(api_key).catch(() => undefined)
      }
      if (encrypted === undefined) {
        sessionKeys.set(workspace_id, api_key)
        // The refused key is not kept either; the next start asks for a key.
        target.encrypted_key = ''
      } else {
        sessionKeys.delete(workspace_id)
        target.encrypted_key = encrypted
      }
      store.set('workspaces', all)
      return summaryOf(target)
    },

    rename(workspace_id: string, name: string): WorkspaceSummary {
      const session = sessionOnly.get(workspace_id)
      if (session) {
        session.summary = { ...session.summary, name }
        return session.summary
      }
      const all = stored()
      const target = all.find((w) => w.workspace_id === workspace_id)
      if (!target) throw notFound()
      target.name = name
      store.set('workspaces', all)
      return summaryOf(target)
    },

    remove(workspace_id: string): void {
      sessionOnly.delete(workspace_id)
      sessionKeys.delete(workspace_id)
      store.set(
        'workspaces',
        stored().filter((w) => w.workspace_id !== workspace_id),
      )
      if (store.get('active') === workspace_id) store.delete('active')
      if (activeSessionOnly === workspace_id) activeSessionOnly = undefined
    },

    /** For the main process's Seam client only. Never send the result over IPC. */
    async getCredentials(workspace_id: string): Promise<SeamCredentials> {
      const session = sessionOnly.get(workspace_id)
      if (session) return { endpoint: session.summary.endpoint, apiKey: session.apiKey }
      const target = stored().find((w) => w.workspace_id === workspace_id)
      if (!target) throw notFound()
      const sessionKey = sessionKeys.get(workspace_id)
      if (sessionKey !== undefined) return { endpoint: target.endpoint, apiKey: sessionKey }
      try {
        if (!target.encrypted_key) throw new Error('no key was saved')
        return { endpoint: target.endpoint, apiKey: await cipher.decrypt(target.encrypted_key) }
      } catch {
        throw new KeyholderFailure({
          kind: 'local',
          message:
            'The saved API key could not be unlocked from the system keychain. Enter the key again.',
        })
      }
    },
  }
}

/** Checked here as well as in the contract: the vault is the last stop before a key is sent. */
function normaliseEndpoint(endpoint: string): string {
  const problem = endpointProblem(endpoint)
  if (problem) throw new KeyholderFailure({ kind: 'local', message: problem })
  return endpoint.trim().replace(/\/+$/, '')
}

function isStoredWorkspace(value: unknown): value is StoredWorkspace {
  if (typeof value !== 'object' || value === null) return false
  const w = value as Record<string, unknown>
  return (
    typeof w.workspace_id === 'string' &&
    typeof w.name === 'string' &&
    typeof w.endpoint === 'string' &&
    typeof w.encrypted_key === 'string'
  )
}
