/**
 * Driving Keyholder the way a person does: by roles and the names they read on screen (which
 * also checks that every control is named), and judging the server with the official SDK,
 * never with the app's own cache.
 */
import { SeamHttp } from '@seamapi/http'
import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { launchChromium, startHarness, type Harness } from './support'

/**
 * Polls until `ok` holds, like `expect.poll` but usable in hooks too (vitest allows
 * `expect.poll` only inside a test). Fails with the last value seen.
 */
export async function until<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
  timeout = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await read()
    if (ok(value)) return value
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}; last saw ${JSON.stringify(value)}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * `expect.poll` with a timeout that suits a browser on a busy 2-core machine (vitest's default
 * is one second).
 */
export const poll: typeof expect.poll = (read, options) =>
  expect.poll(read, { timeout: 10_000, ...options })

/** A front-desk screen; en-GB and London time so phones and dates read the same every run. */
export const DESKTOP: BrowserContextOptions = {
  viewport: { width: 1400, height: 860 },
  locale: 'en-GB',
  timezoneId: 'Europe/London',
  acceptDownloads: true,
}

/** A fresh profile: its own IndexedDB and localStorage, so the welcome screen comes first. */
export function newProfile(browser: Browser, options: BrowserContextOptions = {}) {
  return browser.newContext({ ...DESKTOP, ...options })
}

export const grid = (page: Page) => page.getByRole('grid', { name: 'Users' })
export const searchBox = (page: Page) => page.getByRole('searchbox', { name: 'Search users' })
export const details = (page: Page) => page.getByRole('complementary', { name: 'User details' })
export const dialog = (page: Page, name: string | RegExp) => page.getByRole('dialog', { name })
export const statusBar = (page: Page) => page.getByRole('contentinfo')
export const practiceSwitch = (page: Page) =>
  page.getByRole('switch', { name: 'Simulate connection loss' })
export const outboxButton = (page: Page) => page.getByRole('button', { name: /^Queued edits:/ })

/** Rows of people (the header row has column headers, not cells). */
export const personRows = (page: Page) =>
  grid(page)
    .getByRole('row')
    .filter({ has: page.getByRole('gridcell') })

export const personRow = (page: Page, name: string) =>
  personRows(page).filter({ has: page.getByRole('gridcell', { name, exact: true }) })

/** What the connection light in the top bar says: Online, Offline, Checking…, Key rejected. */
export async function connection(page: Page): Promise<string> {
  return ((await page.getByRole('banner').getByRole('status').textContent()) ?? '').trim()
}

export async function waitForConnection(page: Page, state: 'Online' | 'Offline') {
  await until(
    () => connection(page),
    (s) => s === state,
    `the connection to be ${state}`,
  )
}

/**
 * The clerk's connection drops: `cut` makes every request fail from now on, and the app
 * notices at its next request. "Sync now" makes one, unless something under way already does
 * (a listing disables the button, and may itself turn the app offline first).
 */
export async function loseConnection(page: Page, cut: () => void) {
  cut()
  const sync = page.getByRole('button', { name: 'Sync now' })
  if (await sync.isEnabled()) await sync.click({ timeout: 5_000 }).catch(() => undefined)
  await waitForConnection(page, 'Offline')
}

/** "200 people", "3 people match “ann”": the count above the table, as a number. */
export async function peopleShown(page: Page): Promise<number> {
  const count = page
    .getByRole('main')
    .getByRole('status')
    .filter({ hasText: /(people|person)\b/ })
  if ((await count.count()) !== 1) return -1
  const match = /([\d,]+)\s+(people|person)/.exec((await count.textContent()) ?? '')
  return match?.[1] ? Number(match[1].replace(/,/g, '')) : -1
}

/** The status bar's queue summary, e.g. "2 queued · 0 failed · 0 to decide". */
export async function queueSummary(page: Page): Promise<string> {
  const text = await statusBar(page)
    .getByRole('button', { name: /queued/ })
    .textContent()
  return (text ?? '').replace(/\s+/g, ' ').trim()
}

/**
 * Opens the app in a new tab of `context`. On a fresh profile the welcome screen comes first
 * and "Try the sandbox" passes it, as a first-time clerk would.
 */
export async function openApp(context: BrowserContext, harness: Harness): Promise<Page> {
  const page = await context.newPage()
  await page.goto(harness.url)
  const welcome = page.getByRole('heading', { name: 'Welcome to Keyholder' })
  const banner = page.getByRole('banner')
  await until(
    async () => (await welcome.count()) + (await banner.count()),
    (n) => n > 0,
    'the welcome screen or the app',
  )
  if (await welcome.count()) await page.getByRole('button', { name: 'Try the sandbox' }).click()
  await waitForPeople(page)
  return page
}

/** Waits until the table shows people (the index is ready and rows are drawn). */
export async function waitForPeople(page: Page) {
  await until(
    () => peopleShown(page),
    (n) => n > 0,
    'the count of people',
    30_000,
  )
  await until(
    () => personRows(page).count(),
    (n) => n > 0,
    'rows of people',
    30_000,
  )
}

export async function search(page: Page, text: string) {
  await searchBox(page).fill(text)
}

/** Finds a person by name with the search box and opens their details. */
export async function openPerson(page: Page, name: string): Promise<Locator> {
  await search(page, name)
  const row = personRow(page, name)
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBeGreaterThan(0)
  await row.first().click()
  const panel = details(page)
  await expect
    .poll(() => panel.getByRole('heading', { level: 2, name, exact: true }).count())
    .toBe(1)
  return panel
}

