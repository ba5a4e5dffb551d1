/**
 * The window opens where the person left it: size, position and whether it was maximised,
 * kept in electron-store. A saved position on a screen that is no longer there (a laptop
 * without its monitor) is dropped, so the window never opens out of sight.
 */
export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export interface WindowState {
  bounds: Rectangle
  maximized: boolean
}

export const DEFAULT_SIZE = { width: 1280, height: 820 }
export const MIN_SIZE = { width: 800, height: 560 }

/** The few electron-store methods used here. */
export interface StateStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
}

const isRectangle = (value: unknown): value is Rectangle =>
  typeof value === 'object' &&
  value !== null &&
  ['x', 'y', 'width', 'height'].every((k) => Number.isFinite((value as Record<string, unknown>)[k]))

/**
 * Where to open: the saved bounds when they are mostly on one of `workAreas`, otherwise the
 * default size (centred by Electron). Never smaller than the minimum.
 */
export function restoreWindowState(
  saved: unknown,
  workAreas: Rectangle[],
): { bounds: Partial<Rectangle> & { width: number; height: number }; maximized: boolean } {
  const state = saved as Partial<WindowState> | undefined
  const maximized = state?.maximized === true
  if (!isRectangle(state?.bounds)) return { bounds: { ...DEFAULT_SIZE }, maximized }
  const width = Math.max(MIN_SIZE.width, Math.round(state.bounds.width))
  const height = Math.max(MIN_SIZE.height, Math.round(state.bounds.height))
  const { x, y } = state.bounds
  const visible = workAreas.some((area) => {
    const overlapX = Math.min(x + width, area.x + area.width) - Math.max(x, area.x)
    const overlapY = Math.min(y + height, area.y + area.height) - Math.max(y, area.y)
    // The title bar must be reachable: a good part of the window on that screen.
    return overlapX >= Math.min(200, width) && overlapY >= Math.min(100, height) && y >= area.y
  })
  return visible
    ? { bounds: { x: Math.round(x), y: Math.round(y), width, height }, maximized }
    : { bounds: { width, height }, maximized }
}

/** The parts of a BrowserWindow needed to follow its state. */
export interface TrackedWindow {
  getNormalBounds(): Rectangle
  isMaximized(): boolean
  isMinimized(): boolean
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown
}

export const WINDOW_STATE_KEY = 'window'

/** Saves the window's state when it changes (a resize burst is written once) and on close. */
export function trackWindowState(window: TrackedWindow, store: StateStore): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const save = () => {
    clearTimeout(timer)
    if (window.isMinimized()) return
    const state: WindowState = { bounds: window.getNormalBounds(), maximized: window.isMaximized() }
    store.set(WINDOW_STATE_KEY, state)
  }
  const later = () => {
    clearTimeout(timer)
    timer = setTimeout(save, 500)
  }
  window.on('resize', later)
  window.on('move', later)
  window.on('maximize', save)
  window.on('unmaximize', save)
  window.on('close', save)
}
