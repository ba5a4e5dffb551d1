/**
 * Electron entry. Thin on purpose: everything the page can ask for lives in services.ts and
 * runs identically in the browser harness; this file adds only the window, its security and
 * the Electron transport.
 */
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  session,
} from 'electron'
import Store from 'electron-store'
import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import { IPC_INVOKE, ipcEventChannel } from '../shared/ipc-names'
import { startSandbox } from './sandbox'
import { powerSignals } from './power-signals'
import { createServices, type Services } from './services'
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppUrl } from './app-origin'
import { applicationMenu } from './menu'
import icon from '../../resources/icon.png?asset'
import { createVault } from './vault'
import { electronCipher } from './vault/electron-cipher'

const rendererDir = join(__dirname, '../renderer')

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows()
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })
  app.whenReady().then(start, (cause: unknown) => {
    console.error('Keyholder failed to start:', cause)
    app.exit(1)
  })
}

function start(): void {
  const services = createServices({
    vault: createVault({
      cipher: electronCipher(safeStorage),
      store: new Store({ name: 'vault' }),
    }),
    runtime: 'electron',
    version: app.getVersion(),
    startSandbox: () => startSandbox({ port: 0 }),
    signals: [powerSignals(powerMonitor)],
  })
  Menu.setApplicationMenu(applicationMenu(process.platform))
  serveRenderer()
  lockDownSessions()
  wireIpc(services)
  createWindow()
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow())
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit())
  app.on('will-quit', () => void services.dispose())
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const { host, pathname } = new URL(request.url)
    const file = normalize(
      join(rendererDir, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)),
    )
    if (host !== APP_HOST || !file.startsWith(rendererDir + sep)) {
      return new Response('Not found', { status: 404 })
    }
    const response = await net.fetch(pathToFileURL(file).toString())
    const headers = new Headers(response.headers)
    headers.set('content-security-policy', CONTENT_SECURITY_POLICY)
    headers.set('x-content-type-options', 'nosniff')
    return new Response(response.body, { status: response.status, headers })
  })
}

/** Electron security checklist: no new windows, no navigation away, no permissions, no webviews. */
function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  )
  session.defaultSession.setPermissionCheckHandler(() => false)
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })
}

function wireIpc(services: Services): void {
  ipcMain.handle(IPC_INVOKE, (event, channel: unknown, payload: unknown, scope: unknown) => {
    // Only our own page, in its top frame, may talk to main.
    const frame = event.senderFrame
    if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
      return { ok: false, error: { kind: 'local', message: 'Request from an unexpected sender.' } }
    }
    return services.dispatch(channel, payload, scope)
  })
  services.events.subscribe((name, payload) => {
    for (const window of BrowserWindow.getAllWindows()) {
      window.webContents.send(ipcEventChannel(name), payload)
    }
  })
}

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Keyholder',
    // Windows and macOS take the icon from the installed app; Linux from the window.
    ...(process.platform === 'linux' && { icon }),
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  void window.loadURL(`${APP_ORIGIN}/index.html`)
}
