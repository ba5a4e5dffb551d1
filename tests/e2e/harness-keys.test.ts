/**
 * The harness never takes an API key on its command line (every user of the computer can read
 * a process's arguments): the old flag is refused with the way to do it, and a key on standard
 * input works.
 */
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { harnessEntry } from './support'

const root = resolve(import.meta.dirname, '../..')
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ users: 3 })
})
afterAll(() => sandbox?.stop())

/** Runs the harness until it prints its URL (then stops it) or exits. */
function run(args: string[], stdin?: string) {
  const { KEYHOLDER_API_KEY: _none, ...env } = process.env
  const child = spawn(process.execPath, [harnessEntry, '--port', '0', ...args], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  if (stdin !== undefined) child.stdin.end(stdin)
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (/Keyholder harness: /.test(stdout)) child.kill('SIGTERM')
    })
    child.once('exit', (code) => done({ code, stdout, stderr }))
  })
}

test('--api-key is refused, and says how to give the key instead', async () => {
  const { code, stdout, stderr } = await run([
    '--seam-endpoint',
    sandbox.endpoint,
    '--api-key',
    sandbox.apiKey,
  ])
  expect(code).not.toBe(0)
  expect(stdout).not.toContain('Keyholder harness:')
  expect(stderr).toContain('KEYHOLDER_API_KEY')
  expect(stderr).toContain('--api-key-stdin')
})

test('a key on standard input opens the workspace', async () => {
  const { stdout, stderr } = await run(
    ['--seam-endpoint', sandbox.endpoint, '--api-key-stdin'],
    `${sandbox.apiKey}\n`,
  )
  expect(stdout, stderr).toMatch(/Keyholder harness: http:\/\/127\.0\.0\.1:\d+\//)
  expect(stdout + stderr).not.toContain(sandbox.apiKey)
})

test('an endpoint that is not https (nor loopback) is refused', async () => {
  const { code, stderr } = await run(
    ['--seam-endpoint', 'http://seam.example.test', '--api-key-stdin'],
    'seam_x\n',
  )
  expect(code).not.toBe(0)
  expect(stderr).toMatch(/https/)
})
