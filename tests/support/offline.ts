/**
 * Real parts for offline-core tests: the sandbox server (optionally behind the fault proxy),
 * the real main-process services, and a fresh IndexedDB (fake-indexeddb) per test.
 */
import { SeamHttp } from '@seamapi/http'
import type { Api } from '../../src/renderer/lib/sync/api'
import { KeyholderDb, usersOfSystem } from '../../src/renderer/lib/db/schema'
import { Outbox } from '../../src/renderer/lib/sync/outbox'
import { Replayer, type ReplayerOptions } from '../../src/renderer/lib/sync/replayer'
import { pullSystems, pullUsers } from '../../src/renderer/lib/sync/pull'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { createServices, type Services } from '../../src/main/services'
import { createVault } from '../../src/main/vault'
import { memoryCipher, MemoryStore } from '../../src/main/vault/memory'

let dbCounter = 0

export interface OfflineRig {
  sandbox: Sandbox
  services: Services
  /** The workspace the services start in (the sandbox's server, under a name of its own). */
  workspace_id: string
  api: Api
  /** The official SDK straight at the sandbox: the judge of the server's real state. */
  seam: SeamHttp
  dispose(): Promise<void>
}

/** Services talking to `endpoint` (the sandbox, or a proxy in front of it). */
export async function startRig(
  options: {
    users?: number
    endpoint?: (sandbox: Sandbox) => Promise<string>
    /** Main's per-request timeout towards Seam (the app's default unless set). */
    requestTimeoutMs?: number
  } = {},
): Promise<OfflineRig> {
  const sandbox = await startSandbox({ port: 0, users: options.users ?? 60, seed: 7 })
  const endpoint = options.endpoint ? await options.endpoint(sandbox) : sandbox.endpoint
  const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
  const services = createServices({
    vault,
    runtime: 'harness',
    version: 'test',
    startSandbox: () => Promise.resolve(sandbox),
    ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
  })
  const workspace = await vault.add({
    name: 'Test',
    endpoint,
    api_key: sandbox.apiKey,
    allow_unprotected_storage: true,
  })
  await services.session.activate(workspace.workspace_id)
  const api: Api = {
    invoke: (channel, request, scope) => services.dispatch(channel, request, scope) as never,
  }
  return {
    sandbox,
    services,
    workspace_id: workspace.workspace_id,
    api,
    seam: new SeamHttp({ apiKey: sandbox.apiKey, endpoint: sandbox.endpoint }),
    dispose: async () => {
      await services.dispose()
      await sandbox.stop()
    },
  }
}

export interface Client {
  db: KeyholderDb
  outbox: Outbox
  replayer: Replayer
}

/** One renderer's offline core on a database; pass `db` to "restart" on the same data. */
export function openClient(api: Api, options: ReplayerOptions & { db?: KeyholderDb } = {}): Client {
  const db = options.db ?? new KeyholderDb(`keyholder-test-${++dbCounter}-${Date.now()}`)
  const outbox = new Outbox(db)
  const replayer = new Replayer(db, outbox, api, {
    baseDelayMs: 5,
    maxDelayMs: 50,
    // The rig's main gives up on a request long before this: no answer can land later.
    settleAfterMs: 100,
    ...options,
  })
  return { db, outbox, replayer }
}

/** Pulls systems and every system's users into the client's cache. */
export async function pullAll(client: Client, api: Api): Promise<void> {
  await pullSystems(client.db, api)
  for (const system of await client.db.acs_systems.toArray()) {
    await pullUsers(client.db, api, system.acs_system_id)
  }
}

/** Runs the replayer until nothing is left that it can do on its own. */
export async function replayUntilSettled(client: Client, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  client.replayer.start()
  for (;;) {
    await client.replayer.idle()
    // Waiting for the network, not for the person: a person whose oldest edit awaits a
    // decision has the rest of their queue wait on it too.
    const entries = await client.db.outbox.orderBy('id').toArray()
    const onPerson = new Set(
      entries
        .filter((e) => ['failed', 'conflict', 'ask'].includes(e.status))
        .map((e) => e.target_id),
    )
    const waiting = entries.filter(
      (e) => (e.status === 'queued' || e.status === 'sending') && !onPerson.has(e.target_id),
    ).length
    if (waiting === 0) return
    if (Date.now() > deadline) throw new Error(`replay did not settle: ${waiting} entries left`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Every person of a system at Seam, by id (sorted). */
export async function serverIds(seam: SeamHttp, acs_system_id: string): Promise<string[]> {
  const users = await seam
    .createPaginator(seam.acs.users.list({ acs_system_id, limit: 500 }))
    .flattenToArray()
  return users.map((u) => u.acs_user_id).sort()
}

/** Every person of a system in a client's cache, by id (sorted). */
export async function cachedIds(client: Client, acs_system_id: string): Promise<string[]> {
  return (await usersOfSystem(client.db, acs_system_id).primaryKeys()).sort()
}
