/**
 * The other pages of one workspace database: a second window, a browser tab, a reload that
 * overlaps the page it replaces. They share IndexedDB but nothing in memory, so each tells the
 * others over a `BroadcastChannel` what it committed: that the outbox changed, and which cached
 * users changed. A message carries ids only; the page that gets it reads the data from
 * IndexedDB itself, as it would after its own commit. Messages are checked, since any page of
 * the origin may post on a channel.
 *
 * Where there is no `BroadcastChannel` there are no other pages to tell: each page then works
 * alone, as before there was a channel.
 */

/** What one page tells the others. */
export type PageMessage =
  /** The outbox changed (an edit queued, sent, failed, settled): read it again. */
  | { kind: 'outbox' }
  /**
   * A transaction that wrote cached users committed. `remapped` holds temporary ids only: the
   * real ids they now map to are read from `id_map`.
   */
  | { kind: 'users'; changed: string[]; removed: string[]; remapped: string[]; listed: string[] }
  /** The page that lists Seam for this database: what it is doing (see SyncEngine). */
  | { kind: 'sync-status'; syncing: SyncingNotice | null; lastError: string | null }
  /** "Sync now" pressed in a page that does not list: the one that does should. */
  | { kind: 'sync-now' }

export interface SyncingNotice {
  acs_system_id: string
  pages: number
  users: number
  total: number | null
  done: boolean
}

/** Ids and texts longer than this are not ours: the message is dropped. */
const MAX_TEXT = 1000
/** One transaction's announcement is at most a listing's removals; far more is not ours. */
const MAX_IDS = 200_000

export interface PageChannel {
  post(message: PageMessage): void
  /** Messages from the other pages (never this page's own). */
  subscribe(listener: (message: PageMessage) => void): () => void
  close(): void
}

/** The channel of database `dbName`, or null where pages cannot talk (no BroadcastChannel). */
export function openPageChannel(dbName: string): PageChannel | null {
  if (typeof BroadcastChannel === 'undefined') return null
  const channel = new BroadcastChannel(`keyholder-db:${dbName}`)
  // In Node (tests) an open channel would keep the process alive; browsers have no unref.
  ;(channel as { unref?: () => void }).unref?.()
  const listeners = new Set<(message: PageMessage) => void>()
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const message = parsePageMessage(event.data)
    if (!message) return
    for (const listener of listeners) listener(message)
  }
  let closed = false
  return {
    post(message) {
      if (!closed) channel.postMessage(message)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      closed = true
      listeners.clear()
      channel.close()
    },
  }
}

const isText = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= MAX_TEXT
const isIds = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length <= MAX_IDS && value.every(isText)
const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/** The message if it is one of ours, well formed; otherwise null. */
export function parsePageMessage(data: unknown): PageMessage | null {
  if (typeof data !== 'object' || data === null) return null
  const m = data as Record<string, unknown>
  switch (m.kind) {
    case 'outbox':
    case 'sync-now':
      return { kind: m.kind }
    case 'users':
      if (!isIds(m.changed) || !isIds(m.removed) || !isIds(m.remapped) || !isIds(m.listed)) {
        return null
      }
      return {
        kind: 'users',
        changed: m.changed,
        removed: m.removed,
        remapped: m.remapped,
        listed: m.listed,
      }
    case 'sync-status': {
      if (m.lastError !== null && !isText(m.lastError)) return null
      const s = m.syncing as Record<string, unknown> | null
      if (s === null) return { kind: 'sync-status', syncing: null, lastError: m.lastError }
      if (
        typeof s !== 'object' ||
        !isText(s.acs_system_id) ||
        !isCount(s.pages) ||
        !isCount(s.users) ||
        !(s.total === null || isCount(s.total)) ||
        typeof s.done !== 'boolean'
      ) {
        return null
      }
      const syncing = {
        acs_system_id: s.acs_system_id,
        pages: s.pages,
        users: s.users,
        total: s.total,
        done: s.done,
      }
      return { kind: 'sync-status', syncing, lastError: m.lastError }
    }
    default:
      return null
  }
}
