import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * What the proxy does to one request:
 * - `pass`: forward untouched
 * - `drop_request`: cut the connection before the server sees anything
 * - `drop_response`: let the server apply it, then cut the connection before the answer
 * - `delay`: forward after `ms`
 * - `status`: answer `status` itself (500, 503, 429 with `retry_after` seconds)
 * `body` on `pass` / `drop_response` forwards that instead (a server that rewrites what it got).
 */
export type Fault =
  | { kind: 'pass'; body?: string }
  | { kind: 'drop_request' }
  | { kind: 'drop_response'; body?: string }
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: number; retry_after?: number; error?: Record<string, unknown> }

export interface FaultProxy {
  url: string
  /** Faults applied so far, by kind. */
  applied: Record<string, number>
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
  const sockets = new Set<Socket>()
  const server: Server = createServer((req, res) => {
    void readAll(req).then(async (received) => {
      const fault = await decide(req.url ?? '/', received)
      const body = 'body' in fault && fault.body !== undefined ? fault.body : received
      applied[fault.kind] = (applied[fault.kind] ?? 0) + 1
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
            void readAll(answer).then((answerBody) => {
              // The server has applied the request; the client never hears about it.
              if (fault.kind === 'drop_response') return req.socket.destroy()
              res.writeHead(answer.statusCode ?? 502, answer.headers)
              res.end(answerBody)
            })
          },
        )
        out.on('error', () => req.socket.destroy())
        out.end(body)
      }
      if (fault.kind === 'delay') setTimeout(forward, fault.ms)
      else forward()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    applied,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

function readAll(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    stream.on('error', reject)
  })
}
