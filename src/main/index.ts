/**
 * Electron entry. Thin on purpose: everything the page can ask for lives in services.ts and
 * runs identically in the browser harness; this file adds only the window, its security, the
 * Electron transport, and the desktop glue (log file, updater, crash handling, menu).
 */
import {
  app,
  BrowserWindow,
  crashReporter,
  dialog,
  ipcMain,
  Menu,
  net,
  powerMonitor,
  protocol,
  safeStorage,
  screen,
  session,
  shell,
} from 'electron'
import log from 'electron-log/main'
import electronUpdater from 'electron-updater'
import Store from 'electron-store'
import { chmodSync, existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join, normalize, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import { IPC_INVOKE, ipcEventChannel } from '../shared/ipc-names'
import { startSandbox } from './sandbox'
import { powerSignals } from './power-signals'
import { createServices, type Services } from './services'
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isAppUrl } from './app-origin'
import { fileLogger } from './log/file-log'
import type { Logger } from './log'
import { applicationMenuTemplate } from './menu'
import icon from '../../resources/icon.png?asset'
import { updateFeed, type UpdaterLike } from './updates'
import { createVault } from './vault'
import { electronCipher } from './vault/electron-cipher'
import { MIN_SIZE, restoreWindowState, trackWindowState, WINDOW_STATE_KEY } from './window-state'

const rendererDir = join(__dirname, '../renderer')

// Crash dumps stay on this computer (their folder is named in the diagnostics file).
crashReporter.start({ uploadToServer: false })

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
  const logger = fileLogger(log, app.getPath('logs'))
  log.errorHandler.startCatching({ showDialog: false })
  // What the rest of main and its libraries write to the console lands in the file, redacted.
  Object.assign(console, {
    error: (...data: unknown[]) => logger.error(...data),
    warn: (...data: unknown[]) => logger.warn(...data),
    info: (...data: unknown[]) => logger.info(...data),
    log: (...data: unknown[]) => logger.info(...data),
  })
  logger.info(`Keyholder ${app.getVersion()} starting (Electron ${process.versions.electron})`)
  // Owner-only files: they name workspaces and hold encrypted keys.
  const vaultStore = new Store({ name: 'vault', configFileMode: 0o600 })
  const settings = new Store({ name: 'settings', configFileMode: 0o600 })
  for (const file of [vaultStore.path, settings.path]) {
    if (existsSync(file)) chmodSync(file, 0o600)
  }
  let mainWindow: BrowserWindow | undefined
  const services = createServices({
    vault: createVault({ cipher: electronCipher(safeStorage), store: vaultStore }),
    runtime: 'electron',
    version: app.getVersion(),
    startSandbox: () => startSandbox({ port: 0 }),
    signals: [powerSignals(powerMonitor)],
    sandboxLifetime: 'while-chosen',
    platform: {
      log: logger,
      updater: configuredUpdater(settings.get('update_feed'), logger),
      versions: { ...process.versions },
      crashDumps: app.getPath('crashDumps'),
      saveDiagnostics: async (name, content) => {
        const options = { defaultPath: join(app.getPath('documents'), name) }
        const { canceled, filePath } = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options)
        if (canceled || !filePath) return undefined
        await writeFile(filePath, content, { mode: 0o600 })
        return filePath
      },
    },
  })
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      applicationMenuTemplate(process.platform, {
        send: (command) => services.events.emit('menu.command', { command }),
        openLogFolder: () => void shell.openPath(app.getPath('logs')),
      }),
    ),
  )
  serveRenderer()
  lockDownSessions()
  wireIpc(services)
  const open = () => {
    mainWindow = createWindow(settings, services, logger)
  }
  open()
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && open())
  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit())
  app.on('will-quit', () => void services.dispose())
}

/**
 * electron-updater, when a feed is configured: KEYHOLDER_UPDATE_URL, the settings'
 * `update_feed`, or one built into the installer. Only in an installed app.
 */
function configuredUpdater(setting: unknown, logger: Logger): UpdaterLike | undefined {
  if (!app.isPackaged) return undefined
  const feed = updateFeed(process.env.KEYHOLDER_UPDATE_URL ?? setting)
  const builtIn = existsSync(join(process.resourcesPath, 'app-update.yml'))
  if (!feed && !builtIn) return undefined
  const { autoUpdater } = electronUpdater
  autoUpdater.logger = { ...logger, debug: () => undefined }
  if (feed) autoUpdater.setFeedURL({ provider: 'generic', url: feed })
  return autoUpdater
}

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const { host, pathname } = new URL(request.url)
    let relative: string
    try {
      relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname)
    } catch {
      return new Response('Not found', { status: 404 })
    }
    const file = normalize(join(rendererDir, relative))
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

/** Reloads after this many crashes within a minute are not tried: the person is told instead. */
const MAX_RELOADS_PER_MINUTE = 3

function createWindow(settings: Store, services: Services, logger: Logger): BrowserWindow {
  const saved = restoreWindowState(
    settings.get(WINDOW_STATE_KEY),
    screen.getAllDisplays().map((d) => d.workArea),
  )
  const window = new BrowserWindow({
    ...saved.bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
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
      // Middle-click would ask for a new window (denied anyway); not even the request.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  })
  trackWindowState(window, settings)
  window.once('ready-to-show', () => {
    if (saved.maximized) window.maximize()
    window.show()
  })

  // A page that dies (out of memory, a GPU or renderer crash) is loaded again: the outbox is
  // in IndexedDB, so nothing queued is lost, and an edit caught mid-send is looked for before
  // it is sent again. The person is told what happened.
  const crashes: number[] = []
  window.webContents.on('render-process-gone', (_event, details) => {
    logger.error('The window stopped:', details.reason, `exit code ${details.exitCode}`)
    if (details.reason === 'clean-exit' || window.isDestroyed()) return
    const now = Date.now()
    crashes.push(now)
    while (crashes[0]! < now - 60_000) crashes.shift()
    if (crashes.length > MAX_RELOADS_PER_MINUTE) {
      dialog.showErrorBox(
        'Keyholder keeps stopping',
        'The window stopped several times in a row. Your queued edits are saved on this computer. ' +
          'Close Keyholder and open it again; if this happens again, use Help → Export diagnostics…',
      )
      return
    }
    window.webContents.once('did-finish-load', () =>
      services.events.emit('app.notice', {
        message:
          'Keyholder’s window stopped unexpectedly and was opened again. Your queued edits are safe.',
      }),
    )
    void window.loadURL(`${APP_ORIGIN}/index.html`)
  })
  window.webContents.on('unresponsive', () => logger.warn('The window is not responding'))
  void window.loadURL(`${APP_ORIGIN}/index.html`)
  return window
}
