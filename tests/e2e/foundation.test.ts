import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { startSandbox, type Sandbox } from '../../src/main/sandbox'
import {
  deadEndpoint,
  launchChromium,
  portOf,
  screenshot,
  startHarness,
  type Harness,
} from './support'
import {
  poll,
  connection,
  newProfile,
  peopleShown,
  personRows,
  seamFor,
  serverUsers,
  statusBar,
  systemId,
  waitForConnection,
  waitForPeople,
} from './ui'

let browser: Browser

beforeAll(async () => {
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
})

/**
 * A fresh profile shows the welcome screen first; these tests click through it as a clerk
 * would. (Should the welcome stop appearing when a workspace is already configured, there is
 * nothing to click through.)
 */
async function pastWelcome(harness: Harness): Promise<Page> {
  const page = await (await newProfile(browser)).newPage()
  await page.goto(harness.url)
  const welcome = page.getByRole('heading', { name: 'Welcome to Keyholder' })
  await poll(async () => (await welcome.count()) + (await page.getByRole('banner').count())).toBe(1)
  if (await welcome.count()) await page.getByRole('button', { name: 'Try the sandbox' }).click()
  await poll(() => page.getByRole('banner').count()).toBe(1)
  return page
}

describe('the sandbox through the harness', () => {
  let harness: Harness
  beforeAll(async () => {
    harness = await startHarness(['--print-sandbox-credentials'])
  })
  afterAll(() => harness?.stop())

  test('first run: welcome, try the sandbox, see its systems and people, open one', async () => {
    const seam = seamFor(harness.sandbox!)
    const context = await newProfile(browser)
    const page = await context.newPage()
    await page.goto(harness.url)
    const welcome = page.getByRole('heading', { level: 1, name: 'Welcome to Keyholder' })
    await poll(() => welcome.count()).toBe(1)
    expect(await page.getByRole('button', { name: 'Connect a Seam workspace' }).count()).toBe(1)
    await screenshot(page, 'ui-welcome')
    await page.getByRole('button', { name: 'Try the sandbox' }).click()

    // Every system on the server is listed, and the table holds every person.
    const systems = page.getByRole('navigation', { name: 'Access systems' }).getByRole('button')
    for (const system of await seam.acs.systems.list()) {
      const button = systems.filter({ hasText: system.name })
      await poll(() => button.count(), { timeout: 20_000 }).toBe(1)
    }
    await waitForPeople(page)
    const everyone = await serverUsers(seam)
    await poll(() => peopleShown(page), { timeout: 20_000 }).toBe(everyone.length)

    // Sandbox mode is marked where the eye goes first and where it ends up.
    const workspace = page.getByRole('banner').getByRole('button', { name: /^Sandbox/ })
    expect((await workspace.textContent())?.trim()).toContain('Sandbox — practice data')
    expect(await statusBar(page).textContent()).toContain('Sandbox — practice data')
    expect(await page.getByRole('region', { name: 'Practice' }).count()).toBe(1)
    await waitForConnection(page, 'Online')
    await screenshot(page, 'ui-main')

    const harbour = systems.filter({ hasText: 'Harbour View Offices' })
    await harbour.click()
    expect(await harbour.getAttribute('aria-current')).toBe('true')
    const harbourId = await systemId(seam, 'Harbour View Offices')
    const expected = everyone.filter((u) => u.acs_system_id === harbourId)
    await poll(() => peopleShown(page)).toBe(expected.length)

    const first = personRows(page).first()
    const name = ((await first.getByRole('gridcell').first().textContent()) ?? '').trim()
    expect(expected.map((u) => u.full_name)).toContain(name)
    await first.click()
    await poll(() => page.getByRole('heading', { level: 2, name, exact: true }).count()).toBe(1)

    // The welcome is a first-run screen only.
    await page.reload()
    await waitForPeople(page)
    expect(await welcome.count()).toBe(0)
    await context.close()
  })

  test('nothing can drive the harness without its per-run token', async () => {
    const url = new URL('/ipc', harness.url)
    url.protocol = 'ws:'
    const outcome = (protocols: string[]) =>
      new Promise<'open' | 'refused'>((resolve) => {
        const ws = new WebSocket(url, protocols)
        ws.onopen = () => {
          ws.close()
          resolve('open')
        }
        ws.onerror = () => resolve('refused')
      })
    expect(await outcome(['keyholder.guess'])).toBe('refused')
    expect(await outcome([])).toBe('refused')
    // Asking for the page does not give the token away: only the printed URL carries it.
    const token = new URLSearchParams(new URL(harness.url).hash.slice(1)).get('token')!
    expect(token).toMatch(/^[0-9a-f]{64}$/)
    for (const path of ['/', '/harness.html', '/bench.html']) {
      const page = await (await fetch(new URL(path, harness.url))).text()
      expect(page, path).toContain('<html')
      expect(page, path).not.toContain(token)
    }
    expect(await outcome([`keyholder.${token}`])).toBe('open')
  })
})

