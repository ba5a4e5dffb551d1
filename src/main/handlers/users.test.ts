/**
 * Every write channel, through the real dispatcher, session and SDK, against a loopback server
 * that counts what reaches it and answers when the test says: a write asked for again with the
 * same outbox key and details joins the one on its way, a success is answered from memory,
 * an answer that may not have reached Seam is never remembered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { InvokeChannel } from '../../shared/contract'
import { createServices, type Services } from '../services'
import { createVault } from '../vault'
import { memoryCipher, MemoryStore } from '../vault/memory'

type Answer = 'ok' | 'reset' | 'invalid' | 'unavailable'

let server: Server
let endpoint: string
const sockets = new Set<Socket>()
/** Requests that reached the server, by path. */
const arrived = new Map<string, number>()
/** Requests held until the test releases them. */
let held: { path: string; release: (answer: Answer) => void }[] = []
let hold = false
let answer: Answer = 'ok'

const fakeUser = {
  acs_user_id: 'acs_user_new',
  acs_system_id: 'sys_1',
  workspace_id: 'ws_1',
  created_at: '2026-01-01T00:00:00.000Z',
  display_name: 'Jane Doe',
  full_name: 'Jane Doe',
  is_suspended: false,
  errors: [],
  warnings: [],
  connected_account_id: 'ca_1',
  external_type: 'salto_site_user',
  external_type_display_name: 'Salto site user',
  is_managed: true,
}

