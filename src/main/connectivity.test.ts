/**
 * Connectivity: offline at once on a network failure, back with backoff, signals probe at once.
 * Timers are Vitest's fake ones (the waits are a minute long); the probe is a stand-in whose
 * answer each test sets, except in the session test, which fails against a real closed port.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ConnectivityState } from '../shared/contract'
import { KeyholderFailure } from '../shared/errors'
import { Connectivity, ManualSignals, type ProbeOutcome } from './connectivity'
import { EventBus } from './ipc/events'
import { powerSignals } from './power-signals'
import { Session } from './session'
import { createVault } from './vault'
import { memoryCipher, MemoryStore } from './vault/memory'

function setup(first: ProbeOutcome = 'offline') {
  let answer: ProbeOutcome = first
  const probes: number[] = []
  const changes: ConnectivityState[] = []
  const signals = new ManualSignals()
  const connectivity = new Connectivity({
    probe: () => {
      probes.push(Date.now())
      return Promise.resolve(answer)
    },
    onChange: (state) => changes.push(state),
    signals: [signals],
    now: () => new Date(Date.now()),
  })
  return {
    connectivity,
    probes,
    changes,
    signals,
    answer: (next: ProbeOutcome) => (answer = next),
    /** The gaps between successive probes, in ms. */
    gaps: () => probes.slice(1).map((t, i) => t - probes[i]!),
  }
}

describe('with fake timers', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  test('while offline it probes after 1 s, then twice as long each time, up to a minute', async () => {
    const t = setup('offline')
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(5 * 60_000)
    expect(t.connectivity.state.state).toBe('offline')
    expect(t.gaps().slice(0, 9)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ])
    t.connectivity.stop()
  })

  test('back online: the next probe comes at the online interval, and the backoff starts afresh', async () => {
    const t = setup('offline')
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000)
    t.answer('online')
    await vi.advanceTimersByTimeAsync(8_000)
    expect(t.connectivity.state.state).toBe('online')
    expect(t.connectivity.nextProbeInMs).toBe(30_000)
    t.answer('offline')
    const before = t.probes.length
    await vi.advanceTimersByTimeAsync(30_000 + 1_000)
    // One at 30 s found it offline; the next came 1 s later, not after 16 s.
    expect(t.probes.length).toBe(before + 2)
    t.connectivity.stop()
  })

  test('a signal (resume, the page went online) probes at once and resets the backoff', async () => {
    const t = setup('offline')
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000 + 16_000)
    expect(t.connectivity.nextProbeInMs).toBe(32_000)
    const before = t.probes.length
    t.signals.emit('resume')
    await vi.advanceTimersByTimeAsync(0)
    expect(t.probes.length).toBe(before + 1)
    // Still offline: the next wait is the shortest again.
    expect(t.connectivity.nextProbeInMs).toBe(1_000)
    t.answer('online')
    t.signals.emit('online')
    await vi.advanceTimersByTimeAsync(0)
    expect(t.connectivity.state.state).toBe('online')
    t.connectivity.stop()
    // After stop, signals are no longer listened to.
    t.signals.emit('resume')
    await vi.advanceTimersByTimeAsync(0)
    expect(t.probes.length).toBe(before + 2)
  })

  test("Electron's powerMonitor 'resume' is such a signal", async () => {
    const listeners = new Set<() => void>()
    const monitor = {
      on: (_: 'resume', l: () => void) => listeners.add(l),
      off: (_: 'resume', l: () => void) => listeners.delete(l),
    }
    let probes = 0
    const connectivity = new Connectivity({
      probe: () => (probes++, Promise.resolve('offline')),
      onChange: () => {},
      signals: [powerSignals(monitor)],
    })
    connectivity.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(probes).toBe(1)
    for (const l of listeners) l()
    await vi.advanceTimersByTimeAsync(0)
    expect(probes).toBe(2)
    connectivity.stop()
    expect(listeners.size).toBe(0)
  })

  test('a request that fails for network reasons turns the state offline at once, and probing begins after 1 s', async () => {
    const t = setup('online')
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(t.connectivity.state.state).toBe('online')
    t.answer('offline')
    t.connectivity.observe({
      ok: false,
      error: { kind: 'unreachable', message: 'cut off', uncertain: true },
    })
    expect(t.connectivity.state.state).toBe('offline')
    expect(t.changes.at(-1)?.state).toBe('offline')
    const before = t.probes.length
    await vi.advanceTimersByTimeAsync(1_000)
    expect(t.probes.length).toBe(before + 1)
    t.connectivity.stop()
  })

  test('a 429 from the probe is "online, busy", and the next probe waits for Retry-After', async () => {
    const t = setup({ busy_ms: 90_000 })
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(t.connectivity.state).toMatchObject({
      state: 'online',
      busy_until: new Date(90_000).toISOString(),
    })
    expect(t.connectivity.nextProbeInMs).toBe(90_000)
    t.answer('online')
    await vi.advanceTimersByTimeAsync(90_000)
    expect(t.probes).toEqual([0, 90_000])
    expect(t.connectivity.state.state).toBe('online')
    expect(t.connectivity.state.busy_until).toBeUndefined()
    t.connectivity.stop()
  })

  test('a 429 or 403 on a request never reads as offline or as a refused key', async () => {
    const t = setup('online')
    t.connectivity.start()
    await vi.advanceTimersByTimeAsync(0)
    t.connectivity.observe({
      ok: false,
      error: { kind: 'rate_limited', message: 'slow down', retry_after_ms: 5_000 },
    })
    expect(t.connectivity.state).toMatchObject({
      state: 'online',
      busy_until: new Date(5_000).toISOString(),
    })
    // A burst of 429s does not announce every one.
    const announced = t.changes.length
    t.connectivity.observe({
      ok: false,
      error: { kind: 'rate_limited', message: 'slow down', retry_after_ms: 5_000 },
    })
    expect(t.changes.length).toBe(announced)
    t.connectivity.observe({
      ok: false,
      error: { kind: 'forbidden', message: 'not permitted', status: 403 },
    })
    expect(t.connectivity.state.state).toBe('online')
    t.connectivity.observe({
      ok: false,
      error: { kind: 'unauthorized', message: 'bad key', status: 401 },
    })
    expect(t.connectivity.state.state).toBe('unauthorized')
    t.connectivity.stop()
  })
})

test('through the session: a call that cannot connect turns the app offline at once', async () => {
  // Port 1023: privileged, below the ephemeral range and never listened on here, so it is refused for
  // certain (a port closed after use could be taken by someone else by then).
  const port = 1023

  const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
  const events = new EventBus()
  const seen: string[] = []
  events.subscribe((event, payload) => {
    if (event === 'connectivity') seen.push((payload as ConnectivityState).state)
  })
  const session = new Session({
    vault,
    events,
    runtime: 'harness',
    version: 'test',
    startSandbox: () => Promise.reject(new Error('no sandbox here')),
  })
  const workspace = await vault.add({
    name: 'Closed port',
    endpoint: `http://127.0.0.1:${port}`,
    api_key: 'seam_test_key',
    allow_unprotected_storage: true,
  })
  // Straight to the vault, not session.activate(), which would probe: here only the failed
  // call may change the state.
  vault.setActive(workspace.workspace_id)
  expect(session.connectivity.state.state).toBe('checking')
  await expect(session.call((c) => c.listSystems())).rejects.toBeInstanceOf(KeyholderFailure)
  expect(session.connectivity.state.state).toBe('offline')
  expect(seen).toContain('offline')
  await session.dispose()
})
