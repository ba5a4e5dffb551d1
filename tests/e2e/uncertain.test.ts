/**
 * Issue 9 through the UI: a conflict settled on one field while the other change of the same
 * edit is still sent (case 4), and two identical people added offline whose answers are both
 * lost (case 2): the app asks "Is this the person you added?" and the clerk's answers settle it.
 *
 * As in conflicts.test.ts, the sandbox runs in this process behind a loopback fault proxy, and
 * the harness is pointed at the proxy: cutting the proxy is the clerk's network going down, and
 * the proxy is also what loses Seam's answers (the request is applied, the answer never comes
 * back), which the sandbox's "Simulate connection loss" switch cannot do. The SDK, straight at
 * the sandbox, is "someone else" and the judge of what Seam has.
 */
import type { SeamHttp } from '@seamapi/http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { startFaultProxy, type Fault, type FaultProxy } from '../fault/proxy'
import { launchChromium, screenshot, startHarness, type Harness } from './support'
import {
  closeDialog,
  connection,
  loseConnection,
  details,
  dialog,
  newProfile,
  openPerson,
  outboxButton,
  plainPeople,
  poll,
  search,
  personRow,
  seamFor,
  serverUser,
  serverUserByName,
  until,
  waitForConnection,
  waitForPeople,
  type Practice,
} from './ui'

let browser: Browser
let sandbox: Sandbox
let proxy: FaultProxy
let harness: Harness
let context: BrowserContext
let page: Page
let seam: SeamHttp
/** While true the clerk's connection is down: every request through the proxy is dropped. */
let cut = false
/** What happens to the next creates (anything else passes). */
let onCreate: (() => Fault | Promise<Fault>) | undefined

const HARBOUR = 'Harbour View Offices'

beforeAll(async () => {
  browser = await launchChromium()
  sandbox = await startSandbox({ port: 0, users: 40, seed: 13 })
  proxy = await startFaultProxy(sandbox.endpoint, (path) => {
    if (cut) return { kind: 'drop_request' }
    if (onCreate && path.startsWith('/acs/users/create')) return onCreate()
    return { kind: 'pass' }
  })
  harness = await startHarness()
  seam = seamFor(sandbox)
  context = await newProfile(browser)
  page = await context.newPage()
  await page.goto(harness.url)
  await page.getByRole('button', { name: 'Connect a Seam workspace' }).click()
  const form = page.getByRole('region', { name: 'Connect a Seam workspace' })
  await form.getByLabel('Name').fill('Front desk')
  await form.getByLabel('API key').fill(sandbox.apiKey)
  await form.getByText('Advanced').click()
  await form.getByLabel('Endpoint').fill(proxy.url)
  await form.getByRole('button', { name: 'Check and save' }).click()
  await waitForPeople(page)
  await waitForConnection(page, 'Online')
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await harness?.stop()
  await proxy?.close()
  await sandbox?.stop()
})

const goOffline = () => loseConnection(page, () => (cut = true))

async function comeBack() {
  cut = false
  await until(
    () => connection(page),
    (s) => s === 'Online',
    'the connection to return',
    60_000,
  )
}