describe('a workspace whose server is unreachable', () => {
  let harness: Harness
  let dead: Awaited<ReturnType<typeof deadEndpoint>>
  beforeAll(async () => {
    dead = await deadEndpoint()
    harness = await startHarness(['--seam-endpoint', dead.endpoint], { apiKey: 'seam_test_key' })
  })
  afterAll(async () => {
    await harness?.stop()
    await dead?.close()
  })

  test('says Seam cannot be reached, and that nothing is saved yet', async () => {
    const page = await pastWelcome(harness)
    await poll(() => connection(page), { timeout: 30_000 }).toBe('Offline')
    const light = page
      .getByRole('banner')
      .getByRole('status', { name: 'The Seam API cannot be reached.' })
    expect(await light.count()).toBe(1)
    await poll(() => statusBar(page).textContent()).toContain(
      'Offline — showing what Keyholder last saw',
    )
    const notice = page.getByRole('main').getByRole('status').filter({ hasText: 'Offline.' })
    await poll(() => notice.textContent()).toContain('You are seeing what Keyholder last saw')
    await poll(() => page.getByRole('main').textContent()).toContain(
      'Nothing saved on this computer yet',
    )
    await screenshot(page, 'foundation-unreachable')
    await page.context().close()
  })
})

describe('a workspace whose key is refused', () => {
  let sandbox: Sandbox
  let harness: Harness
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, users: 10 })
    harness = await startHarness(['--seam-endpoint', sandbox.endpoint], {
      apiKey: 'seam_wrong_key',
    })
  })
  afterAll(async () => {
    await harness?.stop()
    await sandbox?.stop()
  })

  test('says the key was refused', async () => {
    const page = await pastWelcome(harness)
    await poll(() => connection(page), { timeout: 30_000 }).toBe('Key rejected')
    const light = page.getByRole('banner').getByRole('status', { name: 'The API key was refused.' })
    expect(await light.count()).toBe(1)
    await poll(() => statusBar(page).textContent()).toContain(
      'Seam refused the API key — edits wait until it is replaced',
    )
    // Said plainly where the people would be, with the way out next to it.
    const alert = page.getByRole('alert').filter({ hasText: 'Seam refused the API key' })
    await poll(() => alert.count()).toBe(1)
    await alert.getByRole('button', { name: 'Enter a new key…' }).click()
    await poll(() => page.getByRole('dialog', { name: 'Workspaces' }).count()).toBe(1)
    await page.context().close()
  })
})

describe('first run on a computer where a real workspace is already configured', () => {
  let sandbox: Sandbox
  let harness: Harness
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, users: 10 })
    harness = await startHarness(['--seam-endpoint', sandbox.endpoint], { apiKey: sandbox.apiKey })
  })
  afterAll(async () => {
    await harness?.stop()
    await sandbox?.stop()
  })

  test('"Try the sandbox" never leaves the clerk in the real workspace', async () => {
    // The button promises "Nothing here touches real doors, so explore freely": if the welcome
    // is shown at all, choosing it must land in the sandbox, not in the configured workspace.
    const page = await (await newProfile(browser)).newPage()
    await page.goto(harness.url)
    const welcome = page.getByRole('heading', { name: 'Welcome to Keyholder' })
    const banner = page.getByRole('banner')
    await poll(async () => (await welcome.count()) + (await banner.count())).toBe(1)
    if (await welcome.count()) {
      await page.getByRole('button', { name: 'Try the sandbox' }).click()
      const workspace = banner.getByRole('button', { name: /^Sandbox — practice data/ })
      await poll(() => workspace.count()).toBe(1)
      expect(await page.getByRole('switch', { name: 'Simulate connection loss' }).count()).toBe(1)
    }
    await page.context().close()
  })
})

describe('a harness started again on the same port', () => {
  test('the page picks up the new printed address, token and all, without losing its place', async () => {
    let harness = await startHarness()
    const port = portOf(harness.url)
    const page = await (await newProfile(browser)).newPage()
    try {
      await page.goto(harness.url)
      const info = () =>
        page.evaluate(async () => (await window.keyholder.invoke('app.info', {})).ok)
      await poll(info).toBe(true)
      // The token is out of the address bar, kept for this tab only.
      expect(new URL(page.url()).hash).toBe('')

      await harness.stop()
      harness = await startHarness(['--port', port])
      // The old token is refused by the new harness…
      expect(await info()).toBe(false)
      // …and opening the new address in the same tab (only its fragment differs) is enough.
      await page.goto(harness.url)
      await poll(info).toBe(true)
    } finally {
      await page.context().close()
      await harness.stop()
    }
  })
})
