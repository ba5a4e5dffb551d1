/**
 * Stands in for the preload script when the renderer runs in a plain browser against the
 * harness: the same `window.keyholder` object, carried over one loopback WebSocket. Loaded only
 * by harness.html (and bench.html); Electron's index.html never includes it.
 */
import type { EventName, KeyholderApi } from '../shared/contract'
import type { Result } from '../shared/errors'

/**
 * The per-run token, given in the URL the harness prints (`#token=…`, a fragment the browser
 * never sends to the server). Kept for this tab so a reload still works, and taken out of the
 * address bar.
 */
function harnessToken(): string {
  const KEY = 'keyholder.harness-token'
  const given = new URLSearchParams(location.hash.slice(1)).get('token')
  if (given) {
    sessionStorage.setItem(KEY, given)
    history.replaceState(history.state, '', location.pathname + location.search)
  }
  return sessionStorage.getItem(KEY) ?? ''
}

let token = harnessToken()
// The harness started again prints a new URL: opened in this tab, only its fragment changes.
window.addEventListener('hashchange', () => {
  const before = token
  token = harnessToken()
  if (token !== before) void socket?.then((ws) => ws.close()).catch(() => undefined)
})
const listeners = new Map<EventName, Set<(payload: never) => void>>()
const pending = new Map<number, (result: Result<unknown>) => void>()
let nextId = 1
let socket: Promise<WebSocket> | null = null

// Whether main got the request is unknown (as when a network drops an answer): the outbox
// treats it so, and looks before sending again.
const lost = (): Result<never> => ({
  ok: false,
  error: {
    kind: 'unreachable',
    message:
      'The Keyholder harness is not running, or was started again: open the address it printed (with its #token).',
  },
})

/** The open socket, connecting (again) when needed; events flow as soon as it is open. */
function connect(): Promise<WebSocket> {
  socket ??= new Promise((resolve, reject) => {
    const url = new URL('/ipc', location.href)
    url.protocol = 'ws:'
    const ws = new WebSocket(url, [`keyholder.${token}`])
    ws.onopen = () => resolve(ws)
    ws.onmessage = (message: MessageEvent<string>) => {
      const data = JSON.parse(message.data) as
        { id: number; result: Result<unknown> } | { event: EventName; payload: never }
      if ('id' in data) {
        pending.get(data.id)?.(data.result)
        pending.delete(data.id)
      } else {
        for (const listener of listeners.get(data.event) ?? []) listener(data.payload)
      }
    }
    ws.onclose = () => {
      socket = null
      for (const answer of pending.values()) answer(lost())
      pending.clear()
      reject(new Error('closed'))
      // Keep listening for events: the harness may come back (e.g. after a restart).
      if (listeners.size > 0) setTimeout(() => void connect().catch(() => undefined), 1000)
    }
  })
  return socket
}

async function invoke(channel: string, payload: unknown, scope: unknown): Promise<Result<unknown>> {
  let ws: WebSocket
  try {
    ws = await connect()
  } catch {
    return lost()
  }
  const id = nextId++
  return new Promise((resolve) => {
    pending.set(id, resolve)
    ws.send(JSON.stringify({ id, channel, payload, scope }))
  })
}

const api = {
  invoke: (channel, request, scope) => invoke(channel, request, scope) as never,
  on: (event, listener) => {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    set.add(listener)
    void connect().catch(() => undefined)
    return () => void set.delete(listener)
  },
} satisfies KeyholderApi

Object.defineProperty(window, 'keyholder', { value: Object.freeze(api), writable: false })
