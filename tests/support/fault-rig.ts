/**
 * The offline rig (the sandbox, main's services, fake-indexeddb) with the fault proxy between
 * main and Seam: a test sets `rule` to decide what happens to the requests it cares about, and
 * reads `seen` for every request that reached the proxy, in order of arrival.
 */
import { unwrap } from '../../src/shared/errors'
import { startFaultProxy, type Fault, type FaultProxy } from '../fault/proxy'
import { startRig, type OfflineRig } from './offline'

/** What the proxy does to a request; anything it leaves (undefined) passes. */
export type Rule = (path: string, body: string) => Fault | Promise<Fault> | undefined

export interface Seen {
  /** The path without its query. */
  path: string
  acs_user_id: string | undefined
  at: number
}

export interface FaultRig {
  rig: OfflineRig
  proxy: FaultProxy
  /** The first system's id. */
  systemId: string
  seen: Seen[]
  rule: Rule
  /** How many requests reached `path`. */
  count(path: string): number
  dispose(): Promise<void>
}

export async function startFaultRig(options: {
  users: number
  requestTimeoutMs?: number
}): Promise<FaultRig> {
  let proxy: FaultProxy | undefined
  const seen: Seen[] = []
  // Requests pass from the start (the rig probes while it starts), before any rule is set.
  const started: { faults?: FaultRig } = {}
  const rig = await startRig({
    ...options,
    endpoint: async (sandbox) => {
      proxy = await startFaultProxy(sandbox.endpoint, (path, body) => {
        const acs_user_id = body
          ? (JSON.parse(body) as { acs_user_id?: string }).acs_user_id
          : undefined
        seen.push({ path: path.split('?')[0]!, acs_user_id, at: Date.now() })
        return started.faults?.rule(path, body) ?? { kind: 'pass' }
      })
      return proxy.url
    },
  })
  const systemId = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
  const faults: FaultRig = {
    rig,
    proxy: proxy!,
    systemId,
    seen,
    rule: () => undefined,
    count: (path) => seen.filter((s) => s.path === path).length,
    async dispose() {
      await rig.dispose()
      await proxy?.close()
    },
  }
  started.faults = faults
  return faults
}
