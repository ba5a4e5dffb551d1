/**
 * Every action on a person, online: what the clerk sees, what each confirmation says, and what
 * Seam ends up with (judged with the official SDK against the harness's own sandbox).
 */
import type { SeamHttp } from '@seamapi/http'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { screenshot } from './support'
import {
  poll,
  confirm,
  description,
  details,
  dialog,
  openPerson,
  plainPeople,
  type Practice,
  peopleShown,
  personRow,
  queueSummary,
  serverUsers,
  systemId,
  serverGroupNames,
  serverUser,
  serverUserByEmail,
  setConnectionLoss,
  openSandboxApp,
  closeSandboxApp,
  type SandboxApp,
} from './ui'

let app: SandboxApp
let page: Page
let seam: SeamHttp
/** Practice people of Harbour View Offices in "Office staff", one per test, untouched by others. */
let people: Practice[] = []

const SETTLED = '0 queued · 0 failed · 0 to decide'
const HARBOUR = 'Harbour View Offices'

beforeAll(async () => {
  app = await openSandboxApp(async (sandbox) => {
    seam = sandbox
    people = await plainPeople(seam, HARBOUR, 7, 'Office staff')
  })
  page = app.page
})
afterAll(() => closeSandboxApp(app))

/** Waits until every queued edit has been sent and the person shows nothing pending. */
async function settled() {
  await poll(() => queueSummary(page), { timeout: 20_000 }).toBe(SETTLED)
  await poll(() => details(page).getByText('Not sent yet').count()).toBe(0)
}

const person = (i: number) => people[i]!

/** The list under "Doors they can open" (or "…are given", when they do not open now), sorted. */
async function doorsShown(panel: Locator): Promise<string[]> {
  const heading = panel.getByRole('heading', { name: /^Doors they (can open|are given)$/ })
  // The list follows the heading, after a note on why they do not open now, if any.
  const list = heading.locator(
    'xpath=(following-sibling::*[1][self::ul] | following-sibling::*[1][self::p][contains(@class, "note")]/following-sibling::*[1][self::ul])',
  )
  return (await list.getByRole('listitem').allTextContents()).map((d) => d.trim()).sort()
}

test('create a person with email, a local phone number, a schedule and an access group', async () => {
  const name = 'Robin Quayle-Testperson'
  const email = 'robin.quayle@keyholder.example'
  const before = await serverUsers(seam)
  await page.getByRole('button', { name: 'New user' }).click()
  const form = dialog(page, 'New user')
  await form.getByLabel('System').selectOption({ label: HARBOUR })
  await form.getByLabel('Full name').fill(name)
  await form.getByLabel('Email').fill(email)
  const phone = form.getByLabel('Phone', { exact: true })
  await phone.fill('020 7183 8750')
  // Typed the way a London clerk says it; the form shows what will be saved.
  await poll(() => description(phone)).toContain('Will be saved as +44 20 7183 8750')
  await form.getByLabel('Starts').fill('2030-01-02T09:00')
  await form.getByLabel('Ends').fill('2030-06-30T18:00')
  await form.getByRole('checkbox', { name: 'Office staff' }).check()
  await form.getByRole('button', { name: 'Create user' }).click()
  await poll(() => form.count()).toBe(0)

  const panel = details(page)
  await poll(() => panel.getByRole('heading', { level: 2, name }).count()).toBe(1)
  await poll(() => serverUserByEmail(seam, email), { timeout: 20_000 }).toBeTruthy()
  const created = (await serverUserByEmail(seam, email))!
  expect(created.full_name).toBe(name)
  expect(created.phone_number).toBe('+442071838750')
  // London time: GMT in January, BST in June.
  expect(Date.parse(created.access_schedule!.starts_at)).toBe(Date.parse('2030-01-02T09:00Z'))
  expect(Date.parse(created.access_schedule!.ends_at!)).toBe(Date.parse('2030-06-30T17:00Z'))
  expect(await serverGroupNames(seam, created.acs_user_id)).toEqual(['Office staff'])

  await settled()
  // Checked with Seam once created: the group's doors appear.
  await poll(() => doorsShown(panel), { timeout: 10_000 }).toEqual([
    'Floor 2 offices',
    'Floor 3 offices',
    'Main entrance',
  ])
  const text = (await panel.textContent()) ?? ''
  expect(text).toContain('Office staff')
  expect(text).toContain('Not started yet')
  // Their doors are listed, and said plainly not to open before the schedule starts.
  expect(text).toMatch(/Their access starts .*: until then none of these doors opens/)
  await screenshot(page, 'ui-detail')

  // The counts by the systems follow: one more person in all, and in Harbour View Offices.
  const harbour = await systemId(seam, HARBOUR)
  const inHarbour = before.filter((u) => u.acs_system_id === harbour).length
  const nav = page.getByRole('navigation', { name: 'Access systems' })
  const counted = async (system: string) =>
    (await nav.getByRole('button', { name: new RegExp(`^${system}`) }).textContent()) ?? ''
  await poll(() => counted('All systems'), { timeout: 5_000 }).toContain(
    `${before.length + 1} people`,
  )
  expect(await counted(HARBOUR)).toContain(`${inHarbour + 1} people`)

  // Escape closes the person's panel.
  await panel.getByRole('heading', { level: 2, name }).click()
  await page.keyboard.press('Escape')
  await poll(() => details(page).count()).toBe(0)
})

