/**
 * The sandbox's front door on 127.0.0.1: answers the routes in `routes.ts` itself, adds what the
 * real API does around create and delete (the full user, `acs_user.*` events), and passes every
 * other request to Seam's fake. It can also play dead ("simulate connection loss"): every
 * connection is then cut at once, exactly as a lost network looks to the app.
 *
 * Every request, whatever its path (the fake's own `/_fake/*` database routes included), needs
 * the sandbox key before anything else happens, and no answer carries CORS headers: a web page
 * or another program on this computer can neither read nor rewrite the practice data.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { constants as zlibConstants, gzipSync } from 'node:zlib'
import { ApiError, ARRAY_PARAMS, routes, type RouteContext } from './routes'
import { externalTypes } from '../../shared/catalogue'
import type { FakeUser, SandboxWorld } from './world'

export interface Layer {
  url: string
  connected: boolean
  setConnected(connected: boolean): void
  close(): Promise<void>
}

const MAX_BODY_BYTES = 5_000_000

export async function startLayer(options: {
  world: SandboxWorld
  /** The socket file (or Windows pipe) the fake listens on. */
  fakeSocket: string
  port: number
  /** Added before every answer, as a network to a real server would (benchmarks). */
  latencyMs?: number
}): Promise<Layer> {
  const { world, fakeSocket } = options
  const sockets = new Set<Socket>()
  let connected = true
  let baseUrl = ''

  const server = createServer((req, res) => {
    if (!connected) return void req.socket.destroy()
    handle(req, res).catch((cause: unknown) => {
      console.error('sandbox: request failed:', cause instanceof Error ? cause.message : cause)
      if (!res.headersSent)
        sendJson(res, 500, {
          ok: false,
          error: { type: 'internal_server_error', message: 'Sandbox error' },
        })
      else res.end()
    })
  })
  server.on('connection', (socket) => {
    if (!connected) return void socket.destroy()
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl)
    // The key first, for every path: nothing is read, forwarded or answered without it.
    if (!authorised(req)) {
      req.resume()
      return sendJson(res, 401, {
        ok: false,
        error: { type: 'unauthorized', message: 'Unauthorized' },
      })
    }
    const body = await readBody(req)
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs))
    const route = routes[url.pathname]
    const wrapped = url.pathname === '/acs/users/create' || url.pathname === '/acs/users/delete'
    if (!route && !wrapped) return forward(req, res, body)

    const params = readParams(url, body)
    if (route) {
      const context: RouteContext = { world, baseUrl }
      try {
        return sendJson(res, 200, { ...(route(params, context) as object), ok: true })
      } catch (cause) {
        if (!(cause instanceof ApiError)) throw cause
        const { status, type, message, validation_errors } = cause
        return sendJson(res, status, {
          ok: false,
          error: { type, message, ...(validation_errors && { validation_errors }) },
        })
      }
    }
    // Create and delete go to the fake; we add what the real API does around them.
    const before =
      typeof params.acs_user_id === 'string' ? world.user(params.acs_user_id) : undefined
    const answer = await forwardBuffered(req, body)
    if (answer.status !== 200) return send(res, answer)
    if (url.pathname === '/acs/users/create') {
      const created = (JSON.parse(answer.body) as { acs_user: { acs_user_id: string } }).acs_user
      const user = completeCreated(created.acs_user_id, params)
      if (!user) return send(res, answer)
      world.lastSync.set(user.acs_user_id, new Date().toISOString())
      addUserEvent('acs_user.created', user)
      return sendJson(res, 200, { acs_user: world.presentUser(user), ok: true })
    }
    if (before) {
      world.issues.delete(before.acs_user_id)
      addUserEvent('acs_user.deleted', before)
    }
    return send(res, answer)
  }

  /**
   * The real API gives a new user its brand's type and never makes up an email; the fake leaves
   * the type out and invents `acs_user_…@example.com` when none was given.
   */
  function completeCreated(acs_user_id: string, params: Record<string, unknown>) {
    const user = world.user(acs_user_id)
    const meta = user && world.systems.get(user.acs_system_id)
    if (!user || !meta) return user
    const next: FakeUser = {
      ...user,
      external_type: meta.user_external_type as FakeUser['external_type'],
      // Named as the system's other users are (the fake's own name for the type), or ours.
      external_type_display_name:
        world.db.acs_users.find(
          (u) => u.external_type === meta.user_external_type && u.external_type_display_name,
        )?.external_type_display_name ?? externalTypes[meta.user_external_type].label,
    }
    if (params.email_address === undefined && params.email === undefined) {
      delete next.email
      delete next.email_address
    }
    world.db.setState({ acs_users: world.db.acs_users.map((u) => (u === user ? next : u)) })
    return next
  }

  function addUserEvent(
    event_type: 'acs_user.created' | 'acs_user.deleted',
    user: { acs_user_id: string; acs_system_id: string },
  ) {
    world.db.addEvent({
      event_type,
      workspace_id: world.workspace_id,
      acs_user_id: user.acs_user_id,
      acs_system_id: user.acs_system_id,
      connected_account_id: world.system(user.acs_system_id)?.connected_account_id,
    } as Parameters<SandboxWorld['db']['addEvent']>[0])
  }

  function authorised(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    return world.db.api_keys.some((k) => k.token === token && k.workspace_id === world.workspace_id)
  }

  /** A request to the fake, on its socket; the page's Origin is not passed on. */
  function toFake(req: IncomingMessage, body: Buffer, onAnswer: (answer: IncomingMessage) => void) {
    const { origin: _origin, ...headers } = req.headers
    return httpRequest(
      {
        socketPath: fakeSocket,
        path: req.url ?? '/',
        method: req.method,
        headers: { ...headers, host: 'localhost', 'content-length': body.length },
      },
      onAnswer,
    )
  }

  function forward(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const out = toFake(req, body, (answer) => {
      res.writeHead(answer.statusCode ?? 502, withoutCors(answer.headers))
      answer.pipe(res)
    })
    out.on('error', () => req.socket.destroy())
    out.end(body)
  }

  function forwardBuffered(req: IncomingMessage, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const out = toFake(req, body, (answer) => {
        void readBody(answer).then(
          (data) =>
            resolve({
              status: answer.statusCode ?? 502,
              headers: withoutCors(answer.headers),
              body: data.toString('utf8'),
            }),
          reject,
        )
      })
      out.on('error', reject)
      out.end(body)
    })
  }

  return {
    url: baseUrl,
    get connected() {
      return connected
    },
    setConnected(value: boolean) {
      connected = value
      if (!value) for (const socket of sockets) socket.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

interface Answer {
  status: number
  headers: IncomingMessage['headers']
  body: string
}

/** The fake answers every Origin with CORS headers; the sandbox is no web service. */
function withoutCors(headers: IncomingMessage['headers']): IncomingMessage['headers'] {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !name.startsWith('access-control-')),
  )
}