test('take theirs on the name: the phone change of the same edit still reaches Seam', async () => {
  const [person] = (await plainPeople(seam, HARBOUR, 1)) as [Practice]
  await openPerson(page, person.name)
  await goOffline()

  // One edit, two fields: a new name and a new phone.
  const panel = details(page)
  await panel.getByRole('button', { name: 'Edit', exact: true }).click()
  const form = dialog(page, `Edit ${person.name}`)
  await form.getByLabel('Full name').fill('Mine Renamed')
  await form.getByLabel('Phone', { exact: true }).fill('020 7946 0444')
  await form.getByRole('button', { name: 'Save changes' }).click()
  await poll(() => form.count()).toBe(0)
  // Someone else renames them in Seam meanwhile.
  await seam.acs.users.update({ acs_user_id: person.acs_user_id, full_name: 'Theirs Renamed' })
  await comeBack()

  await poll(() => outboxButton(page).getAttribute('aria-label'), { timeout: 30_000 }).toBe(
    'Queued edits: 0 waiting, 1 need attention',
  )
  await outboxButton(page).click()
  const outbox = dialog(page, 'Queued edits')
  const entry = outbox.getByRole('region', { name: /^Needs your decision/ }).getByRole('listitem')
  await poll(() => entry.count()).toBe(1)
  // Only the name is in conflict; the phone is said to go either way.
  const rows = entry.getByRole('table', { name: 'What changed' }).getByRole('row')
  await poll(() => rows.count()).toBe(2)
  expect(await rows.nth(1).getByRole('rowheader').textContent()).toBe('Full name')
  expect(await entry.textContent()).toMatch(/phone number had no conflict: it is\s+sent/i)
  expect((await serverUser(seam, person.acs_user_id))?.phone_number).not.toBe('+442079460444')

  await entry.getByRole('button', { name: /^Take theirs:/ }).click()
  await poll(async () => (await serverUser(seam, person.acs_user_id))?.phone_number, {
    timeout: 30_000,
  }).toBe('+442079460444')
  expect((await serverUser(seam, person.acs_user_id))?.full_name).toBe('Theirs Renamed')
  await poll(() => outbox.textContent(), { timeout: 20_000 }).toContain(
    'Nothing queued. Every edit has been sent.',
  )
  await closeDialog(page, 'Queued edits')
})

test('two identical people added offline, both answers lost: the app asks, and the clerk settles it', async () => {
  const NAME = 'Robin Quayle'
  expect(await serverUserByName(seam, NAME)).toEqual([])
  await goOffline()
  for (let i = 0; i < 2; i++) {
    await page.getByRole('button', { name: 'New user' }).click()
    const create = dialog(page, 'New user')
    await create.getByLabel('System').selectOption({ label: HARBOUR })
    await create.getByLabel('Full name').fill(NAME)
    await create.getByRole('button', { name: 'Create user' }).click()
    await poll(() => create.count()).toBe(0)
  }
  // Back online, both creates leave together, both reach Seam, and both answers are lost.
  const arrived: (() => void)[] = []
  onCreate = () =>
    arrived.length >= 2
      ? { kind: 'pass' }
      : new Promise<Fault>((resolve) => {
          arrived.push(() => resolve({ kind: 'drop_response' }))
          if (arrived.length === 2) for (const go of arrived) go()
        })
  await comeBack()
  await poll(async () => (await serverUserByName(seam, NAME)).length, { timeout: 30_000 }).toBe(2)
  // Not "both were sent": after waiting out the lost answers, the app asks about both.
  await poll(() => outboxButton(page).getAttribute('aria-label'), { timeout: 90_000 }).toBe(
    'Queued edits: 0 waiting, 2 need attention',
  )
  onCreate = undefined
  const robins = await serverUserByName(seam, NAME)

  await outboxButton(page).click()
  const outbox = dialog(page, 'Queued edits')
  const asked = outbox.getByRole('region', { name: /^Needs your decision/ }).getByRole('listitem')
  const entries = asked.filter({ hasText: 'Is one of them the person you added?' })
  await poll(() => entries.count()).toBe(2)
  await screenshot(page, 'ui-outbox-ask')
  const choices = (n: number) =>
    entries.nth(n).getByRole('button', { name: /^This is them: Robin Quayle/ })
  await poll(() => choices(0).count()).toBe(2)
  await poll(() => choices(1).count()).toBe(2)

  // The first is the one added first; the clerk says so.
  await choices(0).first().click()
  await poll(() => entries.count(), { timeout: 20_000 }).toBe(1)
  // The other no longer offers the person just matched: only the second Robin is left.
  await poll(() => choices(0).count()).toBe(1)
  await choices(0).click()
  await poll(() => outbox.textContent(), { timeout: 20_000 }).toContain(
    'Nothing queued. Every edit has been sent.',
  )
  await closeDialog(page, 'Queued edits')

  // Seam has two, no more, and the table shows both.
  expect((await serverUserByName(seam, NAME)).map((u) => u.acs_user_id).sort()).toEqual(
    robins.map((u) => u.acs_user_id).sort(),
  )
  await search(page, NAME)
  await poll(() => personRow(page, NAME).count(), { timeout: 20_000 }).toBe(2)
}, 240_000)
