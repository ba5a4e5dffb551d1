/**
 * Someone else changes a person in Seam while the clerk's edit to the same field waits offline.
 *
 * The "Simulate connection loss" switch cuts the sandbox off for everyone, the SDK included, so
 * here the sandbox runs in the test process behind a loopback proxy: cutting the proxy is the
 * clerk's network going down, while the SDK (the "someone else") still reaches Seam directly.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js'
import type { SeamHttp } from '@seamapi/http'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { startFaultProxy, type FaultProxy } from '../fault/proxy'
import { launchChromium, screenshot, startHarness, type Harness } from './support'
import {
  poll,
  closeDialog,
  connection,
  loseConnection,
  dialog,
  newProfile,
  openPerson,
  outboxButton,
  plainPeople,
  seamFor,
  serverUser,
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

beforeAll(async () => {
  browser = await launchChromium()
  sandbox = await startSandbox({ port: 0, users: 40, seed: 11 })
  proxy = await startFaultProxy(sandbox.endpoint, () =>
    cut ? { kind: 'drop_request' } : { kind: 'pass' },
  )
  harness = await startHarness()
  seam = seamFor(sandbox)
  context = await newProfile(browser)
  page = await context.newPage()
  await page.goto(harness.url)
  // First run with a real workspace: the welcome screen's own "Connect" form.
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

/** Opens a person, then edits one field with the form; returns what they saw before. */
async function editOffline(person: Practice, field: 'Email' | 'Phone', value: string) {
  const panel = await openPerson(page, person.name)
  await panel.getByRole('button', { name: 'Edit', exact: true }).click()
  const form = dialog(page, `Edit ${person.name}`)
  await form.getByLabel(field, { exact: true }).fill(value)
  await form.getByRole('button', { name: 'Save changes' }).click()
  await poll(() => form.count()).toBe(0)
}

/** The "What changed" table of one conflict, as rows of cell texts. */
async function conflictTable(entry: ReturnType<Page['getByRole']>) {
  const rows = entry.getByRole('table', { name: 'What changed' }).getByRole('row')
  const texts: string[][] = []
  for (const row of await rows.all()) {
    const cells = await row.getByRole('cell').allTextContents()
    const headers = await row.getByRole('rowheader').allTextContents()
    const columns = await row.getByRole('columnheader').allTextContents()
    texts.push([...columns, ...headers, ...cells].map((t) => t.trim()))
  }
  return texts
}

test('a conflict shows what you saw, what Seam has and your change; keep mine, or take theirs', async () => {
  const [mineWins, theirsWin] = (await plainPeople(seam, 'Harbour View Offices', 2)) as [
    Practice,
    Practice,
  ]
  const theirPhone = '+442079460222'
  // Seen online first, so the cache holds what the clerk "saw".
  await openPerson(page, mineWins.name)
  await openPerson(page, theirsWin.name)
  const seenPhone = (await serverUser(seam, theirsWin.acs_user_id))!.phone_number

  await loseConnection(page, () => (cut = true))
  await editOffline(mineWins, 'Email', 'mine@keyholder.example')
  await editOffline(theirsWin, 'Phone', '020 7946 0111')
  // Meanwhile, someone at another desk changes the same fields in Seam.
  await seam.acs.users.update({
    acs_user_id: mineWins.acs_user_id,
    email_address: 'theirs@keyholder.example',
  })
  await seam.acs.users.update({ acs_user_id: theirsWin.acs_user_id, phone_number: theirPhone })
  cut = false

  await until(
    () => connection(page),
    (s) => s === 'Online',
    'the connection to return',
    30_000,
  )
  await poll(() => outboxButton(page).getAttribute('aria-label'), { timeout: 20_000 }).toBe(
    'Queued edits: 0 waiting, 2 need attention',
  )
  // Nothing was overwritten while waiting for the clerk's decision.
  expect((await serverUser(seam, mineWins.acs_user_id))?.email_address).toBe(
    'theirs@keyholder.example',
  )

  await outboxButton(page).click()
  const outbox = dialog(page, 'Queued edits')
  const decide = outbox.getByRole('region', { name: /^Needs your decision/ })
  await poll(() => decide.getByRole('listitem').count()).toBe(2)
  const emailEntry = decide
    .getByRole('listitem')
    .filter({ hasText: `Change email of ${mineWins.name}` })
  expect(await conflictTable(emailEntry)).toEqual([
    ['Field', 'What you saw', 'Seam has now', 'Your change'],
    ['Email address', mineWins.email, 'theirs@keyholder.example', 'mine@keyholder.example'],
  ])
  await screenshot(page, 'ui-outbox-conflict')

  await emailEntry.getByRole('button', { name: /^Keep mine:/ }).click()
  await poll(async () => (await serverUser(seam, mineWins.acs_user_id))?.email_address, {
    timeout: 20_000,
  }).toBe('mine@keyholder.example')
  await poll(() => decide.getByRole('listitem').count(), { timeout: 20_000 }).toBe(1)

  const phoneEntry = decide
    .getByRole('listitem')
    .filter({ hasText: `Change phone of ${theirsWin.name}` })
  const table = await conflictTable(phoneEntry)
  expect(table[1]?.[0]).toBe('Phone number')
  // Shown the way people write them; Seam stores the E.164 form.
  expect(table[1]?.[1]).toBe(seenPhone ? written(seenPhone) : '—')
  expect(table[1]?.[2]).toBe('+44 20 7946 0222')
  expect(table[1]?.[3]).toBe('+44 20 7946 0111')
  await phoneEntry.getByRole('button', { name: /^Take theirs:/ }).click()
  await poll(() => outbox.textContent(), { timeout: 20_000 }).toContain(
    'Nothing queued. Every edit has been sent.',
  )
  await closeDialog(page, 'Queued edits')
  expect(await outboxButton(page).getAttribute('aria-label')).toBe(
    'Queued edits: 0 waiting, 0 need attention',
  )

  // Seam keeps their phone, and that is what the clerk now sees.
  expect((await serverUser(seam, theirsWin.acs_user_id))?.phone_number).toBe(theirPhone)
  const panel = await openPerson(page, theirsWin.name)
  await poll(() => panel.textContent(), { timeout: 10_000 }).toContain('+44 20 7946 0222')
  const mine = await openPerson(page, mineWins.name)
  await poll(() => mine.textContent()).toContain('mine@keyholder.example')
})

/** A phone number as people write it (how the app shows E.164 numbers). */
function written(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164
}
