/**
 * The page's process dies in the middle of sending queued edits (Chromium's own "crash this
 * tab", over CDP). Opened again, the outbox is intact and every edit reaches Seam exactly once:
 * an edit caught mid-send is looked for before it is sent again. In the app, main reloads the
 * page itself (tests/release checks that wiring); here the test opens it again.
 */
import type { SeamHttp } from '@seamapi/http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchChromium, startHarness, type Harness } from './support'
import {
  dialog,
  newProfile,
  openApp,
  poll,
  queueSummary,
  seamFor,
  serverUsers,
  setConnectionLoss,
  waitForPeople,
} from './ui'

let browser: Browser
let context: BrowserContext
let harness: Harness
let page: Page
let seam: SeamHttp

const HARBOUR = 'Harbour View Offices'
const NEWCOMERS = ['Crash Test Ada', 'Crash Test Bram', 'Crash Test Cleo', 'Crash Test Dov']

beforeAll(async () => {
  browser = await launchChromium()
  // Every answer a little late, as from a distant server: the replay takes long enough to be
  // interrupted in the middle.
  harness = await startHarness(['--print-sandbox-credentials', '--sandbox-latency-ms', '800'])
  seam = seamFor(harness.sandbox!)
  context = await newProfile(browser)
  page = await openApp(context, harness)
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await harness?.stop()
})

const onServer = async (name: string) =>
  (await serverUsers(seam)).filter((u) => u.full_name === name).length

test('a page that dies mid-replay loses nothing and sends each edit once', async () => {
  await setConnectionLoss(page, true)
  for (const name of NEWCOMERS) {
    await page.getByRole('button', { name: 'New user' }).click()
    const create = dialog(page, 'New user')
    await create.getByLabel('System').selectOption({ label: HARBOUR })
    await create.getByLabel('Full name').fill(name)
    await create.getByRole('button', { name: 'Create user' }).click()
    await poll(() => create.count()).toBe(0)
  }
  await poll(() => queueSummary(page)).toBe(`${NEWCOMERS.length} queued · 0 failed · 0 to decide`)

  await setConnectionLoss(page, false)
  // The replay is under way: Seam has the first newcomer. The four go side by side, so the
  // answers for them are on their way back (or not yet sent) when the page dies.
  const arrived = async () => (await Promise.all(NEWCOMERS.map(onServer))).some((n) => n > 0)
  await poll(arrived, { timeout: 60_000, interval: 50 }).toBe(true)
  const cdp = await context.newCDPSession(page)
  // The renderer is gone at once; the request for it never gets an answer.
  void cdp.send('Page.crash').catch(() => undefined)
  await poll(() =>
    page
      .evaluate(() => 1)
      .then(
        () => 'alive',
        () => 'dead',
      ),
  ).toBe('dead')
  // Requests already handed to main may still complete: the page died not knowing, and its
  // outbox still holds those edits as queued or sending (outcome unknown).

  // Opened again on the same profile: what was not yet confirmed is still queued, then sent.
  const again = await context.newPage()
  await again.goto(harness.url)
  await waitForPeople(again)
  await poll(() => queueSummary(again), { timeout: 90_000 }).toBe(
    '0 queued · 0 failed · 0 to decide',
  )
  for (const name of NEWCOMERS) expect(await onServer(name), name).toBe(1)
})
