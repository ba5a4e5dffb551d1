/**
 * Workspaces: the list, adding one whose key Seam refuses (said next to the key), adding one
 * whose key works, and switching to it. The second workspace is a second sandbox started here,
 * with a building the first one does not have.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { launchChromium, screenshot, startHarness, type Harness } from './support'
import {
  poll,
  description,
  dialog,
  newProfile,
  openApp,
  peopleShown,
  practiceSwitch,
  seamFor,
  serverUsers,
  statusBar,
  waitForConnection,
} from './ui'

let browser: Browser
let harness: Harness
let second: Sandbox
let context: BrowserContext
let page: Page

beforeAll(async () => {
  browser = await launchChromium()
  harness = await startHarness()
  second = await startSandbox({ port: 0, users: 6, loadTestUsers: 4, seed: 5 })
  context = await newProfile(browser)
  page = await openApp(context, harness)
})
afterAll(async () => {
  await context?.close()
  await browser?.close()
  await harness?.stop()
  await second?.stop()
})

/** Fills the add form; the endpoint hides under "Advanced". */
async function fillAdd(name: string, key: string, endpoint: string) {
  const box = dialog(page, 'Add a workspace')
  await box.getByLabel('Name').fill(name)
  await box.getByLabel('API key').fill(key)
  const endpointField = box.getByLabel('Endpoint')
  if (!(await endpointField.isVisible())) await box.getByText('Advanced').click()
  await endpointField.fill(endpoint)
  await box.getByRole('button', { name: 'Check and save' }).click()
}

test('lists the sandbox; a refused key is said next to the key; a good one adds and switches', async () => {
  await page
    .getByRole('banner')
    .getByRole('button', { name: /^Sandbox — practice data/ })
    .click()
  const workspaces = dialog(page, 'Workspaces')
  const list = workspaces.getByRole('list', { name: 'Saved workspaces' })
  await poll(() => list.getByRole('listitem').count()).toBe(1)
  const sandboxItem = list.getByRole('listitem').first()
  expect(await sandboxItem.getByRole('heading').textContent()).toContain('Sandbox — practice data')
  expect(await sandboxItem.textContent()).toContain('Active')
  expect(await sandboxItem.getAttribute('aria-current')).toBe('true')

  await workspaces.getByRole('button', { name: 'Add workspace' }).click()
  const add = dialog(page, 'Add a workspace')
  await poll(() => add.count()).toBe(1)
  await fillAdd('Second site', 'seam_not_the_right_key', second.endpoint)
  const key = add.getByLabel('API key')
  await poll(() => key.getAttribute('aria-invalid'), { timeout: 20_000 }).toBe('true')
  expect(await description(key)).toContain('Seam refused this key.')
  // The focus goes to the field to fix.
  expect(await key.evaluate((el) => el === document.activeElement)).toBe(true)
  await screenshot(page, 'ui-workspace-refused')

  await key.fill(second.apiKey)
  await add.getByRole('button', { name: 'Check and save' }).click()
  const added = dialog(page, 'Workspace added')
  await poll(() => added.count(), { timeout: 20_000 }).toBe(1)
  expect(await added.textContent()).toContain('Second site is ready')
  await added.getByRole('button', { name: 'Not now' }).click()

  const items = dialog(page, 'Workspaces')
    .getByRole('list', { name: 'Saved workspaces' })
    .getByRole('listitem')
  await poll(() => items.count()).toBe(2)
  const secondItem = items.filter({ hasText: 'Second site' })
  expect(await secondItem.textContent()).toContain(second.endpoint)
  await screenshot(page, 'ui-workspaces')

  await secondItem.getByRole('button', { name: 'Switch to' }).click()
  await poll(() => dialog(page, 'Workspaces').count()).toBe(0)
  const banner = page.getByRole('banner')
  await poll(() => banner.getByRole('button', { name: /^Second site/ }).count()).toBe(1)
  expect(await statusBar(page).textContent()).toContain('Second site')
  expect(await statusBar(page).textContent()).not.toContain('Sandbox — practice data')
  // Its own systems, including the one the practice sandbox lacks, and its own people.
  const systems = page.getByRole('navigation', { name: 'Access systems' })
  await poll(
    () => systems.getByRole('button', { name: /^Grand Central Tower \(load test\)/ }).count(),
    {
      timeout: 20_000,
    },
  ).toBe(1)
  await waitForConnection(page, 'Online')
  const theirs = await serverUsers(seamFor(second))
  await poll(() => peopleShown(page), { timeout: 20_000 }).toBe(theirs.length)
  // Practice tools belong to the sandbox only.
  expect(await practiceSwitch(page).count()).toBe(0)
})
