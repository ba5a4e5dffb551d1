/**
 * Desktop manners: usable at the zoom levels front-desk PCs ship with, readable in dark mode,
 * and names that look like markup or run right-to-left are shown as the text they are.
 *
 * OS display scaling gives the page fewer CSS pixels at a higher device pixel ratio: a
 * 1920×1080 screen at 150% is a 1280×720 page, a 1366×768 laptop at 125% is 1093×614.
 */
import type { SeamHttp } from '@seamapi/http'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { seriousViolations } from './axe'
import { launchChromium, screenshot, startHarness, type Harness } from './support'
import {
  poll,
  details,
  dialog,
  grid,
  newProfile,
  openApp,
  openPerson,
  personRow,
  personRows,
  queueSummary,
  search,
  searchBox,
  seamFor,
  serverUserByName,
} from './ui'

let browser: Browser
let harness: Harness
let seam: SeamHttp

beforeAll(async () => {
  browser = await launchChromium()
  harness = await startHarness(['--print-sandbox-credentials'])
  seam = seamFor(harness.sandbox!)
})
afterAll(async () => {
  await browser?.close()
  await harness?.stop()
})

/** Entirely inside the window: nothing of it is cut off or pushed out of reach. */
async function fullyVisible(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox()
  const view = page.viewportSize()!
  return (
    !!box &&
    box.width > 0 &&
    box.height > 0 &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= view.width + 0.5 &&
    box.y + box.height <= view.height + 0.5
  )
}

for (const { zoom, screen } of [
  { zoom: 1.25, screen: { width: 1366, height: 768 } },
  { zoom: 1.5, screen: { width: 1920, height: 1080 } },
  { zoom: 1.5, screen: { width: 1400, height: 860 } },
]) {
  test(`at ${zoom * 100}% on a ${screen.width}×${screen.height} screen nothing important is cut off`, async () => {
    const viewport = {
      width: Math.floor(screen.width / zoom),
      height: Math.floor(screen.height / zoom),
    }
    const context = await newProfile(browser, { viewport, deviceScaleFactor: zoom })
    try {
      const page = await openApp(context, harness)
      const newUser = page.getByRole('button', { name: 'New user' })
      for (const control of [searchBox(page), newUser, grid(page)]) {
        expect(await fullyVisible(page, control)).toBe(true)
      }
      expect((await searchBox(page).boundingBox())!.width).toBeGreaterThan(200)
      // The page itself never scrolls sideways; only the table may.
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      ).toBe(true)

      // Names are what a clerk scans the table for: none on screen may be cut short (asserted
      // last, so the other checks still report).
      const truncated = await personRows(page).evaluateAll((rows) =>
        rows
          .map((row) => row.querySelector('[role="gridcell"]') as HTMLElement)
          .filter((cell) => cell.scrollWidth > cell.clientWidth)
          .map((cell) => cell.textContent?.trim()),
      )

      const name = (
        (await personRows(page).nth(1).getByRole('gridcell').first().textContent()) ?? ''
      ).trim()
      const panel = await openPerson(page, name)
      for (const label of [
        'Edit',
        'Suspend',
        'Revoke all access',
        'Delete',
        'Close user details',
      ]) {
        const button = panel.getByRole('button', { name: label, exact: true })
        expect(await fullyVisible(page, button), label).toBe(true)
      }
      // With the detail open the table is still there to work with.
      expect(await fullyVisible(page, personRow(page, name).getByRole('gridcell').first())).toBe(
        true,
      )
      expect((await grid(page).boundingBox())!.width).toBeGreaterThan(300)
      // …all of its columns, without scrolling sideways: status and problems stay in sight.
      expect(
        await grid(page).evaluate((el) => {
          const scroller = el.querySelector('.scroller')!
          return scroller.scrollWidth <= scroller.clientWidth
        }),
      ).toBe(true)
      expect(
        await fullyVisible(page, grid(page).getByRole('columnheader', { name: 'Needs attention' })),
      ).toBe(true)
      if (zoom === 1.5 && screen.width === 1920) await screenshot(page, 'ui-zoom-150')

      await newUser.click()
      const form = dialog(page, 'New user')
      const create = form.getByRole('button', { name: 'Create user' })
      expect(await fullyVisible(page, create)).toBe(true)
      await form.getByLabel('Full name').fill('Zoom Tester')
      expect(
        await fullyVisible(page, form.getByRole('button', { name: 'Close', exact: true }).first()),
      ).toBe(true)
      expect(truncated).toEqual([])
    } finally {
      await context.close()
    }
  })
}

test('dark mode: dark, and still readable', async () => {
  const context = await newProfile(browser, { colorScheme: 'dark' })
  try {
    const page = await openApp(context, harness)
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number) as [number, number, number]
    expect(r + g + b).toBeLessThan(150)
    const name = (
      (await personRows(page).first().getByRole('gridcell').first().textContent()) ?? ''
    ).trim()
    await openPerson(page, name)
    await screenshot(page, 'ui-dark')
    expect(await seriousViolations(page)).toEqual([])
  } finally {
    await context.close()
  }
})

test('names that look like markup, or run right to left with emoji, are shown as typed', async () => {
  const names = ['<img src=x onerror=alert(1)>', 'مريم الحسن 👩🏽‍💻 O’Brien']
  const context = await newProfile(browser)
  try {
    const page = await openApp(context, harness)
    const alerts: string[] = []
    page.on('dialog', (d) => {
      alerts.push(d.message())
      void d.dismiss()
    })
    for (const name of names) {
      await page.getByRole('button', { name: 'New user' }).click()
      const form = dialog(page, 'New user')
      await form.getByLabel('Full name').fill(name)
      await form.getByRole('button', { name: 'Create user' }).click()
      await poll(() => form.count()).toBe(0)
    }
    await poll(() => queueSummary(page), { timeout: 20_000 }).toBe(
      '0 queued · 0 failed · 0 to decide',
    )

    for (const name of names) {
      await poll(async () => (await serverUserByName(seam, name)).length).toBe(1)
      await search(page, name)
      const cell = personRow(page, name).getByRole('gridcell').first()
      await poll(() => cell.count()).toBe(1)
      expect(await cell.textContent()).toBe(name)
      expect(await grid(page).locator('img').count()).toBe(0)
      await personRow(page, name).click()
      const heading = details(page).getByRole('heading', { level: 2 })
      await poll(() => heading.textContent()).toBe(name)
      expect(await details(page).locator('img').count()).toBe(0)
    }
    expect(alerts).toEqual([])
  } finally {
    await context.close()
  }
})
