import { EventEmitter } from 'node:events'
import { expect, test, vi } from 'vitest'
import {
  restoreWindowState,
  trackWindowState,
  WINDOW_STATE_KEY,
  type Rectangle,
} from './window-state'

const screen: Rectangle = { x: 0, y: 0, width: 1920, height: 1080 }

test('a saved window on a screen that is still there opens where it was', () => {
  const saved = { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true }
  expect(restoreWindowState(saved, [screen])).toEqual({
    bounds: { x: 100, y: 50, width: 1000, height: 700 },
    maximized: true,
  })
})

test('off every screen (a monitor unplugged), or nothing saved: the default, centred', () => {
  const saved = { bounds: { x: 2500, y: 50, width: 1000, height: 700 }, maximized: false }
  expect(restoreWindowState(saved, [screen]).bounds).toEqual({ width: 1000, height: 700 })
  expect(restoreWindowState(undefined, [screen])).toEqual({
    bounds: { width: 1280, height: 820 },
    maximized: false,
  })
  expect(restoreWindowState({ bounds: { x: 'a' } }, [screen]).bounds).toEqual({
    width: 1280,
    height: 820,
  })
  // Never smaller than the minimum.
  const tiny = { bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: false }
  expect(restoreWindowState(tiny, [screen]).bounds).toMatchObject({ width: 800, height: 560 })
})

test('the state is saved when the window is maximised, moved and closed', () => {
  vi.useFakeTimers()
  try {
    const window = Object.assign(new EventEmitter(), {
      bounds: { x: 1, y: 2, width: 900, height: 600 },
      maximized: false,
      getNormalBounds() {
        return this.bounds
      },
      isMaximized() {
        return this.maximized
      },
      isMinimized: () => false,
    })
    const data = new Map<string, unknown>()
    trackWindowState(window, { get: (k) => data.get(k), set: (k, v) => data.set(k, v) })
    window.maximized = true
    window.emit('maximize')
    expect(data.get(WINDOW_STATE_KEY)).toEqual({ bounds: window.bounds, maximized: true })
    window.maximized = false
    window.bounds = { x: 30, y: 40, width: 1000, height: 700 }
    window.emit('move')
    vi.runAllTimers()
    expect(data.get(WINDOW_STATE_KEY)).toEqual({ bounds: window.bounds, maximized: false })
    window.bounds = { x: 5, y: 5, width: 1100, height: 720 }
    window.emit('close')
    expect(data.get(WINDOW_STATE_KEY)).toMatchObject({ bounds: { width: 1100 } })
  } finally {
    vi.useRealTimers()
  }
})
