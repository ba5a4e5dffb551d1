/**
 * The sandbox is sealed: nothing on this computer (a web page scanning local ports, another
 * program, a LAN host) reaches the practice data without the sandbox key, and nothing listens
 * once the person has left the sandbox. Real sockets on loopback, the real fake behind them.
 */
import { request } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SANDBOX_WORKSPACE_ID } from '../../shared/domain'
import { createServices } from '../services'
import { createVault } from '../vault'
import { memoryCipher, MemoryStore } from '../vault/memory'
import { startSandbox, type Sandbox } from './index'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Whether anything accepts a TCP connection at `endpoint`. */
function accepts(endpoint: string): Promise<boolean> {
  const { hostname, port } = new URL(endpoint)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const corsHeaders = (answer: Answer) =>
  Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))

describe('a running sandbox', () => {
  let sandbox: Sandbox
  beforeAll(async () => {
    sandbox = await startSandbox({ users: 5 })
  })
  afterAll(() => sandbox?.stop())

  test('the fake database is refused without the key, with and without a foreign Origin', async () => {
    const origins: Record<string, string>[] = [{}, { origin: 'https://evil.example' }]
    for (const headers of origins) {
      for (const method of ['GET', 'PUT', 'POST', 'OPTIONS']) {
        const answer = await get(`${sandbox.endpoint}/_fake/database`, headers, method)
        expect(answer.status).toBe(401)
        expect(answer.body).not.toContain(sandbox.apiKey)
        expect(answer.body).not.toContain('acs_users')
        expect(corsHeaders(answer)).toEqual([])
      }
    }
    const wrongKey = await get(`${sandbox.endpoint}/_fake/database`, {
      authorization: 'Bearer seam_sandbox_guess',
    })
    expect(wrongKey.status).toBe(401)
  })

  test('with the key, the fake still answers, and never with CORS headers', async () => {
    const answer = await get(`${sandbox.endpoint}/acs/systems/list`, {
      authorization: `Bearer ${sandbox.apiKey}`,
      origin: 'https://evil.example',
    })
    expect(answer.status).toBe(200)
    expect(corsHeaders(answer)).toEqual([])
    const forwarded = await get(`${sandbox.endpoint}/workspaces/get`, {
      authorization: `Bearer ${sandbox.apiKey}`,
      origin: 'https://evil.example',
    })
    expect(forwarded.status).toBe(200)
    expect(corsHeaders(forwarded)).toEqual([])
  })

  test('it listens on loopback only; the fake behind it has no TCP port at all', () => {
    expect(new URL(sandbox.endpoint).hostname).toBe('127.0.0.1')
    const fake = sandbox.fakeAddress()
    expect(typeof fake).toBe('string')
  })
})

describe('the sandbox in the app', () => {
  function servicesWith(
    started: Sandbox[],
    vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() }),
  ) {
    const services = createServices({
      vault,
      runtime: 'harness',
      version: 'test',
      sandboxLifetime: 'while-chosen',
      startSandbox: async () => {
        const sandbox = await startSandbox({ users: 5 })
        started.push(sandbox)
        return sandbox
      },
    })
    return { vault, services }
  }

  test('nothing listens once a real workspace is active', async () => {
    const started: Sandbox[] = []
    const { vault, services } = servicesWith(started)
    // A second sandbox stands in for a real Seam workspace on loopback.
    const remote = await startSandbox({ users: 1 })
    try {
      await services.session.sandbox()
      expect(started).toHaveLength(1)
      const endpoint = started[0]!.endpoint
      expect(await accepts(endpoint)).toBe(true)

      const real = await vault.add({
        name: 'Head office',
        endpoint: remote.endpoint,
        api_key: remote.apiKey,
      })
      await services.dispatch('workspaces.activate', { workspace_id: real.workspace_id })
      expect(await accepts(endpoint)).toBe(false)
      expect(await services.session.sandbox()).toBeUndefined()

      // Chosen again: a fresh one starts.
      await services.dispatch('workspaces.activate', { workspace_id: SANDBOX_WORKSPACE_ID })
      await services.session.sandbox()
      expect(started).toHaveLength(2)
    } finally {
      await services.dispose()
      await remote.stop()
    }
  })

  test('it starts only when chosen', async () => {
    const started: Sandbox[] = []
    const remote = await startSandbox({ users: 1 })
    const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
    const real = await vault.add({
      name: 'Head office',
      endpoint: remote.endpoint,
      api_key: remote.apiKey,
    })
    vault.setActive(real.workspace_id)
    const { services } = servicesWith(started, vault)
    try {
      await services.dispatch('app.info', {})
      await services.dispatch('connectivity.check', {})
      await services.dispatch('systems.list', {})
      expect(started).toHaveLength(0)
    } finally {
      await services.dispose()
      await remote.stop()
    }
  })
})
