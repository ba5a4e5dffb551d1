/**
 * A real outage: the Seam server the app talks to is stopped under it, a clerk keeps working,
 * reloads the app, and when the server is back (same address, same key) the edit is sent once.
 */
import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchChromium, portOf, startHarness, startSandboxServer, type Harness } from './support'
import {
  details,
  dialog,
  newProfile,
  openPerson,
  plainPeople,
  poll,
  queueSummary,
  seamFor,
  serverUser,
  waitForConnection,
  waitForPeople,
} from './ui'

let browser: Browser
let context: BrowserContext
let harness: Harness
let page: Page
let sandbox: Awaited<ReturnType<typeof startSandboxServer>>
const key = `seam_sandbox_${randomBytes(16).toString('hex')}`
let port: string

beforeAll(async () => {
  // Port 0: the real port is read from the address it prints, and reused for its restart.
  sandbox = await startSandboxServer(['--sandbox-key', key])
  port = portOf(sandbox.endpoint)
  harness = await startHarness(['--seam-endpoint', sandbox.endpoint], { apiKey: key })
  browser = await launchChromium()
  context = await newProfile(browser)
  // Not a first run: this computer already works in the workspace the harness was given.
  await context.addInitScript(() => localStorage.setItem('keyholder.welcomed', 'yes'))
  page = await context.newPage()
  await page.goto(harness.url)
  await waitForPeople(page)
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await harness?.stop()
  await sandbox?.stop()
})

test('an edit made while the server is down survives a reload and is sent when it is back', async () => {
  const seam = seamFor({ endpoint: sandbox.endpoint, apiKey: key })
  const [person] = await plainPeople(seam, 'Harbour View Offices', 1)
  const { acs_user_id, name } = person!
  await openPerson(page, name)

  await sandbox.stop()
  const panel = details(page)
  await panel.getByRole('button', { name: 'Edit', exact: true }).click()
  const form = dialog(page, `Edit ${name}`)
  await form.getByLabel('Phone', { exact: true }).fill('020 7946 0555')
  await form.getByRole('button', { name: 'Save changes' }).click()
  // Trying to send it is what tells the app the server is gone.
  await waitForConnection(page, 'Offline')
  await poll(() => queueSummary(page)).toBe('1 queued · 0 failed · 0 to decide')
  await poll(() => panel.getByText('Not sent yet').count()).toBe(1)

  // The app closes and opens again while the server is still down: the edit is still there.
  await page.reload()
  await waitForPeople(page)
  await poll(() => queueSummary(page), { timeout: 20_000 }).toBe(
    '1 queued · 0 failed · 0 to decide',
  )

  // The server comes back where it was; its practice data is as before the outage.
  sandbox = await startSandboxServer(['--port', String(port), '--sandbox-key', key])
  await poll(() => queueSummary(page), { timeout: 30_000 }).toBe(
    '0 queued · 0 failed · 0 to decide',
  )
  expect((await serverUser(seam, acs_user_id))?.phone_number).toBe('+442079460555')
  await poll(() => page.getByText(/The queued edit was sent to Seam/).count()).toBe(1)
})