function send(res: ServerResponse, answer: Answer): void {
  const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = answer.headers
  res.writeHead(answer.status, headers).end(answer.body)
}

/** Answers smaller than this go as they are: gzip would save little and cost a round of CPU. */
const COMPRESS_FROM_BYTES = 1024

/**
 * JSON as Seam's servers send it: gzip-compressed when the client accepts it (the SDK's axios
 * always does) and it is worth it, which makes a page of 1,000 people about a tenth the bytes.
 */
function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const json = JSON.stringify(value)
  const accepts = /\bgzip\b/.test(String(res.req?.headers['accept-encoding'] ?? ''))
  const compress = accepts && json.length >= COMPRESS_FROM_BYTES
  // Level 4: nearly the size of the default level at about half its CPU.
  const body = compress
    ? gzipSync(json, { level: 4, strategy: zlibConstants.Z_DEFAULT_STRATEGY })
    : Buffer.from(json)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    vary: 'accept-encoding',
    ...(compress && { 'content-encoding': 'gzip' }),
  })
  res.end(body)
}

/** Query-string and JSON-body parameters together, as the real API accepts either. */
function readParams(url: URL, body: Buffer): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key).filter((v) => v !== '')
    params[key] = ARRAY_PARAMS.has(key) ? values : values[0]
  }
  if (body.length > 0) {
    try {
      const json: unknown = JSON.parse(body.toString('utf8'))
      if (json && typeof json === 'object') Object.assign(params, json)
    } catch {
      // Not JSON: the route's own validation reports the missing parameters.
    }
  }
  return params
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) stream.destroy(new Error('body too large'))
      else chunks.push(chunk)
    })
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}
