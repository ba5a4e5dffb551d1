/**
 * Finding people: the search box, the filters, the keyboard, and what the detail says about a
 * person's errors, warnings and pending changes. Counts are judged against Seam via the SDK.
 */
import type { SeamHttp } from '@seamapi/http'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { describeError, describeMutation, describeWarning } from '../../src/shared/catalogue'
import {
  poll,
  details,
  dialog,
  grid,
  openPerson,
  peopleShown,
  personRows,
  search,
  searchBox,
  serverUsers,
  openSandboxApp,
  closeSandboxApp,
  type SandboxApp,
} from './ui'

let app: SandboxApp
let page: Page
let seam: SeamHttp
let everyone: Awaited<ReturnType<typeof serverUsers>>

beforeAll(async () => {
  app = await openSandboxApp(async (sandbox) => {
    seam = sandbox
    everyone = await serverUsers(seam)
  })
  page = app.page
})
afterAll(() => closeSandboxApp(app))

/** The names in the rows on screen. */
async function namesShown(): Promise<string[]> {
  const names: string[] = []
  for (const row of await personRows(page).all()) {
    names.push(((await row.getByRole('gridcell').first().textContent()) ?? '').trim())
  }
  return names
}

test('typing in the search box narrows the table', async () => {
  const target = everyone.find((u) => u.full_name && u.email_address)!
  await search(page, target.full_name!)
  await poll(() => peopleShown(page)).toBe(1)
  const count = await page.getByRole('main').getByRole('status').first().textContent()
  expect(count?.replace(/\s+/g, ' ')).toContain(`1 person matches “${target.full_name}”`)
  expect(await namesShown()).toEqual([target.full_name])
  expect(await personRows(page).first().textContent()).toContain(target.email_address)

  // Part of an email domain: everyone whose email has it, and nobody else.
  const domain = 'example.net'
  const expected = everyone.filter((u) => u.email_address?.includes(domain)).length
  expect(expected).toBeGreaterThan(5)
  await search(page, domain)
  await poll(() => peopleShown(page)).toBe(expected)
  for (const row of await personRows(page).all()) expect(await row.textContent()).toContain(domain)

  await search(page, 'nobody-is-called-this')
  await poll(() => page.getByText('Nobody matches.').count()).toBe(1)
  await search(page, '')
  await poll(() => peopleShown(page)).toBe(everyone.length)
})

test('filters change the rows to what Seam says', async () => {
  const now = Date.now()
  const count = (keep: (u: (typeof everyone)[number]) => boolean) => everyone.filter(keep).length
  const filters = page.getByRole('group', { name: 'Filters' })
  const checks: [() => Promise<void>, () => Promise<void>, number][] = [
    [
      () => filters.getByLabel('Status').selectOption({ label: 'Suspended' }).then(),
      () => filters.getByLabel('Status').selectOption({ label: 'Any' }).then(),
      count((u) => u.is_suspended === true),
    ],
    [
      () => filters.getByRole('checkbox', { name: 'Has errors' }).check(),
      () => filters.getByRole('checkbox', { name: 'Has errors' }).uncheck(),
      count((u) => u.errors.length > 0),
    ],
    [
      () => filters.getByRole('checkbox', { name: 'Has warnings' }).check(),
      () => filters.getByRole('checkbox', { name: 'Has warnings' }).uncheck(),
      count((u) => u.warnings.length > 0),
    ],
    [
      // Nothing of ours is queued, so "pending" is Seam's own changes on their way.
      () => filters.getByRole('checkbox', { name: 'Changes pending' }).check(),
      () => filters.getByRole('checkbox', { name: 'Changes pending' }).uncheck(),
      count((u) => (u.pending_mutations?.length ?? 0) > 0),
    ],
    [
      () => filters.getByLabel('Schedule').selectOption({ label: 'Expired' }).then(),
      () => filters.getByLabel('Schedule').selectOption({ label: 'Any' }).then(),
      count((u) => !!u.access_schedule?.ends_at && Date.parse(u.access_schedule.ends_at) <= now),
    ],
  ]
  for (const [apply, undo, expected] of checks) {
    expect(expected).toBeGreaterThan(0)
    await apply()
    await poll(() => peopleShown(page)).toBe(expected)
    await undo()
    await poll(() => peopleShown(page)).toBe(everyone.length)
  }
  // Each suspended row says so.
  await filters.getByLabel('Status').selectOption({ label: 'Suspended' })
  for (const row of await personRows(page).all())
    expect(await row.textContent()).toContain('Suspended')
  await filters.getByRole('button', { name: 'Clear filters' }).click()
  await poll(() => peopleShown(page)).toBe(everyone.length)
})

