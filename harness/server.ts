import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
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

const MAX_BODY_BYTES = 1_000_000

/**
 * Carries the IPC contract over loopback: `POST /ipc` for invokes and `GET /events` (a
 * server-sent event stream) for main → page events. Bound to 127.0.0.1 only. The token
 * stops other local programs and web pages from driving it; the Host check stops DNS
 * rebinding; the Origin check stops cross-site requests.
 */
export async function startHarnessServer(options: HarnessServerOptions): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res, options).catch((cause: unknown) => {
      console.error('harness: request failed:', cause instanceof Error ? cause.message : cause)
      if (!res.headersSent) res.writeHead(500).end()
      else res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  return server
}

export function serverUrl(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HarnessServerOptions) {
  const port = (req.socket.address() as AddressInfo).port
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`]
  if (!allowedHosts.includes(req.headers.host ?? '')) return void res.writeHead(421).end()
  const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)

  if (url.pathname === '/ipc' || url.pathname === '/events') {
    const origin = req.headers.origin
    if (origin && !allowedHosts.some((h) => origin === `http://${h}`)) {
      return void res.writeHead(403).end()
    }
    if (!tokenMatches(req.headers['x-keyholder-token'], options.token)) {
      return void res.writeHead(403).end()
    }
    if (url.pathname === '/ipc' && req.method === 'POST') return invoke(req, res, options)
    if (url.pathname === '/events' && req.method === 'GET') return stream(req, res, options)
    return void res.writeHead(405).end()
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405).end()
  return serveStatic(url.pathname, res, options)
}

async function invoke(
  req: IncomingMessage,
  res: ServerResponse,
  { dispatch }: HarnessServerOptions,
) {
  let body: { channel?: unknown; payload?: unknown }
  try {
    body = JSON.parse(await readBody(req)) as typeof body
  } catch {
    return void res.writeHead(400).end()
  }
  const result = await dispatch(body.channel, body.payload)
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  res.end(JSON.stringify(result))
}

function stream(req: IncomingMessage, res: ServerResponse, { events }: HarnessServerOptions) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  })
  res.write(': connected\n\n')
  const unsubscribe = events.subscribe((event, payload) => {
    res.write(`data: ${JSON.stringify({ event, payload })}\n\n`)
  })
  const keepAlive = setInterval(() => res.write(': ping\n\n'), 15_000)
  req.on('close', () => {
    clearInterval(keepAlive)
    unsubscribe()
  })
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
    'cache-control': 'no-store',
  }
  if (relative === 'harness.html' || relative === 'bench.html') {
    // The shim reads the per-run token from this meta tag; no inline script is needed.
    content = Buffer.from(
      content
        .toString('utf8')
        .replace('<head>', `<head><meta name="keyholder-token" content="${options.token}">`),
    )
  }
  res.writeHead(200, headers).end(content)
}

function tokenMatches(header: string | string[] | undefined, token: string): boolean {
  if (typeof header !== 'string') return false
  const a = Buffer.from(header)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}
