/**
 * The replay lock in a real browser: Chromium's Web Locks, as two pages of one database would
 * use them (two holders in one page stand in for them; the browser does not tell them apart).
 */
import { expect, test } from 'vitest'
import { defaultReplayLock, processLock } from './replay-lock'

test('Chromium has Web Locks, and the replayer uses them rather than the in-process lock', () => {
  expect(navigator.locks).toBeDefined()
  expect(defaultReplayLock()).not.toBe(processLock)
})

test('a second replayer waits until the first lets go, and can stop waiting', async () => {
  const lock = defaultReplayLock()
  const name = `keyholder-replay:test-${crypto.randomUUID()}`
  const first = await lock.tryAcquire(name)
  expect(first).toBeTypeOf('function')
  expect(await lock.tryAcquire(name)).toBeNull()

  const order: string[] = []
  const second = lock.acquire(name, new AbortController().signal).then((release) => {
    order.push('second holds it')
    return release
  })
  await new Promise((resolve) => setTimeout(resolve, 50))
  order.push('first lets go')
  first!()
  const release = await second
  expect(order).toEqual(['first lets go', 'second holds it'])

  // A third that gives up waiting (the page closed, or stop()) never gets it.
  const giveUp = new AbortController()
  const third = lock.acquire(name, giveUp.signal)
  giveUp.abort()
  await expect(third).rejects.toBeDefined()
  release()
  // Let go for good: the next one gets it (the browser frees it in a moment, not at once).
  const next = await lock.acquire(name, AbortSignal.timeout(5000))
  expect(next).toBeTypeOf('function')
  next()
})
