/**
 * Stands in for the preload script when the renderer runs in a plain browser against the
 * harness: the same `window.keyholder` object, carried over loopback HTTP. Loaded only by
 * harness.html; Electron's index.html never includes it.
 */
import type { EventName, KeyholderApi } from '../shared/contract'
import type { Result } from '../shared/errors'

const token = document.querySelector<HTMLMetaElement>('meta[name="keyholder-token"]')?.content ?? ''
const headers = { 'x-keyholder-token': token }
const listeners = new Map<EventName, Set<(payload: never) => void>>()
let streaming = false

function local(message: string): Result<never> {
  return { ok: false, error: { kind: 'local', message } }
}

async function invoke(channel: string, request: unknown): Promise<Result<unknown>> {
  try {
    const response = await fetch('/ipc', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ channel, payload: request }),
    })
    if (!response.ok)
      return local(`The Keyholder harness refused the request (${response.status}).`)
    return (await response.json()) as Result<unknown>
  } catch {
    return local('The Keyholder harness is not running. Start it again and reload this page.')
  }
}

/** One event stream for all subscribers; it reconnects if the harness restarts. */
async function stream(): Promise<void> {
  streaming = true
  for (;;) {
    try {
      const response = await fetch('/events', { headers })
      if (!response.ok || !response.body) throw new Error(String(response.status))
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (!frame.startsWith('data: ')) continue
          const { event, payload } = JSON.parse(frame.slice(6)) as {
            event: EventName
            payload: never
          }
          for (const listener of listeners.get(event) ?? []) listener(payload)
        }
      }
    } catch {
      // The harness went away; try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}

const api = {
  invoke: (channel, request) => invoke(channel, request) as never,
  on: (event, listener) => {
    const set = listeners.get(event) ?? new Set()
    listeners.set(event, set)
    set.add(listener)
    if (!streaming) void stream()
    return () => void set.delete(listener)
  },
} satisfies KeyholderApi

Object.defineProperty(window, 'keyholder', { value: Object.freeze(api), writable: false })
