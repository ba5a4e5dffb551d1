/**
 * Help → Export diagnostics… through the real services (the harness's save: a file), with a
 * key planted everywhere a key could travel: the workspace, the log, the page's lines.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test } from 'vitest'
import { consoleLogger } from './log'
import { startSandbox, type Sandbox } from './sandbox'
import { createServices, type Services } from './services'
import { createVault } from './vault'
import { memoryCipher, MemoryStore } from './vault/memory'

const KEY = 'seam_live_diag_0123456789abcdef'
let dir: string
let services: Services
let sandbox: Sandbox

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyholder-diag-'))
  sandbox = await startSandbox({ users: 3, apiKey: KEY })
  const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
  const log = consoleLogger(() => undefined)
  services = createServices({
    vault,
    runtime: 'harness',
    version: '9.9.9',
    startSandbox: () => startSandbox({ users: 1 }),
    platform: {
      log,
      saveDiagnostics: async (name, content) => {
        const { writeFile } = await import('node:fs/promises')
        await writeFile(join(dir, name), content)
        return join(dir, name)
      },
    },
  })
  const added = await vault.add({
    name: 'Front desk — Ana Souza',
    endpoint: sandbox.endpoint,
    api_key: KEY,
  })
  await services.dispatch('workspaces.activate', { workspace_id: added.workspace_id })
  log.error('Seam call failed:', new Error(`refused Bearer ${KEY} for ana.souza@example.com`))
  await services.dispatch('app.log', {
    level: 'error',
    message: `page: request with authorization: Bearer ${KEY} failed for +44 20 7946 0456`,
  })
})
afterEach(async () => {
  await services.dispose()
  await sandbox.stop()
  await rm(dir, { recursive: true, force: true })
})

async function exportDiagnostics(include_personal: boolean) {
  const answer = await services.dispatch('diagnostics.export', {
    outbox: { queued: 2, sending: 0, failed: 1, conflict: 1 },
    error_kinds: ['invalid_input', 'unreachable', 'unreachable'],
    include_personal,
    personal: [`Ana Souza: Seam said the key ${KEY} was refused`],
  })
  expect(answer).toMatchObject({ ok: true, value: { saved: true } })
  const { path } = (answer as { value: { path: string } }).value
  return readFile(path, 'utf8')
}

test('one file: versions, system, settings, outbox counts, error kinds, recent log; no key', async () => {
  const text = await exportDiagnostics(false)
  expect(text).toContain('"version": "9.9.9"')
  expect(text).toContain('"platform"')
  expect(text).toMatch(/"failed": 1/)
  expect(text).toMatch(/"unreachable": 2/)
  expect(text).toContain('Seam call failed')
  expect(text).toContain('--- recent log ---')
  expect(text).not.toContain(KEY)
  expect(text).not.toContain('0123456789abcdef')
})

test('nothing personal unless the box is ticked', async () => {
  const without = await exportDiagnostics(false)
  for (const personal of ['Ana Souza', 'ana.souza@example.com', '7946 0456']) {
    expect(without).not.toContain(personal)
  }
  const withPersonal = await exportDiagnostics(true)
  expect(withPersonal).toContain('Ana Souza')
  expect(withPersonal).not.toContain(KEY)
})