function respond(path: string, res: ServerResponse, how: Answer): void {
  if (how === 'reset') return void res.socket?.destroy()
  if (how === 'invalid') {
    res.writeHead(400, { 'content-type': 'application/json' })
    return void res.end(JSON.stringify({ error: { type: 'invalid_input', message: 'No.' } }))
  }
  if (how === 'unavailable') {
    res.writeHead(503, { 'content-type': 'application/json' })
    return void res.end(JSON.stringify({ error: { type: 'unavailable', message: 'Later.' } }))
  }
  res.writeHead(200, { 'content-type': 'application/json' })
  if (path === '/acs/systems/list') return void res.end(JSON.stringify({ acs_systems: [] }))
  if (path === '/acs/users/create') return void res.end(JSON.stringify({ acs_user: fakeUser }))
  res.end(JSON.stringify({ ok: true }))
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!
    req.resume()
    req.on('end', () => {
      if (path === '/acs/systems/list') return respond(path, res, 'ok')
      arrived.set(path, (arrived.get(path) ?? 0) + 1)
      let answered = false
      const release = (how: Answer) => {
        if (!answered) respond(path, res, how)
        answered = true
      }
      if (hold) held.push({ path, release })
      else respond(path, res, answer)
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

let services: Services | undefined
async function start(): Promise<Services> {
  const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
  const workspace = await vault.add({
    name: 'Loopback',
    endpoint,
    api_key: 'seam_test_key',
    allow_unprotected_storage: true,
  })
  vault.setActive(workspace.workspace_id)
  services = createServices({
    vault,
    runtime: 'harness',
    version: 'test',
    startSandbox: () => Promise.reject(new Error('no sandbox here')),
  })
  arrived.clear()
  held = []
  hold = false
  answer = 'ok'
  return services
}
afterEach(async () => {
  for (const { release } of held) release('ok')
  await services?.dispose()
  services = undefined
})

const writes: [InvokeChannel, string, Record<string, unknown>][] = [
  ['users.create', '/acs/users/create', { acs_system_id: 'sys_1', full_name: 'Jane Doe' }],
  ['users.update', '/acs/users/update', { acs_user_id: 'u1', changes: { full_name: 'Jan' } }],
  ['users.suspend', '/acs/users/suspend', { acs_user_id: 'u1' }],
  ['users.unsuspend', '/acs/users/unsuspend', { acs_user_id: 'u1' }],
  ['users.delete', '/acs/users/delete', { acs_user_id: 'u1' }],
  [
    'users.add_to_access_group',
    '/acs/users/add_to_access_group',
    { acs_user_id: 'u1', acs_access_group_id: 'g1' },
  ],
  [
    'users.remove_from_access_group',
    '/acs/users/remove_from_access_group',
    { acs_user_id: 'u1', acs_access_group_id: 'g1' },
  ],
  [
    'users.revoke_access_to_all_entrances',
    '/acs/users/revoke_access_to_all_entrances',
    { acs_user_id: 'u1' },
  ],
]

/** Waits until `n` requests are held at the server (they travel over real sockets). */
async function heldCount(n: number): Promise<void> {
  while (held.length < n) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe.each(writes)('%s', (channel, path, request) => {
  test('the same key and details while on its way join it; once done, a repeat is answered from memory', async () => {
    const { dispatch } = await start()
    hold = true
    const first = dispatch(channel, { ...request, idempotency_key: 'entry-1' })
    await heldCount(1)
    const second = dispatch(channel, { ...request, idempotency_key: 'entry-1' })
    held[0]!.release('ok')
    const [a, b] = await Promise.all([first, second])
    expect(a.ok).toBe(true)
    expect(b).toEqual(a)
    hold = false
    expect(await dispatch(channel, { ...request, idempotency_key: 'entry-1' })).toEqual(a)
    expect(arrived.get(path)).toBe(1)
    // Another entry is another write; so is a write without a key.
    expect((await dispatch(channel, { ...request, idempotency_key: 'entry-2' })).ok).toBe(true)
    expect((await dispatch(channel, request)).ok).toBe(true)
    expect(arrived.get(path)).toBe(3)
  })

  test('a write that may not have arrived (connection cut) is not remembered: asking again sends it', async () => {
    const { dispatch } = await start()
    answer = 'reset'
    const lost = await dispatch(channel, { ...request, idempotency_key: 'entry-1' })
    expect(lost).toMatchObject({ ok: false, error: { kind: 'unreachable', uncertain: true } })
    answer = 'ok'
    expect((await dispatch(channel, { ...request, idempotency_key: 'entry-1' })).ok).toBe(true)
    expect(arrived.get(path)).toBe(2)
  })
})

test('a 5xx is not remembered; a refusal of the input is, briefly, for a duplicate', async () => {
  const { dispatch } = await start()
  const suspend = { acs_user_id: 'u1', idempotency_key: 'entry-1' }
  answer = 'unavailable'
  expect(await dispatch('users.suspend', suspend)).toMatchObject({ error: { kind: 'server' } })
  answer = 'invalid'
  expect(await dispatch('users.suspend', suspend)).toMatchObject({
    error: { kind: 'invalid_input' },
  })
  answer = 'ok'
  expect(await dispatch('users.suspend', suspend)).toMatchObject({
    error: { kind: 'invalid_input' },
  })
  expect(arrived.get('/acs/users/suspend')).toBe(2)
})

test('a changed entry (same key, other details) is sent, after the earlier form', async () => {
  const { dispatch } = await start()
  hold = true
  const first = dispatch('users.update', {
    acs_user_id: 'u1',
    changes: { full_name: 'Jan' },
    idempotency_key: 'entry-1',
  })
  await heldCount(1)
  const second = dispatch('users.update', {
    acs_user_id: 'u1',
    changes: { full_name: 'Janet' },
    idempotency_key: 'entry-1',
  })
  // The second waits for the first rather than racing it to Seam.
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(held).toHaveLength(1)
  held[0]!.release('ok')
  await heldCount(2)
  held[1]!.release('ok')
  expect((await first).ok && (await second).ok).toBe(true)
  expect(arrived.get('/acs/users/update')).toBe(2)
})

describe('temporary ids never leave the app', () => {
  test.each([
    ['users.get', { acs_user_id: 'tmp_123' }],
    ['users.suspend', { acs_user_id: 'tmp_123', idempotency_key: 'e' }],
    ['users.update', { acs_user_id: 'tmp_123', changes: { full_name: 'X' } }],
    ['users.add_to_access_group', { acs_user_id: 'tmp_1', acs_access_group_id: 'g1' }],
    ['users.list_accessible_entrances', { acs_user_id: 'tmp_1' }],
    ['users.list_access_groups', { acs_user_id: 'tmp_1' }],
    ['events.list', { acs_user_id: 'tmp_1', since: '2026-01-01T00:00:00Z' }],
  ] as const)('%s', async (channel, request) => {
    const { dispatch } = await start()
    const result = await dispatch(channel, request)
    expect(result).toMatchObject({ ok: false, error: { kind: 'local' } })
    expect(!result.ok && result.error.message).toMatch(/temporary id/)
    expect([...arrived.values()].reduce((a, b) => a + b, 0)).toBe(0)
  })
})
