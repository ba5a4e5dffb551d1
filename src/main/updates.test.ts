/** Updates through a stand-in for electron-updater's autoUpdater (no feed can be reached here). */
import { EventEmitter } from 'node:events'
import { describe, expect, test } from 'vitest'
import { EventBus } from './ipc/events'
import { consoleLogger } from './log'
import { updateFeed, Updates } from './updates'

class UpdaterStandIn extends EventEmitter {
  autoDownload = false
  autoInstallOnAppQuit = false
  checks = 0
  installs = 0
  checkForUpdates() {
    this.checks += 1
    return Promise.resolve()
  }
  quitAndInstall() {
    this.installs += 1
  }
}

function setUp(updater?: UpdaterStandIn) {
  const events = new EventBus()
  const seen: unknown[] = []
  events.subscribe((name, payload) => name === 'update' && seen.push(payload))
  const updates = new Updates({
    events,
    log: consoleLogger(() => undefined),
    ...(updater && { updater }),
  })
  return { updates, seen }
}

describe('updates', () => {
  test('off when no feed is configured: nothing is checked', () => {
    const { updates } = setUp()
    updates.start()
    expect(updates.state().status).toBe('off')
    expect(updates.restart()).toEqual({ restarting: false })
    updates.stop()
  })

  test('downloads in the background, then restarts only when nothing would be lost', () => {
    const updater = new UpdaterStandIn()
    const { updates, seen } = setUp(updater)
    updates.start()
    expect(updater.checks).toBe(1)
    expect(updater.autoDownload).toBe(true)
    updater.emit('update-available', { version: '1.2.0' })
    expect(updates.state()).toMatchObject({ status: 'downloading', version: '1.2.0' })
    updater.emit('update-downloaded', { version: '1.2.0' })
    expect(seen.at(-1)).toMatchObject({ status: 'ready', version: '1.2.0' })

    // Until the page has said it is idle, a restart is not safe.
    expect(updates.restart()).toEqual({ restarting: false })
    updates.setBusy({ sending: true, unsaved_input: false })
    expect(updates.restart()).toEqual({ restarting: false })
    updates.setBusy({ sending: false, unsaved_input: true })
    expect(updates.restart()).toEqual({ restarting: false })
    expect(updater.installs).toBe(0)

    updates.setBusy({ sending: false, unsaved_input: false })
    expect(seen.at(-1)).toMatchObject({ status: 'ready', safe_to_restart: true })
    expect(updates.restart()).toEqual({ restarting: true })
    expect(updater.installs).toBe(1)
    updates.stop()
  })

  test('a failed check is reported and leaves a downloaded update ready', () => {
    const updater = new UpdaterStandIn()
    const { updates } = setUp(updater)
    updater.emit('error', new Error('offline'))
    expect(updates.state().status).toBe('error')
    updater.emit('update-downloaded', { version: '2.0.0' })
    updater.emit('error', new Error('offline'))
    expect(updates.state().status).toBe('ready')
  })

  test('the feed must be https (or loopback)', () => {
    expect(updateFeed(undefined)).toBeUndefined()
    expect(updateFeed('')).toBeUndefined()
    expect(updateFeed('http://updates.example.com/keyholder')).toBeUndefined()
    expect(updateFeed('not a url')).toBeUndefined()
    expect(updateFeed('https://updates.example.com/keyholder')).toBe(
      'https://updates.example.com/keyholder',
    )
    expect(updateFeed('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/')
  })
})