test('edit contact details and schedule', async () => {
  const { acs_user_id, name } = person(0)
  const panel = await openPerson(page, name)
  await panel.getByRole('button', { name: 'Edit', exact: true }).click()
  const form = dialog(page, `Edit ${name}`)
  await form.getByLabel('Email').fill('new.address@keyholder.example')
  await form.getByLabel('Phone', { exact: true }).fill('020 7946 0123')
  await form.getByLabel('Starts').fill('2031-03-01T08:30')
  await form.getByLabel('Ends').fill('2031-09-30T17:00')
  await form.getByRole('button', { name: 'Save changes' }).click()
  await poll(() => form.count()).toBe(0)

  await poll(async () => (await serverUser(seam, acs_user_id))?.email_address, {
    timeout: 20_000,
  }).toBe('new.address@keyholder.example')
  const server = (await serverUser(seam, acs_user_id))!
  expect(server.phone_number).toBe('+442079460123')
  expect(Date.parse(server.access_schedule!.starts_at)).toBe(Date.parse('2031-03-01T08:30Z'))
  expect(Date.parse(server.access_schedule!.ends_at!)).toBe(Date.parse('2031-09-30T16:00Z'))
  await settled()
  const text = (await panel.textContent()) ?? ''
  expect(text).toContain('new.address@keyholder.example')
  expect(text).toContain('+44 20 7946 0123')
  expect(text).toContain(acs_user_id)

  // Changed elsewhere (another desk, Seam's console): Refresh reads it without reopening.
  await seam.acs.users.update({ acs_user_id, email_address: 'changed.elsewhere@keyholder.example' })
  await panel.getByRole('button', { name: 'Refresh from Seam' }).click()
  await poll(() => panel.textContent()).toContain('changed.elsewhere@keyholder.example')
})

test('suspend, then unsuspend: each asks first and says what happens', async () => {
  const { acs_user_id, name } = person(1)
  const panel = await openPerson(page, name)
  await panel.getByRole('button', { name: 'Suspend', exact: true }).click()
  await confirm(
    page,
    `Suspend ${name}?`,
    [`${name} will not be able to open any door at ${HARBOUR} until you unsuspend them.`],
    'Suspend',
  )
  await poll(async () => (await serverUser(seam, acs_user_id))?.is_suspended, {
    timeout: 20_000,
  }).toBe(true)
  await settled()
  expect(await panel.textContent()).toContain('Suspended — cannot open any door')
  expect(await personRow(page, name).textContent()).toContain('Suspended')

  await panel.getByRole('button', { name: 'Unsuspend', exact: true }).click()
  await confirm(
    page,
    `Unsuspend ${name}?`,
    ['existing cards, PIN codes and mobile keys work again'],
    'Unsuspend',
  )
  await poll(async () => (await serverUser(seam, acs_user_id))?.is_suspended, {
    timeout: 20_000,
  }).toBe(false)
  await settled()
  expect(await panel.textContent()).not.toContain('Suspended — cannot open any door')
})

test('add to an access group, then remove from another', async () => {
  const { acs_user_id, name } = person(2)
  const panel = await openPerson(page, name)
  await panel.getByLabel('Add to group').selectOption({ label: 'IT & facilities' })
  await panel.getByRole('button', { name: 'Add', exact: true }).click()
  await poll(() => serverGroupNames(seam, acs_user_id), { timeout: 20_000 }).toEqual([
    'IT & facilities',
    'Office staff',
  ])
  await settled()

  await panel.getByRole('button', { name: `Remove ${name} from Office staff` }).click()
  await poll(() => serverGroupNames(seam, acs_user_id), { timeout: 20_000 }).toEqual([
    'IT & facilities',
  ])
  await settled()
  const remove = panel.getByRole('button', { name: `Remove ${name} from Office staff` })
  expect(await remove.count()).toBe(0)

  // The doors shown follow the groups: IT & facilities' doors, no longer the office floors.
  const server = await seam.acs.users.listAccessibleEntrances({ acs_user_id })
  const doors = server.map((d) => d.display_name).sort()
  expect(doors).toEqual(['Car park barrier', 'Main entrance', 'Roof access', 'Server room'])
  await poll(() => doorsShown(panel), { timeout: 5_000 }).toEqual(doors)
})

