import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
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

/** The built harness, in its own output folder (never in the app's `out/`). */
export const harnessEntry = 'out-harness/main/harness.js'

/**
 * Starts the built harness and waits for the URL it prints. With
 * `--print-sandbox-credentials` it also reads the sandbox's endpoint and key, which the harness
 * prints before the URL line, so a test can judge the server with the official SDK. A Seam
 * key (`apiKey`, with `--seam-endpoint`) is handed over in the environment, never in argv.
 */
export async function startHarness(
  args: string[] = [],
  options: { apiKey?: string } = {},
): Promise<Harness> {
  const { child, stdout, stop } = await spawnUntil(
    args,
    /Keyholder harness: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m,
    options.apiKey,
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

/** The port in a harness or sandbox URL: to start it again at the same address. */
export function portOf(url: string): string {
  return new URL(url).port
}

/**
 * Runs the built harness with `args` until `pattern` appears on its standard output. Started
 * again on a port it had before (`--port N`), that port may briefly belong to someone else's
 * connection: it tries again rather than depend on luck.
 */
async function spawnUntil(
  args: string[],
  pattern: RegExp,
  apiKey?: string,
): Promise<{ child: ChildProcess; stdout: string; stop: () => Promise<void> }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await spawnOnce(args, pattern, apiKey)
    } catch (cause) {
      const busy = cause instanceof Error && cause.message.includes('EADDRINUSE')
      if (!busy || attempt >= 100) throw cause
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
}

function spawnOnce(
  args: string[],
  pattern: RegExp,
  apiKey: string | undefined,
): Promise<{ child: ChildProcess; stdout: string; stop: () => Promise<void> }> {
  const { KEYHOLDER_API_KEY: _inherited, ...env } = process.env
  const child = spawn(process.execPath, [harnessEntry, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, ...(apiKey && { KEYHOLDER_API_KEY: apiKey }) },
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

/**
 * A loopback address where no server answers: every connection is cut at once, as to a server
 * that is down. Held (not opened and closed) so nobody else can take the port meanwhile.
 */
export async function deadEndpoint(): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const server: Server = createServer((socket) => socket.destroy())
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  }
}