test('keyboard: Ctrl+F searches, Ctrl+N adds, arrows and Enter open a person', async () => {
  await page.getByRole('heading', { level: 2, name: 'All systems' }).click()
  await page.keyboard.press('Control+f')
  expect(await searchBox(page).evaluate((el) => el === document.activeElement)).toBe(true)

  await page.keyboard.press('Escape')
  await page.getByRole('heading', { level: 2, name: 'All systems' }).click()
  await page.keyboard.press('Control+n')
  const form = dialog(page, 'New user')
  await poll(() => form.count()).toBe(1)
  // Ctrl+R means "Sync now", never a reload that would lose what the form holds.
  // (Headless Chromium has no reload key of its own: that the app cancels it is what counts.)
  await form.getByLabel('Full name').fill('Half typed')
  for (const key of [{ key: 'r', ctrlKey: true }, { key: 'F5' }]) {
    const cancelled = await form
      .getByLabel('Full name')
      .evaluate(
        (input, init) =>
          !input.dispatchEvent(
            new KeyboardEvent('keydown', { ...init, bubbles: true, cancelable: true }),
          ),
        key,
      )
    expect(cancelled, key.key).toBe(true)
  }
  expect(await form.getByLabel('Full name').inputValue()).toBe('Half typed')
  await form.getByLabel('Full name').fill('')
  await page.keyboard.press('Escape')
  await poll(() => form.count()).toBe(0)
  // A dialog closed with Escape gives the focus back to where the person was.
  await searchBox(page).focus()
  await page.keyboard.press('Control+n')
  await poll(() => form.count()).toBe(1)
  await page.keyboard.press('Escape')
  await poll(() => form.count()).toBe(0)
  expect(await searchBox(page).evaluate((el) => el === document.activeElement)).toBe(true)

  // From the search box, ArrowDown goes into the table; two rows down and Enter opens the third.
  await searchBox(page).focus()
  await page.keyboard.press('ArrowDown')
  expect(await grid(page).evaluate((el) => el === document.activeElement)).toBe(true)
  const third = (await namesShown())[2]!
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('Enter')
  await poll(() =>
    details(page).getByRole('heading', { level: 2, name: third, exact: true }).count(),
  ).toBe(1)
  const row = personRows(page).nth(2)
  expect(await row.getAttribute('aria-selected')).toBe('true')
  expect(await grid(page).getAttribute('aria-activedescendant')).toBe(await row.getAttribute('id'))

  // Enter on a column's sort button sorts by that column; it does not open the active person.
  await page.getByRole('button', { name: 'Close user details' }).click()
  await poll(() => details(page).count()).toBe(0)
  await page.getByRole('button', { name: 'Email', exact: true }).focus()
  await page.keyboard.press('Enter')
  await poll(() =>
    page.getByRole('columnheader', { name: 'Email' }).getAttribute('aria-sort'),
  ).toBe('ascending')
  expect(await details(page).count()).toBe(0)
  await page.getByRole('button', { name: 'Name', exact: true }).click()
})

test('the detail explains errors, warnings and pending changes, and what to do', async () => {
  const withError = everyone.find((u) => u.errors[0]?.error_code === 'deleted_externally')!
  const withWarning = everyone.find((u) => u.warnings[0]?.warning_code === 'being_deleted')!
  const withPending = everyone.find((u) => u.pending_mutations?.[0]?.mutation_code === 'deleting')!
  const cases = [
    { user: withError, kind: 'Error:', text: describeError('deleted_externally') },
    { user: withWarning, kind: 'Warning:', text: describeWarning('being_deleted') },
    { user: withPending, kind: 'In progress at Seam:', text: describeMutation('deleting') },
  ]
  for (const { user, kind, text } of cases) {
    const panel = await openPerson(page, user.full_name!)
    const attention = panel.getByRole('heading', { name: 'Needs attention' })
    await poll(() => attention.count()).toBe(1)
    const item = panel.getByRole('listitem').filter({ hasText: kind })
    const said = ((await item.textContent()) ?? '').replace(/\s+/g, ' ')
    expect(said).toContain(`${kind} ${text.title}`)
    expect(said).toContain(text.explanation)
    expect(said).toContain(`What to do: ${text.next_step}`)
  }

  // A problem that keeps every door shut is not contradicted by "Active" and a list of doors.
  const shutOut = everyone.find(
    (u) => u.errors[0]?.error_code === 'deleted_externally' && !u.is_suspended,
  )!
  const locked = await openPerson(page, shutOut.full_name!)
  await poll(() => locked.getByRole('heading', { name: 'Doors they are given' }).count()).toBe(1)
  expect(await locked.textContent()).toContain('not suspended, but no door opens for them')

  // A Latch resident is changed in Latch Mission Control: the actions say so instead of acting.
  const resident = everyone.find((u) =>
    u.warnings.some((w) => w.warning_code === 'latch_resident_user'),
  )!
  const panel = await openPerson(page, resident.full_name!)
  await poll(() => panel.getByText('are made in Latch Mission Control, not here.').count()).toBe(1)
  for (const action of ['Edit', 'Suspend', 'Revoke all access', 'Delete']) {
    expect(await panel.getByRole('button', { name: action, exact: true }).isDisabled()).toBe(true)
  }
})
