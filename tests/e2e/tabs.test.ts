/**
 * Two tabs of one workspace in real Chromium (one profile: one IndexedDB, one set of Web Locks,
 * one BroadcastChannel namespace), as a second window or a browser tab of the harness would
 * be. The first tab holds the replay lock; an edit made in the second is sent by the first,
 * once, and the second tab shows it confirmed without being reloaded; when the first dies, the
 * second takes over.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  closeSandboxApp,
  details,
  dialog,
  openPerson,
  openSandboxApp,
  poll,
  queueSummary,
  serverUserByName,
  waitForPeople,
  type SandboxApp,
} from './ui'

let app: SandboxApp
let first: Page
let second: Page

const HARBOUR = 'Harbour View Offices'
const SETTLED = '0 queued · 0 failed · 0 to decide'
const NEWCOMER = 'Second Tab Newcomer'

beforeAll(async () => {
  app = await openSandboxApp()
  first = app.page
  second = await app.context.newPage()
  await second.goto(app.harness.url)
  await waitForPeople(second)
})
afterAll(() => closeSandboxApp(app))

/** The replay locks as this profile's browser sees them: who holds one, who waits. */
function replayLocks(page: Page) {
  return page.evaluate(async () => {
    const state = await navigator.locks.query()
    const ours = (locks: LockInfo[] | undefined) =>
      (locks ?? []).filter((l) => l.name?.startsWith('keyholder-replay:')).length
    return { held: ours(state.held), waiting: ours(state.pending) }
  })
}

test('an edit made in the second tab is sent once by the first, and shows confirmed there', async () => {
  // The first tab replays for the workspace; the second waits for the lock.
  await poll(() => replayLocks(second)).toEqual({ held: 1, waiting: 1 })

  await second.getByRole('button', { name: 'New user' }).click()
  const create = dialog(second, 'New user')
  await create.getByLabel('System').selectOption({ label: HARBOUR })
  await create.getByLabel('Full name').fill(NEWCOMER)
  await create.getByRole('button', { name: 'Create user' }).click()
  await poll(() => create.count()).toBe(0)

  // Only the first tab sends: nothing there asks for a scan, the second tab's notice does.
  await poll(async () => (await serverUserByName(app.seam, NEWCOMER)).length, {
    timeout: 30_000,
  }).toBe(1)
  await poll(() => queueSummary(second), { timeout: 30_000 }).toBe(SETTLED)
  expect(await serverUserByName(app.seam, NEWCOMER)).toHaveLength(1)
  // The second tab never took the lock over: the first one sent it.
  expect(await replayLocks(second)).toEqual({ held: 1, waiting: 1 })

  // Shown in the second tab as Seam has them, under their real id, nothing waiting.
  const panel = await openPerson(second, NEWCOMER)
  await poll(() => panel.getByText('Not sent yet').count()).toBe(0)
  const [real] = await serverUserByName(app.seam, NEWCOMER)
  await poll(() => details(second).getByText(real!.acs_user_id).count()).toBeGreaterThan(0)
  // And in the first tab, which sent it, too.
  await openPerson(first, NEWCOMER)
  expect(await queueSummary(first)).toBe(SETTLED)
})

test('when the first tab dies, the second takes over sending', async () => {
  const cdp = await app.context.newCDPSession(first)
  // Chromium's own "crash this tab": the browser frees the dead page's locks.
  void cdp.send('Page.crash').catch(() => undefined)
  await poll(() => replayLocks(second)).toEqual({ held: 1, waiting: 0 })

  const name = 'After The Crash'
  await second.getByRole('button', { name: 'New user' }).click()
  const create = dialog(second, 'New user')
  await create.getByLabel('System').selectOption({ label: HARBOUR })
  await create.getByLabel('Full name').fill(name)
  await create.getByRole('button', { name: 'Create user' }).click()
  await poll(() => create.count()).toBe(0)
  // The queue read "settled" before the click too: wait for Seam to have them, then for the
  // queue to empty, and only then count them.
  await poll(async () => (await serverUserByName(app.seam, name)).length, {
    timeout: 30_000,
  }).toBe(1)
  await poll(() => queueSummary(second), { timeout: 30_000 }).toBe(SETTLED)
  expect(await serverUserByName(app.seam, name)).toHaveLength(1)
})