/** Flips the sandbox's "Simulate connection loss" switch and waits for the app to notice. */
export async function setConnectionLoss(page: Page, lost: boolean) {
  const control = practiceSwitch(page)
  if ((await control.isChecked()) !== lost) await control.click()
  await until(
    () => control.isChecked(),
    (c) => c === lost,
    'the switch to flip',
  )
  await waitForConnection(page, lost ? 'Offline' : 'Online')
}

/** Closes a dialog with its ✕ (the footer's "Close" does the same). */
export async function closeDialog(page: Page, name: string) {
  const box = dialog(page, name)
  await box.getByRole('button', { name: 'Close', exact: true }).first().click()
  await until(
    () => box.count(),
    (n) => n === 0,
    `the ${name} dialog to close`,
  )
}

/** Closes a user form with something typed in it, answering "Close without saving". */
export async function discardForm(page: Page, name: string) {
  const box = dialog(page, name)
  const discard = box.getByRole('button', { name: 'Close without saving' })
  if (!(await discard.count()))
    await box.getByRole('button', { name: 'Close', exact: true }).click()
  if (await box.count()) await discard.click()
  await until(
    () => box.count(),
    (n) => n === 0,
    `the ${name} form to close`,
  )
}

/** Answers a confirmation: checks its title and what it says will happen, then confirms. */
export async function confirm(
  page: Page,
  title: string,
  says: (string | RegExp)[],
  button: string,
): Promise<void> {
  const box = dialog(page, title)
  await expect.poll(() => box.count()).toBe(1)
  const text = (await box.textContent()) ?? ''
  for (const line of says) expect(text).toMatch(line)
  await box.getByRole('button', { name: button, exact: true }).click()
  await expect.poll(() => box.count()).toBe(0)
}

/** The text of the elements an element's aria-describedby points at (hints and errors). */
export function description(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
      .filter(Boolean)
      .join(' '),
  )
}

/** A test file's app: the harness on its own sandbox, opened in a fresh Chromium profile. */
export interface SandboxApp {
  browser: Browser
  harness: Harness
  context: BrowserContext
  page: Page
  /** The official SDK on the same sandbox, to judge what Seam has. */
  seam: SeamHttp
}

/**
 * Starts a test file's app. `prepare` sets up the sandbox's people first, so the app's first
 * sync already has them. Whatever was started is stopped again if a step fails.
 */
export async function openSandboxApp(
  prepare?: (seam: SeamHttp) => Promise<void>,
): Promise<SandboxApp> {
  const started: Partial<SandboxApp> = {}
  try {
    started.browser = await launchChromium()
    started.harness = await startHarness(['--print-sandbox-credentials'])
    started.seam = seamFor(started.harness.sandbox!)
    await prepare?.(started.seam)
    started.context = await newProfile(started.browser)
    started.page = await openApp(started.context, started.harness)
    return started as SandboxApp
  } catch (cause) {
    await closeSandboxApp(started)
    throw cause
  }
}

export async function closeSandboxApp(app: Partial<SandboxApp> | undefined): Promise<void> {
  await app?.context?.close()
  await app?.browser?.close()
  await app?.harness?.stop()
}

export function seamFor(credentials: { endpoint: string; apiKey: string }): SeamHttp {
  return new SeamHttp({ apiKey: credentials.apiKey, endpoint: credentials.endpoint })
}

/** Every user on the server, straight from Seam (one page: the sandbox holds a few hundred). */
export function serverUsers(seam: SeamHttp, acs_system_id?: string) {
  return seam.acs.users.list({ limit: 10_000, ...(acs_system_id && { acs_system_id }) })
}

export async function serverUserByEmail(seam: SeamHttp, email: string) {
  return (await serverUsers(seam)).find((u) => u.email_address === email)
}

export async function serverUserByName(seam: SeamHttp, name: string) {
  return (await serverUsers(seam)).filter((u) => u.full_name === name)
}

export async function serverGroupNames(seam: SeamHttp, acs_user_id: string): Promise<string[]> {
  const groups = await seam.acs.accessGroups.list({ acs_user_id })
  return groups.map((g) => g.name).sort()
}

/** The server's copy of a user, or null once it is gone. */
export async function serverUser(seam: SeamHttp, acs_user_id: string) {
  try {
    return await seam.acs.users.get({ acs_user_id })
  } catch (cause) {
    if ((cause as { statusCode?: number }).statusCode === 404) return null
    throw cause
  }
}

export async function systemId(seam: SeamHttp, name: string): Promise<string> {
  const system = (await seam.acs.systems.list()).find((s) => s.name === name)
  if (!system) throw new Error(`no system named ${name}`)
  return system.acs_system_id
}

export interface Practice {
  acs_user_id: string
  name: string
  email: string
}

/**
 * Practice people of one system with nothing going on (not suspended, no errors, warnings or
 * pending changes, a name nobody else has), optionally in `group`: safe to change in a test.
 */
export async function plainPeople(
  seam: SeamHttp,
  systemName: string,
  count: number,
  group?: string,
): Promise<Practice[]> {
  const system = await systemId(seam, systemName)
  const everyone = await serverUsers(seam)
  const names = new Map<string, number>()
  for (const u of everyone) names.set(u.full_name ?? '', (names.get(u.full_name ?? '') ?? 0) + 1)
  const found: Practice[] = []
  for (const u of everyone) {
    if (found.length === count) break
    const plain =
      u.acs_system_id === system &&
      !u.is_suspended &&
      u.errors.length + u.warnings.length + (u.pending_mutations?.length ?? 0) === 0 &&
      names.get(u.full_name ?? '') === 1
    if (!plain || (group && !(await serverGroupNames(seam, u.acs_user_id)).includes(group)))
      continue
    found.push({ acs_user_id: u.acs_user_id, name: u.full_name!, email: u.email_address ?? '' })
  }
  if (found.length < count) throw new Error(`only ${found.length} plain people in ${systemName}`)
  return found
}
