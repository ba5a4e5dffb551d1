import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { WebSocketServer, type WebSocket } from 'ws'
import { readFile } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Dispatch } from '../src/main/ipc/dispatch'
import type { EventBus } from '../src/main/ipc/events'
import { CONTENT_SECURITY_POLICY } from '../src/shared/csp'

export interface HarnessServerOptions {
  dispatch: Dispatch
  events: EventBus
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  /** Random per run; every IPC request must carry it. */
  token: string
  port: number
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

const MAX_MESSAGE_BYTES = 1_000_000

/**
 * Carries the IPC contract over loopback, on one WebSocket (`/ipc`): invokes as
 * `{ id, channel, payload }` → `{ id, result }`, main → page events as `{ event, payload }`.
 * One long-lived socket costs a fraction of a request per call, which matters when a replay
 * makes thousands of them. Bound to 127.0.0.1 only. The per-run token (sent as the WebSocket
 * subprotocol, since a page cannot set headers on it) stops other local programs and web pages
 * from driving it; the Host check stops DNS rebinding; the Origin check stops cross-site pages.
 */
export async function startHarnessServer(options: HarnessServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((cause: unknown) => {
      console.error('harness: request failed:', cause instanceof Error ? cause.message : cause)
      if (!res.headersSent) res.writeHead(500).end()
      else res.end()
    })
  })
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
    if (!upgradeAllowed(req, options.token)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  server.on('close', () => {
    for (const client of sockets.clients) client.terminate()
  })
  return server
}

export function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

/** The subprotocol that carries the token: `keyholder.<token>`. */
export const TOKEN_PROTOCOL_PREFIX = 'keyholder.'

function allowedHosts(req: IncomingMessage): string[] {
  const port = (req.socket.address() as AddressInfo).port
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

function upgradeAllowed(req: IncomingMessage, token: string): boolean {
  const hosts = allowedHosts(req)
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/ipc') return false
  if (!hosts.includes(req.headers.host ?? '')) return false
  const origin = req.headers.origin
  if (origin && !hosts.some((h) => origin === `http://${h}`)) return false
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
  return offered.some(
    (p) =>
      p.startsWith(TOKEN_PROTOCOL_PREFIX) &&
      tokenMatches(p.slice(TOKEN_PROTOCOL_PREFIX.length), token),
  )
}

function serveSocket(ws: WebSocket, { dispatch, events }: HarnessServerOptions): void {
  const unsubscribe = events.subscribe((event, payload) =>
    ws.send(JSON.stringify({ event, payload })),
  )
  ws.on('close', unsubscribe)
  ws.on('message', (data) => {
    let message: { id?: unknown; channel?: unknown; payload?: unknown; scope?: unknown }
    try {
      message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '') as typeof message
    } catch {
      return ws.close(1003, 'not JSON')
    }
    const { id } = message
    if (typeof id !== 'number') return ws.close(1003, 'no id')
    void dispatch(message.channel, message.payload, message.scope).then((result) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }))
    })
  })
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HarnessServerOptions) {
  const hosts = allowedHosts(req)
  if (!hosts.includes(req.headers.host ?? '')) return void res.writeHead(421).end()
  const url = new URL(req.url ?? '/', `http://${hosts[0]}`)
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
  return serveStatic(url.pathname, res, options)
}

async function serveStatic(pathname: string, res: ServerResponse, options: HarnessServerOptions) {
  const relative = pathname === '/' ? 'harness.html' : decodeURIComponent(pathname.slice(1))
  const file = normalize(join(options.rendererDir, relative))
  if (!file.startsWith(options.rendererDir + sep)) return void res.writeHead(404).end()
  let content: Buffer
  try {
    content = await readFile(file)
  } catch {
    return void res.writeHead(404).end()
  }
  const headers: Record<string, string> = {
    'content-type': MIME[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Built assets have content hashes in their names, so they never change under one name:
    // the browser may keep them (and its compiled code) for the next start, as an installed
    // app does. The pages are never kept: each build may change them.
    'cache-control': relative.startsWith('assets/')
      ? 'public, max-age=31536000, immutable'
      : 'no-store',
  }
  res.writeHead(200, headers).end(content)
}

function tokenMatches(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false
  const a = Buffer.from(header)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}
