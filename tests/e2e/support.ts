import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { chromiumArgs, chromiumPath } from '../../scripts/chromium.mjs'
import { chromium, type Browser, type Page } from 'playwright-core'

const root = resolve(import.meta.dirname, '../..')
export const artifactsDir = resolve(root, 'test-results')

export interface Harness {
  url: string
  process: ChildProcess
  /** The harness's own sandbox, when started with `--print-sandbox-credentials`. */
  sandbox?: { endpoint: string; apiKey: string }
  stop(): Promise<void>
}

/**
 * Starts the built harness (`out/main/harness.js`) and waits for the URL it prints. With
 * `--print-sandbox-credentials` it also reads the sandbox's endpoint and key, which the harness
 * prints before the URL line, so a test can judge the server with the official SDK.
 */
export async function startHarness(args: string[] = []): Promise<Harness> {
  const { child, stdout, stop } = await spawnUntil(
    args,
    /Keyholder harness: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m,
  )
  const url = /Keyholder harness: (\S+)$/m.exec(stdout)![1]!
  const sandbox = /Keyholder sandbox: (http:\/\/127\.0\.0\.1:\d+)\S* (\S+)/.exec(stdout)
  return {
    url,
    process: child,
    ...(sandbox?.[1] && sandbox[2] && { sandbox: { endpoint: sandbox[1], apiKey: sandbox[2] } }),
    stop,
  }
}

/** A sandbox server on its own (`--sandbox-only`), as Seam's servers are to the app. */
export async function startSandboxServer(
  args: string[] = [],
): Promise<{ endpoint: string; apiKey: string; stop: () => Promise<void> }> {
  const { stdout, stop } = await spawnUntil(
    ['--sandbox-only', ...args],
    /Keyholder sandbox: (http:\/\/127\.0\.0\.1:\d+) (\S+)$/m,
  )
  const [, endpoint, apiKey] = /Keyholder sandbox: (\S+) (\S+)$/m.exec(stdout)!
  return { endpoint: endpoint!, apiKey: apiKey!, stop }
}

/** Runs the built harness with `args` until `pattern` appears on its standard output. */
function spawnUntil(
  args: string[],
  pattern: RegExp,
): Promise<{ child: ChildProcess; stdout: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['out/main/harness.js', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done()
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start: ${stderr}`)), 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      // Lines may arrive split across chunks, or two in one.
      stdout += chunk.toString()
      if (!pattern.test(stdout)) return
      child.stdout.removeAllListeners('data')
      child.stdout.resume()
      clearTimeout(timer)
      resolvePromise({ child, stdout, stop })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`harness exited with ${code}: ${stderr}`))
    })
  })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const path = resolve(artifactsDir, `${name}.png`)
  await page.screenshot({ path, fullPage: false })
  return path
}

/** A loopback port that nothing listens on (opened, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise<void>((done) => server.close(() => done()))
  return port
}
