/**
 * Error → kind, for every status that matters and each way a connection can fail. The answers
 * come from a real server on loopback through the real SDK; only a failed DNS lookup and
 * Node's ETIMEDOUT (which the SDK's Axios setup never produces itself) are built by hand, as
 * Axios shapes them, because they cannot be caused here without the internet.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createSeamClient } from './index'
import { toKeyholderError } from './errors'

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (cause) {
    return toKeyholderError(cause)
  }
  throw new Error('expected the call to fail')
}

let server: Server
let base: string
const sockets = new Set<Socket>()

beforeAll(async () => {
  // /json/NNN/TYPE answers NNN with Seam's error body; /plain/NNN with text; /reset reads the
  // request, then cuts the connection; /silent never answers.
  server = createServer((req, res) => {
    const [, style, status, type] = (req.url ?? '').split('/')
    req.resume()
    req.on('end', () => {
      if (style === 'reset') return void req.socket.destroy()
      if (style === 'silent') return
      const code = Number(status)
      const headers: Record<string, string> = {}
      if (code === 429) headers['retry-after'] = '3'
      if (style === 'json') {
        res.writeHead(code, { ...headers, 'content-type': 'application/json' })
        res.end(
          JSON.stringify({ error: { type: type ?? 'some_error', message: `Seam says ${code}` } }),
        )
      } else {
        res.writeHead(code, { ...headers, 'content-type': 'text/plain' }).end('no')
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const client = (path: string, timeoutMs?: number) =>
  createSeamClient({
    endpoint: `${base}${path}`,
    apiKey: 'seam_test_key',
    ...(timeoutMs !== undefined && { timeoutMs, probeTimeoutMs: timeoutMs }),
  })

const statusTable = [
  [400, { kind: 'invalid_input' }],
  [401, { kind: 'unauthorized', status: 401 }],
  [403, { kind: 'forbidden', status: 403 }],
  [404, { kind: 'not_found' }],
  [408, { kind: 'server', status: 408 }],
  [409, { kind: 'server', status: 409 }],
  [422, { kind: 'invalid_input' }],
  [425, { kind: 'server', status: 425 }],
  [429, { kind: 'rate_limited', retry_after_ms: 3000 }],
  [500, { kind: 'server', status: 500 }],
  [502, { kind: 'server', status: 502 }],
  [503, { kind: 'server', status: 503 }],
  [504, { kind: 'server', status: 504 }],
] as const

describe.each(['json', 'plain'])('status → kind, %s body', (style) => {
  test.each(statusTable)('%i', async (status, expected) => {
    const error = await failure(client(`/${style}/${status}`).suspendUser('u1'))
    expect(error).toMatchObject(expected)
    expect(error.message).not.toContain('seam_test_key')
  })
})

test('a 409 or 425 that Seam labels "invalid_input" is still "not now", not invalid input', async () => {
  for (const status of [408, 409, 425]) {
    const error = await failure(client(`/json/${status}/invalid_input`).suspendUser('u1'))
    expect(error).toMatchObject({ kind: 'server', status })
  }
})

describe('network failures', () => {
  test('ECONNREFUSED: certainly never sent', async () => {
    // Port 1023: privileged, below the ephemeral range and never listened on here, so it is refused for
    // certain (a port closed after use could be taken by someone else by then).
    const port = 1023
    const error = await failure(
      createSeamClient({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'seam_k' }).suspendUser('u'),
    )
    expect(error.kind).toBe('unreachable')
    expect(error).not.toHaveProperty('uncertain')
    expect(error.message).toContain(`${port}`)
  })

  test('connection reset after the request was sent (socket hang up): uncertain', async () => {
    const error = await failure(client('/reset').suspendUser('u1'))
    expect(error).toMatchObject({ kind: 'unreachable', uncertain: true })
    expect(error.message).toMatch(/cut off/)
  })

  test('timed out after sending (ECONNABORTED): uncertain', async () => {
    const error = await failure(client('/silent', 150).suspendUser('u1'))
    expect(error).toMatchObject({ kind: 'unreachable', uncertain: true })
    expect(error.message).toMatch(/did not answer in time/)
  })

  test.each([
    ['ENOTFOUND', undefined],
    ['EAI_AGAIN', undefined],
    ['ETIMEDOUT', true],
    ['ECONNRESET', true],
    ['EPIPE', true],
    [undefined, true],
  ])('Axios error %s → unreachable, uncertain: %s', (code, uncertain) => {
    const error = toKeyholderError({
      isAxiosError: true,
      code,
      message: 'x',
      config: { baseURL: 'https://connect.getseam.com' },
    })
    expect(error.kind).toBe('unreachable')
    expect((error as { uncertain?: boolean }).uncertain).toBe(uncertain)
    expect(error.message).toContain('connect.getseam.com')
  })
})

describe('the probe', () => {
  test.each([
    ['/json/401', 'unauthorized'],
    ['/json/403', 'unauthorized'],
    ['/json/429', { busy_ms: 3000 }],
    ['/plain/503', 'offline'],
    ['/json/500', 'offline'],
    ['/reset', 'offline'],
    ['/json/404', 'online'],
  ])('%s → %j', async (path, expected) => {
    expect(await client(path).probe()).toEqual(expected)
  })
})
