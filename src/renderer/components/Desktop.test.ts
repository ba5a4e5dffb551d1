/**
 * The desktop parts of the page in a real browser: "Restart to update", Export diagnostics and
 * the unsaved-input check. The one stand-in is `window.keyholder` (no preload here): it records
 * requests and plays main's part (updates, the saved file).
 */
import { afterEach, expect, test, vi } from 'vitest'
import { page } from 'vitest/browser'
import { flushSync, mount, unmount, type Component } from 'svelte'
import type { UpdateState } from '../../shared/app-contract'
import type { EventName, KeyholderApi } from '../../shared/contract'
import { DesktopState } from '../lib/state/desktop.svelte'
import { pageHasUnsavedInput } from '../lib/unsaved'
import type { OutboxEntry } from '../lib/sync/outbox-types'
import DiagnosticsDialog from './DiagnosticsDialog.svelte'
import UpdateButton from './UpdateButton.svelte'

interface Call {
  channel: string
  request: unknown
}

function fakeBridge(answer: (channel: string, request: unknown) => unknown) {
  const calls: Call[] = []
  const listeners = new Map<string, (payload: unknown) => void>()
  const bridge = {
    invoke: (channel: string, request: unknown) => {
      calls.push({ channel, request: structuredClone(request) })
      return Promise.resolve({ ok: true, value: answer(channel, request) })
    },
    on: (event: EventName, listener: (payload: unknown) => void) => {
      listeners.set(event, listener)
      return () => listeners.delete(event)
    },
  } as unknown as KeyholderApi
  Object.defineProperty(window, 'keyholder', { value: bridge, configurable: true })
  return {
    bridge,
    calls,
    emit: (event: EventName, payload: unknown) => listeners.get(event)?.(payload),
  }
}

let cleanup: (() => void)[] = []
afterEach(async () => {
  for (const fn of cleanup) fn()
  cleanup = []
  await Promise.resolve()
})

function render<P extends Record<string, unknown>>(component: Component<P>, props: P) {
  const target = document.createElement('div')
  document.body.append(target)
  const mounted = mount(component, { target, props })
  flushSync()
  cleanup.push(() => {
    void unmount(mounted)
    target.remove()
  })
  return target
}

test('"Restart to update" waits while the page is busy, then asks main to restart', async () => {
  let state: UpdateState = { status: 'idle', safe_to_restart: false }
  const { bridge, calls, emit } = fakeBridge((channel, request) => {
    if (channel === 'app.set_busy') {
      const busy = request as { sending: boolean; unsaved_input: boolean }
      state = { ...state, safe_to_restart: !busy.sending && !busy.unsaved_input }
      return state
    }
    if (channel === 'updates.restart') return { restarting: state.safe_to_restart }
    return state
  })
  const desktop = new DesktopState(bridge)
  cleanup.push(desktop.start(() => {}))
  render(UpdateButton, { desktop })
  expect(page.getByRole('button', { name: /Restart to update/ }).query()).toBeNull()

  // Main has downloaded an update and says so.
  state = { status: 'ready', version: '1.4.0', safe_to_restart: false }
  emit('update', state)
  const button = page.getByRole('button', { name: /Restart to update \(1\.4\.0\)/ })
  await expect.element(button).toHaveAttribute('aria-disabled', 'true')
  await expect.element(button).toHaveAccessibleDescription(/Finish sending/)
  // (Playwright will not click a button marked disabled: a person cannot either.)
  expect(calls.map((c) => c.channel)).not.toContain('updates.restart')

  desktop.reportBusy({ sending: false, unsaved_input: false })
  await expect.element(button).toHaveAttribute('aria-disabled', 'false')
  await button.click()
  await vi.waitFor(() => expect(calls.map((c) => c.channel)).toContain('updates.restart'))
})

const entry = (over: Partial<OutboxEntry>): OutboxEntry =>
  ({
    id: '1',
    op: 'update',
    params: {},
    created_at: '2026-01-01T00:00:00.000Z',
    target_id: 'u1',
    acs_system_id: 's1',
    base: {},
    status: 'queued',
    attempts: 0,
    attempt_started_at: null,
    next_attempt_at: 0,
    last_error: null,
    conflicts: null,
    label: 'Ana Souza',
    ...over,
  }) as OutboxEntry

test('Export diagnostics sends counts and error kinds; names only when the box is ticked', async () => {
  const { calls } = fakeBridge(() => ({
    saved: true,
    path: '/home/desk/keyholder-diagnostics.txt',
  }))
  const entries = [
    entry({
      id: '1',
      status: 'failed',
      last_error: { kind: 'invalid_input', message: 'Bad email for Ana Souza', fields: {} },
    }),
    entry({ id: '2', status: 'queued' }),
    entry({ id: '3', status: 'conflict', label: 'Bo Chen' }),
  ]
  render(DiagnosticsDialog as Component<{ entries: OutboxEntry[]; onclose: () => void }>, {
    entries,
    onclose: () => {},
  })
  const save = page.getByRole('button', { name: 'Save diagnostics…' })
  await save.click()
  await expect.element(page.getByText(/Saved to \/home\/desk/)).toBeInTheDocument()
  expect(calls[0]).toEqual({
    channel: 'diagnostics.export',
    request: {
      outbox: { queued: 1, sending: 0, failed: 1, conflict: 1 },
      error_kinds: ['invalid_input'],
      include_personal: false,
    },
  })
  expect(JSON.stringify(calls[0])).not.toContain('Ana')

  await page.getByRole('checkbox', { name: /Include names and messages/ }).click()
  await save.click()
  await vi.waitFor(() => expect(calls).toHaveLength(2))
  expect(calls[1]!.request).toMatchObject({ include_personal: true })
  expect(JSON.stringify(calls[1])).toContain('Ana Souza')
})

test('typed input in a form counts as unsaved; a search box does not', () => {
  const host = document.createElement('div')
  host.innerHTML = `
    <form role="search"><input type="search" id="q"></form>
    <form><input id="name" value="Ana"><input type="checkbox" id="box"></form>`
  document.body.append(host)
  cleanup.push(() => host.remove())
  expect(pageHasUnsavedInput()).toBe(false)
  host.querySelector<HTMLInputElement>('#q')!.value = 'ana'
  expect(pageHasUnsavedInput()).toBe(false)
  host.querySelector<HTMLInputElement>('#name')!.value = 'Ana Souza'
  expect(pageHasUnsavedInput()).toBe(true)
  host.querySelector<HTMLInputElement>('#name')!.value = 'Ana'
  host.querySelector<HTMLInputElement>('#box')!.checked = true
  expect(pageHasUnsavedInput()).toBe(true)
})
