// A small recording stand-in for the `electron` module, so the built main bundle can be
// loaded in plain Node where the Electron binary cannot run (tests/release/main-wiring.test.ts).
// It records what main asks Electron for (windows, handlers, menus, crash reporter) and lets
// the driver (load-main.mjs) fire the events Electron would. Nothing here is Electron's
// behaviour; the assertions are about what main registers.
'use strict'
const { EventEmitter } = require('node:events')
const { readFile } = require('node:fs/promises')
const { join } = require('node:path')
const { fileURLToPath } = require('node:url')

const record = {
  singleInstanceLockRequests: 0,
  privilegedSchemes: null,
  protocolHandlers: {},
  ipcHandlers: {},
  windows: [],
  menu: null,
  crashReporter: null,
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  quit: false,
}
let markReady
const ready = new Promise((resolve) => (markReady = resolve))
record.ready = () => markReady()

class WebContents extends EventEmitter {
  constructor() {
    super()
    this.sent = []
    this.windowOpenHandler = null
  }
  send(channel, payload) {
    this.sent.push([channel, payload])
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler
  }
}

class App extends EventEmitter {
  isPackaged = false
  name = 'Keyholder'
  requestSingleInstanceLock() {
    record.singleInstanceLockRequests += 1
    return true
  }
  whenReady() {
    return ready
  }
  isReady() {
    return true
  }
  getPath(name) {
    const root = process.env.STAND_IN_USER_DATA
    return name === 'userData' ? root : join(root, name)
  }
  getVersion() {
    return '0.0.0-test'
  }
  getName() {
    return 'Keyholder'
  }
  getLocale() {
    return 'en-GB'
  }
  setAppLogsPath() {}
  quit() {
    record.quit = true
  }
  exit(code) {
    record.exitCode = code
  }
}
const app = new App()

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super()
    this.options = options
    this.webContents = new WebContents()
    this.loads = []
    this.maximized = false
    record.windows.push(this)
  }
  static getAllWindows() {
    return record.windows
  }
  loadURL(url) {
    this.loads.push(url)
    return Promise.resolve()
  }
  show() {}
  focus() {}
  restore() {}
  maximize() {
    this.maximized = true
  }
  isMaximized() {
    return this.maximized
  }
  isMinimized() {
    return false
  }
  isDestroyed() {
    return false
  }
  getNormalBounds() {
    return { x: 40, y: 30, width: 1111, height: 777 }
  }
}

const ipcMain = {
  handle(channel, handler) {
    record.ipcHandlers[channel] = handler
  },
  on() {},
  removeHandler(channel) {
    delete record.ipcHandlers[channel]
  },
}

const protocol = {
  registerSchemesAsPrivileged(schemes) {
    record.privilegedSchemes = schemes
  },
  handle(scheme, handler) {
    record.protocolHandlers[scheme] = handler
  },
}

// Electron's net.fetch reads file:// URLs; the protocol handler hands it one.
const net = {
  async fetch(url) {
    try {
      return new Response(await readFile(fileURLToPath(url)), { status: 200 })
    } catch {
      return new Response('missing', { status: 404 })
    }
  },
}

const defaultSession = {
  setPermissionRequestHandler(handler) {
    record.permissionRequestHandler = handler
  },
  setPermissionCheckHandler(handler) {
    record.permissionCheckHandler = handler
  },
  setPreloads() {},
  getPreloads() {
    return []
  },
  registerPreloadScript() {},
  on() {},
}
const session = { defaultSession }

// A keychain stand-in: reports itself protected and keeps the key unreadable in the file.
const safeStorage = {
  isEncryptionAvailable: () => true,
  isAsyncEncryptionAvailable: () => Promise.resolve(true),
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptStringAsync: (plain) => Promise.resolve(Buffer.from(plain, 'utf8').reverse()),
  decryptStringAsync: (data) =>
    Promise.resolve({
      result: Buffer.from(data).reverse().toString('utf8'),
      shouldReEncrypt: false,
    }),
}

const Menu = {
  buildFromTemplate(template) {
    return { template }
  },
  setApplicationMenu(menu) {
    record.menu = menu
  },
}

const crashReporter = {
  start(options) {
    record.crashReporter = options
  },
}

const dialog = {
  showSaveDialog: () => Promise.resolve({ canceled: true }),
  showErrorBox(title) {
    record.errorBox = title
  },
  showMessageBox: () => Promise.resolve({ response: 0 }),
}

const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] }
const shell = { openPath: () => Promise.resolve('') }
const webContents = { getAllWebContents: () => [] }
/** Resume from sleep: main probes connectivity at once (see power-signals.ts). */
const powerMonitor = {
  on(event) {
    ;(record.powerEvents ??= []).push(event)
  },
  off() {},
}

exports.app = app
exports.BrowserWindow = BrowserWindow
exports.ipcMain = ipcMain
exports.protocol = protocol
exports.net = net
exports.session = session
exports.safeStorage = safeStorage
exports.Menu = Menu
exports.crashReporter = crashReporter
exports.dialog = dialog
exports.screen = screen
exports.shell = shell
exports.webContents = webContents
exports.powerMonitor = powerMonitor
exports.WebContents = WebContents
globalThis.__electronStandIn = record
