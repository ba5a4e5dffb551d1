import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

const root = resolve(import.meta.dirname, '../..')
export const artifactsDir = resolve(root, 'test-results')

export interface Harness {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Starts the built harness (`out/main/harness.js`) and waits for the URL it prints. */
export function startHarness(args: string[] = []): Promise<Harness> {
  const child = spawn(process.execPath, ['out/main/harness.js', '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`harness did not start: ${stderr}`)), 60_000)
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /Keyholder harness: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(chunk.toString())
      if (!match?.[1]) return
      clearTimeout(timer)
      resolvePromise({
        url: match[1],
        process: child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.once('exit', () => done())
            child.kill('SIGTERM')
          }),
      })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`harness exited with ${code}: ${stderr}`))
    })
  })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
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