test('revoke all access: out of every group and every door', async () => {
  const { acs_user_id, name } = person(3)
  const panel = await openPerson(page, name)
  await panel.getByRole('button', { name: 'Revoke all access' }).click()
  await confirm(
    page,
    `Revoke all access for ${name}?`,
    [
      `${name} is taken out of every access group and loses every door at ${HARBOUR}.`,
      'Their cards, PIN codes and mobile keys stay with them but open nothing.',
      'Their user record stays too',
    ],
    'Revoke all access',
  )
  await poll(() => serverGroupNames(seam, acs_user_id), { timeout: 20_000 }).toEqual([])
  expect(await seam.acs.users.listAccessibleEntrances({ acs_user_id })).toEqual([])
  expect(await serverUser(seam, acs_user_id)).not.toBeNull()
  await settled()
  await poll(() => panel.textContent(), { timeout: 20_000 }).toContain('No doors')
  expect(await panel.textContent()).toContain('Not in any access group.')
})

test('delete: asks first, then the person is gone from Seam and from the table', async () => {
  const { acs_user_id, name } = person(4)
  await page.getByRole('searchbox', { name: 'Search users' }).fill('')
  const before = await peopleShown(page)
  const panel = await openPerson(page, name)
  await panel.getByRole('button', { name: 'Delete', exact: true }).click()
  await confirm(
    page,
    `Delete ${name}?`,
    [
      `${name} is removed from ${HARBOUR}. Every card, PIN code and mobile key they hold stops working.`,
      'cannot be undone',
    ],
    'Delete user',
  )
  await poll(() => serverUser(seam, acs_user_id), { timeout: 20_000 }).toBeNull()
  await poll(() => queueSummary(page), { timeout: 20_000 }).toBe(SETTLED)
  await poll(() => personRow(page, name).count()).toBe(0)
  // Their panel closes once Seam has confirmed it, with a word saying so.
  await poll(() => details(page).count()).toBe(0)
  await poll(() => page.getByText(`${name} was deleted.`).count()).toBe(1)
  await page.getByRole('searchbox', { name: 'Search users' }).fill('')
  await poll(() => peopleShown(page)).toBe(before - 1)
})

test('undo a queued edit before it is sent (offline, so it cannot have gone)', async () => {
  const { acs_user_id, name } = person(5)
  await setConnectionLoss(page, true)
  try {
    const panel = await openPerson(page, name)
    await panel.getByRole('button', { name: 'Suspend', exact: true }).click()
    // Offline, the confirmation and then the panel say that nothing changes at the doors yet.
    await confirm(
      page,
      `Suspend ${name}?`,
      [
        'until you unsuspend them',
        'You are offline: this only happens once Keyholder is back online',
      ],
      'Suspend',
    )
    await poll(() => queueSummary(page)).toBe('1 queued · 0 failed · 0 to decide')
    await poll(() => panel.getByText('Not sent yet').count()).toBe(1)
    expect(await panel.textContent()).toContain(
      'To be suspended — until this reaches Seam they can still open their doors',
    )
    // The table does not show it as done either.
    await poll(() => personRow(page, name).textContent()).toContain('To be suspended')

    await panel.getByRole('button', { name: `Undo: Suspend ${name}` }).click()
    await poll(() => page.getByText('Undone: the edit was removed from the queue.').count()).toBe(1)
    // Its confirmation went with it: it would now say something untrue.
    expect(await page.getByText(`${name} will be suspended once back online.`).count()).toBe(0)
    await poll(() => queueSummary(page)).toBe(SETTLED)
    await poll(() => panel.getByText('Not sent yet').count()).toBe(0)
    expect(await panel.textContent()).not.toContain('Suspended — cannot open any door')

    // A later edit to the same person goes out on reconnecting; edits to one person are sent
    // in order, so once it has arrived the undone suspend would have too, had it been kept.
    await panel.getByRole('button', { name: 'Edit', exact: true }).click()
    const form = dialog(page, `Edit ${name}`)
    await form.getByLabel('Phone', { exact: true }).fill('020 7946 0999')
    await form.getByRole('button', { name: 'Save changes' }).click()
    await poll(() => queueSummary(page)).toBe('1 queued · 0 failed · 0 to decide')
    await poll(() => page.getByText(/once back online\./).count()).toBe(1)
  } finally {
    await setConnectionLoss(page, false)
  }
  // Back online, "… once back online" is no longer what happens: that confirmation goes.
  // (Well before the toast would go by itself, 10 s after it came.)
  await poll(() => page.getByText(/once back online\./).count(), { timeout: 1_000 }).toBe(0)
  await poll(async () => (await serverUser(seam, acs_user_id))?.phone_number, {
    timeout: 20_000,
  }).toBe('+442079460999')
  expect((await serverUser(seam, acs_user_id))?.is_suspended).toBe(false)
  await settled()
})

test('an open person shows what a sync brought from Seam, without being opened again', async () => {
  const { acs_user_id, name } = person(6)
  const panel = await openPerson(page, name)
  // Changed at Seam, by someone else, while the clerk looks at this person.
  await seam.acs.users.update({ acs_user_id, email_address: 'changed.elsewhere@keyholder.example' })
  await page.getByRole('button', { name: 'Sync now' }).click()
  await poll(() => panel.getByText('changed.elsewhere@keyholder.example').count(), {
    timeout: 20_000,
  }).toBeGreaterThan(0)
})
