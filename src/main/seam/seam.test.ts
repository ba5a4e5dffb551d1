/**
 * The Seam client against Seam's own fake, *unmodified* (no sandbox layer), so the app never
 * depends on our layer's behaviour; and against the sandbox, for pagination. Errors are
 * produced by real servers on loopback, not by a mocked SDK.
 */
import { createFake, type Fake } from '@seamapi/fake-seam-connect'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { KeyholderFailure } from '../../shared/errors'
import { startSandbox } from '../sandbox'
import { createSeamClient, toKeyholderError } from './index'

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise
  } catch (cause) {
    return toKeyholderError(cause)
  }
  throw new Error('expected the call to fail')
}

describe('against the unmodified fake-seam-connect', () => {
  let fake: Fake
  let endpoint: string
  let apiKey: string
  let systemId: string

  beforeAll(async () => {
    fake = await createFake()
    const seed = await fake.seed()
    apiKey = seed.seam_apikey1_token
    const system = fake.database.addAcsSystem({
      external_type: 'salto_site',
      name: 'Plain fake site',
      workspace_id: seed.seed_workspace_1,
      connected_account_id: seed.john_connected_account_id,
    })
    systemId = system.acs_system_id
    for (const full_name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing']) {
      fake.database.addAcsUser({
        external_type: 'salto_site_user',
        acs_system_id: systemId,
        workspace_id: seed.seed_workspace_1,
        full_name,
      })
    }
    const server = await fake.startServer({ port: 0 })
    // startServer({ port: 0 }) reports port 0; the socket knows the real one.
    endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  })
  afterAll(() => fake?.stopServer())

  test('lists systems and all users of a system, even without pagination', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    const systems = await client.listSystems()
    expect(systems.map((s) => s.name)).toContain('Plain fake site')
    const page = await client.listUsersPage({ acs_system_id: systemId, limit: 2 })
    // The fake ignores `limit` and sends no pagination: one page holds everyone.
    expect(page.acs_users.map((u) => u.full_name).sort()).toEqual([
      'Ada Lovelace',
      'Alan Turing',
      'Grace Hopper',
    ])
    expect(page.next_page_cursor).toBeNull()
  })

  test('gets one user', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    const { acs_users } = await client.listUsersPage({ acs_system_id: systemId })
    const user = await client.getUser(acs_users[0]!.acs_user_id)
    expect(user.full_name).toBe(acs_users[0]!.full_name)
  })

  test('401: a refused key is "unauthorized"', async () => {
    const client = createSeamClient({ endpoint, apiKey: 'seam_wrong_key' })
    expect(await failure(client.listSystems())).toMatchObject({ kind: 'unauthorized', status: 401 })
    expect(await client.probe()).toBe('unauthorized')
  })

  test('404: a missing user is "not_found"', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    expect(await failure(client.getUser('no-such-user'))).toMatchObject({ kind: 'not_found' })
  })

  test('400: invalid input carries the server message per field', async () => {
    const client = createSeamClient({ endpoint, apiKey })
    const error = await failure(
      client.createUser({ acs_system_id: systemId, full_name: 'X', email_address: 'not-an-email' }),
    )
    expect(error.kind).toBe('invalid_input')
    if (error.kind !== 'invalid_input') return
    expect(error.fields.email_address?.join(' ')).toMatch(/email/i)
  })

  test('a key of the wrong form never leaves the app', async () => {
    const error = await failure(
      Promise.resolve().then(() => createSeamClient({ endpoint, apiKey: 'hello' }).listSystems()),
    )
    expect(error).toMatchObject({
      kind: 'invalid_input',
      fields: { api_key: [expect.any(String)] },
    })
  })
})

describe('network failures', () => {
  let server: Server
  let port: number
  const asked: string[] = []
  beforeAll(async () => {
    // A real loopback server that answers what we tell it to.
    server = createServer((req, res) => {
      asked.push(req.url ?? '')
      if (req.url?.startsWith('/busy')) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
        return void res.end(
          JSON.stringify({ error: { type: 'rate_limited', message: 'Slow down' } }),
        )
      }
      res.writeHead(503, { 'content-type': 'text/plain' }).end('maintenance')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('connection refused is "unreachable", and the probe says offline', async () => {
    // Port 1023: privileged, below the ephemeral range, so no outgoing connection can take it, and
    // nothing here listens on it. (A port closed after use could be taken by then.)
    const closedPort = 1023
    const client = createSeamClient({
      endpoint: `http://127.0.0.1:${closedPort}`,
      apiKey: 'seam_test_key',
    })
    const error = await failure(client.listSystems())
    expect(error.kind).toBe('unreachable')
    expect(error.message).toContain(`127.0.0.1:${closedPort}`)
    expect(error.message).not.toContain('seam_test_key')
    expect(await client.probe()).toBe('offline')
  })

  test('5xx is "server"', async () => {
    const client = createSeamClient({
      endpoint: `http://127.0.0.1:${port}`,
      apiKey: 'seam_test_key',
    })
    expect(await failure(client.suspendUser('u1'))).toMatchObject({ kind: 'server', status: 503 })
  })

  test('a failed read is asked once: when to try again is for the outbox and the sync to say', async () => {
    const client = createSeamClient({
      endpoint: `http://127.0.0.1:${port}`,
      apiKey: 'seam_test_key',
    })
    asked.length = 0
    expect(await failure(client.getUser('u1'))).toMatchObject({ kind: 'server', status: 503 })
    expect(asked.filter((url) => url.startsWith('/acs/users/get'))).toHaveLength(1)
  })

  test('429 is "rate_limited" with Retry-After', async () => {
    const client = createSeamClient({
      endpoint: `http://127.0.0.1:${port}/busy`,
      apiKey: 'seam_test_key',
    })
    expect(await failure(client.suspendUser('u1'))).toMatchObject({
      kind: 'rate_limited',
      retry_after_ms: 7000,
    })
  })

  test('a KeyholderFailure passes through unchanged', () => {
    const error = { kind: 'local', message: 'x' } as const
    expect(toKeyholderError(new KeyholderFailure(error))).toBe(error)
  })
})

test('against the sandbox: pages follow the cursor to the end', async () => {
  const sandbox = await startSandbox({ users: 120, seed: 9 })
  try {
    const client = createSeamClient({ endpoint: sandbox.endpoint, apiKey: sandbox.apiKey })
    const [system] = await client.listSystems()
    const ids: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await client.listUsersPage({
        acs_system_id: system!.acs_system_id,
        limit: 10,
        page_cursor: cursor,
      })
      ids.push(...page.acs_users.map((u) => u.acs_user_id))
      cursor = page.next_page_cursor
      pages += 1
    } while (cursor)
    expect(pages).toBeGreaterThan(3)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBe(system!.acs_user_count)
  } finally {
    await sandbox.stop()
  }
})
