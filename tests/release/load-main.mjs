// Loads the built main bundle (argv[2]) in plain Node with electron-stand-in.cjs in place of
// `electron`, lets it start, plays the parts of Electron and a hostile page, and prints what
// main did as one JSON line. Run by main-wiring.test.ts; STAND_IN_USER_DATA is a temp folder.
import { readdirSync, statSync } from 'node:fs'
import { registerHooks } from 'node:module'
import { Server } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const standIn = new URL('./electron-stand-in.cjs', import.meta.url).href
const resolved = new Set()
registerHooks({
  resolve(specifier, context, next) {
    if (specifier === 'electron') return { url: standIn, format: 'commonjs', shortCircuit: true }
    resolved.add(specifier)
    return next(specifier, context)
  },
})

const userData = process.env.STAND_IN_USER_DATA
await import(pathToFileURL(process.argv[2]).href)
const record = globalThis.__electronStandIn
const { WebContents } = await import(standIn)
record.ready()
for (let i = 0; record.windows.length === 0 && i < 500; i++) {
  await new Promise((resolve) => setTimeout(resolve, 10))
}
const [window] = record.windows
const app = (await import(standIn)).app

// A page's web contents, as Electron announces every new one.
const contents = new WebContents()
app.emit('web-contents-created', {}, contents)
const navigate = (url) => {
  let prevented = false
  contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url)
  return prevented
}
let webviewPrevented = false
contents.emit('will-attach-webview', { preventDefault: () => (webviewPrevented = true) }, {}, {})

let permissionGranted = 'not asked'
record.permissionRequestHandler?.(contents, 'media', (granted) => (permissionGranted = granted))

const serve = async (url) => {
  const response = await record.protocolHandlers.app({ url })
  return { status: response.status, csp: response.headers.get('content-security-policy') }
}

const invoke = record.ipcHandlers['keyholder:invoke']
const frame = (url, parent = null) => ({ senderFrame: { url, parent } })
// What listens in this process: the sandbox's layer (TCP) and its fake (a socket file).
const listening = () =>
  process
    ._getActiveHandles()
    .filter((h) => h instanceof Server && h.listening)
    .map((h) => {
      const address = h.address()
      return typeof address === 'string' ? 'socket file' : `${address.address}`
    })
    .sort()
// The sandbox is the first workspace: it starts with the first connectivity check.
for (let i = 0; listening().length < 2 && i < 1000; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20))
}
const listeningInSandbox = listening()
const added = await invoke(frame('app://keyholder/index.html'), 'workspaces.add', {
  name: 'Head office',
  // Loopback, so nothing leaves this computer; nothing answers there.
  endpoint: 'https://127.0.0.1:1',
  api_key: 'seam_test_wiring_key',
})
await invoke(frame('app://keyholder/index.html'), 'workspaces.activate', {
  workspace_id: added.value?.workspace_id,
})
const listeningInWorkspace = listening()

// The renderer dies: main loads the page again and tells it why.
const loadsBefore = window.loads.length
window.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 })
window.webContents.emit('did-finish-load')
window.emit('close')

const menuItems = (record.menu?.template ?? []).flatMap((top) =>
  (Array.isArray(top.submenu) ? top.submenu : []).map((item) => ({
    menu: top.label ?? top.role,
    label: item.label ?? item.role ?? item.type,
    accelerator: item.accelerator,
  })),
)
const files = (dir) => {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

const result = {
  singleInstanceLockRequests: record.singleInstanceLockRequests,
  powerEvents: record.powerEvents,
  secondInstanceListeners: app.listenerCount('second-instance'),
  privilegedSchemes: record.privilegedSchemes,
  webPreferences: window.options.webPreferences,
  windowOptions: { ...window.options, webPreferences: undefined, icon: undefined },
  windowOpen: contents.windowOpenHandler?.({ url: 'https://evil.example/' }),
  navigationPrevented: {
    foreign: navigate('https://evil.example/'),
    file: navigate('file:///etc/passwd'),
    own: navigate('app://keyholder/index.html'),
  },
  webviewPrevented,
  permissionGranted,
  permissionCheck: record.permissionCheckHandler?.(contents, 'notifications', 'app://keyholder'),
  served: {
    index: await serve('app://keyholder/index.html'),
    root: await serve('app://keyholder/'),
    encodedTraversal: await serve('app://keyholder/%2e%2e/%2e%2e/package.json'),
    slashTraversal: await serve('app://keyholder/..%2F..%2Fpackage.json'),
    badEncoding: await serve('app://keyholder/%E0%A4%A'),
    foreignHost: await serve('app://evil/index.html'),
  },
  ipc: {
    foreignFrame: await invoke(frame('https://evil.example/'), 'app.info', {}),
    subFrame: await invoke(frame('app://keyholder/index.html', {}), 'app.info', {}),
    noFrame: await invoke({ senderFrame: null }, 'app.info', {}),
    ownFrame: await invoke(frame('app://keyholder/index.html'), 'app.info', {}),
    added,
  },
  listeningInSandbox,
  listeningInWorkspace,
  vaultFileMode: statSync(join(userData, 'vault.json')).mode & 0o777,
  crashReporter: record.crashReporter,
  reloadedAfterCrash: window.loads.length - loadsBefore,
  sentAfterCrash: window.webContents.sent.map(([channel]) => channel),
  menuItems,
  logFiles: files(join(userData, 'logs')),
  settingsFiles: files(userData),
  modules: [...resolved].filter((s) => !s.startsWith('.') && !s.startsWith('node:')),
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
