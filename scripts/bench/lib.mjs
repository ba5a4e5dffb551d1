// Shared parts of the benchmark sections: the harness, the browser profile, the bench page,
// and how a result is judged and printed. Everything runs on 127.0.0.1.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { readdir, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { chromiumArgs, chromiumPath } from '../chromium.mjs'
import { HARNESS_ENTRY, root } from '../lib.mjs'

/** The sandbox's demo people (three systems), whom the replay section edits. */
export const DEMO_USERS = 200

/** Runs the built harness with `args` until `pattern` appears on its stdout. */
function spawnHarness(args, pattern, apiKey) {
  const child = spawn(process.execPath, [HARNESS_ENTRY, '--port', '0', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A key travels in the environment, never in argv (where ps shows it to everyone).
    env: { ...process.env, ...(apiKey && { KEYHOLDER_API_KEY: apiKey }) },
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk.toString()))
  const stop = () =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done()
      child.once('exit', () => done())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop()
      reject(new Error(`harness did not start: ${stderr}`))
    }, 120_000)
    child.stdout.on('data', (chunk) => {
      stdout += chunk.toString()
      const match = pattern.exec(stdout)
      if (!match) return
      clearTimeout(timer)
      resolve({ match, stop, pid: child.pid })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`harness exited with ${code}: ${stderr}`))
    })
  })
}

/**
 * The sandbox server in a process of its own, as Seam's servers are to the app: the app's
 * Node process then does only the app's work, and the raw-SDK floors (from this process) and
 * the app talk to the very same server.
 */
export async function startSandboxServer(args) {
  const { match, stop, pid } = await spawnHarness(
    ['--sandbox-only', ...args],
    /^Keyholder sandbox: (http:\/\/127\.0\.0\.1:\d+) (\S+)$/m,
  )
  return { endpoint: match[1], apiKey: match[2], stop, cpuMs: () => cpuMs(pid) }
}

/**
 * CPU time a process has used so far (user + system, in 10 ms ticks), from Linux's /proc; null
 * elsewhere. Tells how much of a wall-clock time one process needed for itself.
 */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return null
  }
}

/** The app (harness) pointed at a sandbox server; resolves once its URL line is out. */
export async function startHarness(sandbox) {
  const { match, stop } = await spawnHarness(
    ['--seam-endpoint', sandbox.endpoint],
    /^Keyholder harness: (http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m,
    sandbox.apiKey,
  )
  return { url: match[1], endpoint: sandbox.endpoint, apiKey: sandbox.apiKey, stop, sandbox }
}

/** A persistent profile, so a later section (or a look afterwards) finds the same IndexedDB. */
export function launchProfile(dir) {
  return chromium.launchPersistentContext(dir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
  })
}

/**
 * The bench page of a harness, once `window.keyholderBench` is there. `host: 'localhost'` is
 * another origin on the same harness, so its IndexedDB is a store of its own.
 */
export async function openBenchPage(context, harness, { host = '127.0.0.1' } = {}) {
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('bench page:', error.message))
  page.on('console', (message) => console.error('bench page:', message.text()))
  const url = new URL('bench.html', harness.url)
  url.hostname = host
  url.hash = new URL(harness.url).hash
  await page.goto(url.href)
  await page.waitForFunction(() => window.keyholderBench !== undefined)
  return page
}

export async function timed(fn) {
  const started = performance.now()
  const value = await fn()
  return { ms: performance.now() - started, value }
}

/** One line of the table and the judgement in the JSON: app time against the slowest floor. */
export function judge(metric, appMs, floors, target) {
  const floorMs = Math.max(...Object.values(floors))
  const ratio = appMs / floorMs
  return { metric, app_ms: appMs, floors, ratio, target, pass: ratio <= target }
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/**
 * Runs `fn`; with `profile` ({ path, intervalUs? }), records a Chromium CPU profile of `page`
 * meanwhile (through CDP), writes it to `path` (open it in Chromium's DevTools, Performance
 * tab) and logs where the time went.
 */
export async function profiled(ctx, page, profile, fn) {
  if (!profile) return fn()
  const cdp = await ctx.context.newCDPSession(page)
  await cdp.send('Profiler.enable')
  if (profile.intervalUs) {
    await cdp.send('Profiler.setSamplingInterval', { interval: profile.intervalUs })
  }
  await cdp.send('Profiler.start')
  try {
    return await fn()
  } finally {
    const { profile: data } = await cdp.send('Profiler.stop')
    await cdp.detach()
    await writeFile(profile.path, JSON.stringify(data))
    ctx.log(`profile ${profile.path}:\n${summarizeProfile(data)}`)
  }
}

/** The functions (and files) with the most self time in a CPU profile, as text lines. */
export function summarizeProfile(profile, top = 12) {
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  const files = new Map()
  let total = 0
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    const { functionName, url, lineNumber } = byNode.get(id).callFrame
    const file = url.replace(/^.*\//, '').replace(/\?.*$/, '') || '(native)'
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`
    self.set(name, (self.get(name) ?? 0) + ms)
    files.set(file, (files.get(file) ?? 0) + ms)
    total += ms
  })
  const lines = (map) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `  ${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`,
      )
  return [
    `  ${total.toFixed(0)} ms sampled; self time by function:`,
    ...lines(self),
    '  by file:',
    ...lines(files),
  ].join('\n')
}

/** Bytes on disk of the IndexedDB databases of `host` in a Chromium profile folder. */
export async function idbDiskBytes(profileDir, host = '127.0.0.1') {
  let bytes = 0
  const visit = async (dir, inside) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      const here = inside || (/indexeddb/i.test(entry.name) && entry.name.includes(host))
      if (entry.isDirectory()) await visit(path, here)
      else if (here && entry.isFile()) bytes += (await stat(path)).size
    }
  }
  await visit(profileDir, false)
  return bytes
}

export function round(ms) {
  return Math.round(ms)
}

export function printTable(rows) {
  const lines = [
    ['metric', 'app ms', 'floor(s) ms', 'ratio', 'target', 'result'],
    ...rows.map((r) => [
      r.metric,
      String(round(r.app_ms)),
      Object.entries(r.floors)
        .map(([name, ms]) => `${name} ${round(ms)}`)
        .join(', '),
      r.ratio.toFixed(2),
      `≤ ${r.target}×`,
      r.pass ? 'pass' : 'FAIL',
    ]),
  ]
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)))
  for (const line of lines) console.log(line.map((cell, i) => cell.padEnd(widths[i])).join('  '))
  for (const r of rows) {
    for (const [name, ms] of Object.entries(r.info ?? {})) {
      console.log(`(${r.metric}: ${name} ${Number(ms).toFixed(1)} ms)`)
    }
    for (const note of r.notes ?? []) console.log(`(${r.metric}: ${note})`)
  }
}
