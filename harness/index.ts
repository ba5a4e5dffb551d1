/**
 * The browser harness: the real main-process services in Node, the built renderer served on
 * 127.0.0.1, the IPC contract carried over loopback. For development, end-to-end tests,
 * benchmarks and screenshots on machines without the Electron binary.
 *
 * Keys given to the harness are kept in memory only (see src/main/vault/memory.ts).
 */
import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createServices } from '../src/main/services'
import { startSandbox } from '../src/main/sandbox'
import { createVault } from '../src/main/vault'
import { memoryCipher, MemoryStore } from '../src/main/vault/memory'
import { JsonFileStore } from './file-store'
import { serverUrl, startHarnessServer } from './server'

const USAGE = `Usage: npm run harness -- [--port N] [--data-dir DIR] [--seam-endpoint URL [--api-key-stdin]]
         [--sandbox-users N] [--sandbox-load-users N] [--print-sandbox-credentials] [--sandbox-only]

  --seam-endpoint URL            a Seam workspace to work in; its API key is read from the
                                 KEYHOLDER_API_KEY environment variable, or with --api-key-stdin
                                 from the first line of standard input (never from the command
                                 line, where ps and shell history would show it)

  --sandbox-users N              people spread over the sandbox's three demo systems (200)
  --sandbox-load-users N         adds a "load test" system with N more people
  --print-sandbox-credentials    for tests and benchmarks only: also prints
                                 "Keyholder sandbox: ENDPOINT KEY" (a random per-run sandbox key)
  --sandbox-only                 for benchmarks: runs only the sandbox server (in its own process,
                                 as Seam's servers are), prints that line and waits
  --sandbox-latency-ms N         for benchmarks: the sandbox answers N ms late, like a distant server
  --sandbox-key KEY              with --sandbox-only: the key it accepts (random otherwise), so it
                                 can be stopped and started again under an app pointed at it`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      'seam-endpoint': { type: 'string' },
      // Refused with an explanation: a key on the command line is visible to every user (ps).
      'api-key': { type: 'string' },
      'api-key-stdin': { type: 'boolean', default: false },
      'sandbox-users': { type: 'string' },
      'sandbox-load-users': { type: 'string' },
      'print-sandbox-credentials': { type: 'boolean', default: false },
      'sandbox-only': { type: 'boolean', default: false },
      'sandbox-latency-ms': { type: 'string' },
      'sandbox-key': { type: 'string' },
      'renderer-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) return void console.log(USAGE)
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Bad --port. ${USAGE}`)
  if (values['api-key'] !== undefined) {
    throw new Error(
      `--api-key is no longer accepted: other users of this computer could read it in the process list. Set KEYHOLDER_API_KEY, or pass --api-key-stdin and type the key.\n${USAGE}`,
    )
  }
  const apiKey = values['seam-endpoint']
    ? values['api-key-stdin']
      ? await firstLineOfStdin()
      : process.env.KEYHOLDER_API_KEY?.trim()
    : undefined
  if (values['seam-endpoint'] && !apiKey) {
    throw new Error(
      `--seam-endpoint needs a key in KEYHOLDER_API_KEY or on standard input. ${USAGE}`,
    )
  }
  const sandboxUsers = count(values['sandbox-users'], '--sandbox-users')
  const loadTestUsers = count(values['sandbox-load-users'], '--sandbox-load-users')

  const latencyMs = count(values['sandbox-latency-ms'], '--sandbox-latency-ms')
  const sandboxOptions = {
    port: 0,
    ...(latencyMs !== undefined && { latencyMs }),
    ...(sandboxUsers !== undefined && { users: sandboxUsers }),
    ...(loadTestUsers !== undefined && { loadTestUsers }),
  }
  if (values['sandbox-only']) {
    const key = values['sandbox-key']
    const sandbox = await startSandbox({ ...sandboxOptions, port, ...(key && { apiKey: key }) })
    console.log(`Keyholder sandbox: ${sandbox.endpoint} ${sandbox.apiKey}`)
    const stop = () => void sandbox.stop().then(() => process.exit(0))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    return
  }

  const here = dirname(fileURLToPath(import.meta.url))
  const rendererDir = resolve(values['renderer-dir'] ?? resolve(here, '../renderer'))
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : undefined

  const vault = createVault({
    cipher: memoryCipher(),
    store: dataDir ? new JsonFileStore(dataDir) : new MemoryStore(),
  })
  const services = createServices({
    vault,
    runtime: 'harness',
    version: process.env.npm_package_version ?? '0.0.0',
    startSandbox: () => startSandbox(sandboxOptions),
    sandboxLifetime: 'while-chosen',
    platform: {
      // No save dialog in a browser tab: the file goes beside the harness's data.
      saveDiagnostics: async (name, content) => {
        const path = join(dataDir ?? tmpdir(), name)
        await writeFile(path, content, { mode: 0o600 })
        return path
      },
    },
  })
  if (values['seam-endpoint'] && apiKey) {
    const workspace = await vault.add({
      name: 'Command line',
      endpoint: values['seam-endpoint'],
      api_key: apiKey,
      allow_unprotected_storage: false,
    })
    await services.session.activate(workspace.workspace_id)
  }

  const token = randomBytes(32).toString('hex')
  const server = await startHarnessServer({ ...services, rendererDir, token, port })
  if (values['print-sandbox-credentials']) {
    // Lets a benchmark or test judge the app against the raw SDK on the very same sandbox.
    // Printed before the URL line, so whoever waits for that line already has this one.
    const sandbox = await services.session.sandbox()
    if (!sandbox) throw new Error('--print-sandbox-credentials needs the sandbox workspace')
    console.log(`Keyholder sandbox: ${sandbox.endpoint} ${sandbox.apiKey}`)
  }
  // The token travels in the URL's fragment, which browsers never send to a server: only
  // whoever was given this line can drive the harness, not whoever can ask it for a page.
  console.log(`Keyholder harness: ${serverUrl(server)}#token=${token}`)

  const shutdown = (signal: string) => {
    console.error(`harness: ${signal}, shutting down`)
    server.closeAllConnections()
    server.close()
    services.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

async function firstLineOfStdin(): Promise<string> {
  let text = ''
  for await (const chunk of process.stdin) {
    text += String(chunk)
    if (text.includes('\n')) break
  }
  process.stdin.pause()
  return text.split('\n')[0]!.trim()
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0) throw new Error(`Bad ${flag}. ${USAGE}`)
  return n
}

main().catch((cause: unknown) => {
  console.error(cause instanceof Error ? cause.message : cause)
  process.exit(1)
})
