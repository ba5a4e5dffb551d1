import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import { closedPort, launchChromium, screenshot, startHarness, type Harness } from './support'

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

describe('the sandbox through the harness', () => {
  let harness: Harness
  beforeAll(async () => {
    harness = await startHarness()
  })
  afterAll(() => harness?.stop())

  test('pick a system, see its users, open one', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } })
    await page.goto(harness.url)
    await expect.poll(() => page.getByText('Sandbox — practice data').count()).toBe(1)

    const systems = page.getByRole('navigation', { name: 'Access systems' }).getByRole('button')
    await expect.poll(() => systems.count()).toBeGreaterThanOrEqual(3)
    await systems.nth(1).click()

    const table = page.getByRole('table', { name: 'Users' })
    await expect.poll(() => table.getByRole('row').count(), { timeout: 20_000 }).toBeGreaterThan(10)
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Online' }).count()).toBe(1)

    const firstName = table.getByRole('row').nth(1).getByRole('button')
    const name = (await firstName.textContent())?.trim() ?? ''
    await firstName.click()
    const detail = page.getByRole('heading', { level: 2, name })
    await expect.poll(() => detail.count()).toBe(1)
    await screenshot(page, 'foundation-users')
    await page.close()
  })

  test('the page cannot drive the harness without its token', async () => {
    const response = await fetch(new URL('/ipc', harness.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-keyholder-token': 'guess' },
      body: JSON.stringify({ channel: 'systems.list', payload: {} }),
    })
    expect(response.status).toBe(403)
  })
})

describe('a workspace whose server is unreachable', () => {
  let harness: Harness
  beforeAll(async () => {
    const port = await closedPort()
    harness = await startHarness([
      '--seam-endpoint',
      `http://127.0.0.1:${port}`,
      '--api-key',
      'seam_test_key',
    ])
  })
  afterAll(() => harness?.stop())

  test('shows an understandable error', async () => {
    const page = await browser.newPage()
    await page.goto(harness.url)
    const alert = page.getByRole('alert')
    await expect.poll(() => alert.textContent(), { timeout: 30_000 }).toContain('Cannot reach Seam')
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Offline' }).count()).toBe(1)
    await screenshot(page, 'foundation-unreachable')
    await page.close()
  })
})

describe('a workspace whose key is refused', () => {
  let sandbox: Sandbox
  let harness: Harness
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, users: 10 })
    harness = await startHarness([
      '--seam-endpoint',
      sandbox.endpoint,
      '--api-key',
      'seam_wrong_key',
    ])
  })
  afterAll(async () => {
    await harness?.stop()
    await sandbox?.stop()
  })

  test('says the key was refused', async () => {
    const page = await browser.newPage()
    await page.goto(harness.url)
    const alert = page.getByRole('alert')
    await expect
      .poll(() => alert.textContent(), { timeout: 30_000 })
      .toContain('The API key was refused')
    await page.close()
  })
})
