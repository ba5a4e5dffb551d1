import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { gunzipSync } from 'node:zlib'

/**
 * What the proxy does to one request:
 * - `pass`: forward untouched
 * - `drop_request`: cut the connection before the server sees anything
 * - `drop_response`: let the server apply it, then cut the connection before the answer
 * - `applied_then_500`: let the server apply it, then answer 500 instead of its answer
 * - `hold_then_apply`: hold the request for `ms` (longer than the client waits), then let the
 *   server apply it late; the client has given up by then
 * - `delay`: forward after `ms`
 * - `status`: answer `status` itself (500, 503, 429 with `retry_after` seconds)
 * `body` on `pass` / `drop_response` forwards that instead (a server that rewrites what it got).
 */
export type Fault =
  | { kind: 'pass'; body?: string }
  | { kind: 'drop_request' }
  | { kind: 'drop_response'; body?: string }
  | { kind: 'applied_then_500' }
  | { kind: 'hold_then_apply'; ms: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; retry_after?: number; error?: Record<string, unknown> }

/** The Seam endpoints that change something, by the operation name the outbox uses. */
export const WRITE_PATHS: Record<string, string> = {
  '/acs/users/create': 'create',
  '/acs/users/update': 'update',
  '/acs/users/suspend': 'suspend',
  '/acs/users/unsuspend': 'unsuspend',
  '/acs/users/delete': 'delete',
  '/acs/users/add_to_access_group': 'add_to_access_group',
  '/acs/users/remove_from_access_group': 'remove_from_access_group',
  '/acs/users/revoke_access_to_all_entrances': 'revoke_access_to_all_entrances',
}

export interface FaultProxy {
  url: string
  /** Faults applied so far, by kind. */
  applied: Record<string, number>
  /**
   * Writes the server applied (answered 2xx upstream, whatever the client heard), by
   * `"<operation> <acs_user_id>"`; a create counts under the id it made.
   */
  applications: Map<string, number>
  /** Users created through the proxy, in the order the server made them. */
  created: string[]
  /** Forgets `applications` and `created` (not `applied`). */
  resetCounts(): void
  /** Resolves once every request the proxy took has reached the server and been answered. */
  quiet(): Promise<void>
  close(): Promise<void>
}

/**
 * A loopback HTTP proxy in front of `target` that injects the faults `decide` picks (a promise
 * holds the request until it settles).
 */
export async function startFaultProxy(
  target: string,
  decide: (path: string, body: string) => Fault | Promise<Fault>,
): Promise<FaultProxy> {
  const upstream = new URL(target)
  const applied: Record<string, number> = {}
  const applications = new Map<string, number>()
  const created: string[] = []
  const sockets = new Set<Socket>()
  /** Requests taken and not yet answered by the server (held ones included). */
  const pending = new Set<Promise<void>>()
  const count = (path: string, body: string, answerBody: string) => {
    const op = WRITE_PATHS[path]
    if (!op) return
    const person =
      op === 'create'
        ? (parseJson(answerBody).acs_user as { acs_user_id?: unknown } | undefined)?.acs_user_id
        : parseJson(body).acs_user_id
    if (typeof person !== 'string') return
    if (op === 'create') created.push(person)
    const key = `${op} ${person}`
    applications.set(key, (applications.get(key) ?? 0) + 1)
  }
  const server: Server = createServer((req, res) => {
    res.on('error', () => undefined)
    let done = () => {}
    const settled = new Promise<void>((resolve) => (done = resolve))
    pending.add(settled)
    void settled.then(() => pending.delete(settled))
    void readAll(req).then(async (received) => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname
      const fault = await decide(req.url ?? '/', received)
      const body = 'body' in fault && fault.body !== undefined ? fault.body : received
      applied[fault.kind] = (applied[fault.kind] ?? 0) + 1
      if (fault.kind !== 'hold_then_apply' && fault.kind !== 'delay') done()
      if (fault.kind === 'drop_request') return req.socket.destroy()
      if (fault.kind === 'status') {
        const headers: Record<string, string> = { 'content-type': 'application/json' }
        if (fault.retry_after !== undefined) headers['retry-after'] = String(fault.retry_after)
        res.writeHead(fault.status, headers)
        const error = fault.error ?? { type: 'injected_fault', message: `Injected ${fault.status}` }
        return void res.end(JSON.stringify({ ok: false, error }))
      }
      const forward = () => {
        const out = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: {
              ...req.headers,
              host: upstream.host,
              'content-length': Buffer.byteLength(body),
            },
          },
          (answer) => {
            void readBytes(answer).then((answerBytes) => {
              const status = answer.statusCode ?? 502
              // Passed on as sent (gzip included); read as text only to count writes.
              const answerBody = () =>
                (answer.headers['content-encoding'] === 'gzip'
                  ? gunzipSync(answerBytes)
                  : answerBytes
                ).toString('utf8')
              if (status >= 200 && status < 300 && WRITE_PATHS[path]) {
                count(path, body, answerBody())
              }
              done()
              // The server has applied the request; the client never hears about it.
              if (fault.kind === 'drop_response') return req.socket.destroy()
              if (fault.kind === 'applied_then_500') {
                res.writeHead(500, { 'content-type': 'application/json' })
                const error = { type: 'injected_fault', message: 'Injected 500 after applying' }
                return void res.end(JSON.stringify({ ok: false, error }))
              }
              res.writeHead(status, answer.headers)
              res.end(answerBytes)
            })
          },
        )
        out.on('error', () => {
          done()
          req.socket.destroy()
        })
        out.end(body)
      }
      if (fault.kind === 'delay' || fault.kind === 'hold_then_apply') setTimeout(forward, fault.ms)
      else forward()
    }, done)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    applied,
    applications,
    created,
    resetCounts: () => {
      applications.clear()
      created.length = 0
    },
    quiet: async () => {
      while (pending.size > 0) await Promise.all([...pending])
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function parseJson(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

function readBytes(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

async function readAll(stream: IncomingMessage): Promise<string> {
  return (await readBytes(stream)).toString('utf8')
}
