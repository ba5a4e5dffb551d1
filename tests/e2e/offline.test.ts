/**
 * Working through a connection loss with the sandbox's own "Simulate connection loss" switch:
 * edits show as pending everywhere a clerk looks, survive a reload (IndexedDB), and reach Seam
 * exactly once when the switch is turned back.
 */
import type { SeamHttp } from '@seamapi/http'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { screenshot } from './support'
import {
  poll,
  closeDialog,
  confirm,
  connection,
  details,
  dialog,
  openApp,
  openPerson,
  outboxButton,
  personRow,
  plainPeople,
  practiceSwitch,
  queueSummary,
  search,
  serverGroupNames,
  serverUser,
  serverUserByName,
  setConnectionLoss,
  statusBar,
  waitForPeople,
  type Practice,
  openSandboxApp,
  closeSandboxApp,
  type SandboxApp,
} from './ui'

let app: SandboxApp
let page: Page
let seam: SeamHttp
let people: Practice[]

const HARBOUR = 'Harbour View Offices'
const NEWCOMER = 'Nadia Offline-Newcomer'

beforeAll(async () => {
  app = await openSandboxApp(async (sandbox) => {
    seam = sandbox
    people = await plainPeople(seam, HARBOUR, 5, 'Office staff')
  })
  page = app.page
})
afterAll(() => closeSandboxApp(app))

/** Edits made while cut off, one of each kind a clerk makes at the desk. */
async function queueEdits(): Promise<void> {
  const [renamed, suspended, regrouped, deleted] = people as [
    Practice,
    Practice,
    Practice,
    Practice,
  ]

  await page.getByRole('button', { name: 'New user' }).click()
  const create = dialog(page, 'New user')
  await create.getByLabel('System').selectOption({ label: HARBOUR })
  await create.getByLabel('Full name').fill(NEWCOMER)
  await create.getByLabel('Email').fill('nadia.newcomer@keyholder.example')
  await create.getByRole('button', { name: 'Create user' }).click()
  await poll(() => create.count()).toBe(0)
  // A change to someone who does not exist in Seam yet: it must follow the create.
  const newcomer = details(page)
  await poll(() => newcomer.getByRole('heading', { name: NEWCOMER }).count()).toBe(1)
  await newcomer.getByRole('button', { name: 'Edit', exact: true }).click()
  const editNewcomer = dialog(page, `Edit ${NEWCOMER}`)
  await editNewcomer.getByLabel('Phone', { exact: true }).fill('020 7946 0555')
  await editNewcomer.getByRole('button', { name: 'Save changes' }).click()
  await poll(() => editNewcomer.count()).toBe(0)

  let panel = await openPerson(page, renamed.name)
  await panel.getByRole('button', { name: 'Edit', exact: true }).click()
  const edit = dialog(page, `Edit ${renamed.name}`)
  await edit.getByLabel('Email').fill('moved.desk@keyholder.example')
  await edit.getByLabel('Phone', { exact: true }).fill('020 7946 0777')
  await edit.getByRole('button', { name: 'Save changes' }).click()
  await poll(() => edit.count()).toBe(0)

  panel = await openPerson(page, suspended.name)
  await panel.getByRole('button', { name: 'Suspend', exact: true }).click()
  await confirm(page, `Suspend ${suspended.name}?`, ['until you unsuspend them'], 'Suspend')

  panel = await openPerson(page, regrouped.name)
  await panel.getByLabel('Add to group').selectOption({ label: 'Cleaning crew' })
  await panel.getByRole('button', { name: 'Add', exact: true }).click()
  await panel.getByRole('button', { name: `Remove ${regrouped.name} from Office staff` }).click()

  panel = await openPerson(page, deleted.name)
  await panel.getByRole('button', { name: 'Delete', exact: true }).click()
  await confirm(page, `Delete ${deleted.name}?`, ['stops working'], 'Delete user')
}

/** How many `label` badges the person's row shows (0 or 1). */
const badge = (name: string, label: string) =>
  personRow(page, name).getByText(label, { exact: true }).count()

/** What a clerk sees of the queued edits; the same before and after a reload. */
async function expectPending(waiting: number) {
  const [renamed, suspended, regrouped, deleted] = people as [
    Practice,
    Practice,
    Practice,
    Practice,
  ]
  expect(await connection(page)).toBe('Offline')
  expect(await practiceSwitch(page).isChecked()).toBe(true)
  await poll(() => queueSummary(page)).toBe(`${waiting} queued · 0 failed · 0 to decide`)
  expect(await outboxButton(page).getAttribute('aria-label')).toBe(
    `Queued edits: ${waiting} waiting, 0 need attention`,
  )

  const panel = await openPerson(page, renamed.name)
  await poll(() => panel.getByText('Not sent yet').count()).toBe(2)
  expect(await panel.textContent()).toContain('moved.desk@keyholder.example')
  // The row says so too (the search keeps it on screen in the virtualised table).
  expect(await badge(renamed.name, 'Queued')).toBe(1)
  await search(page, deleted.name)
  await poll(() => badge(deleted.name, 'Deleting')).toBe(1)
  await search(page, NEWCOMER)
  await poll(() => badge(NEWCOMER, 'New')).toBe(1)

  await outboxButton(page).click()
  const outbox = dialog(page, 'Queued edits')
  await poll(() =>
    outbox.getByRole('heading', { name: /^Waiting to be sent/ }).textContent(),
  ).toContain(`(${waiting})`)
  const text = (await outbox.textContent()) ?? ''
  expect(text).toContain('You are offline: edits will be sent when the connection returns.')
  for (const sentence of [
    `Add ${NEWCOMER} as a new person`,
    `Change email and phone of ${renamed.name}`,
    `Suspend ${suspended.name}`,
    `Add ${regrouped.name} to Cleaning crew`,
    `Remove ${regrouped.name} from Office staff`,
    `Delete ${deleted.name}`,
  ]) {
    expect(text).toContain(sentence)
  }
}

test('edits made while cut off are pending, survive a reload and reach Seam on reconnecting', async () => {
  const [renamed, suspended, regrouped, deleted] = people as [
    Practice,
    Practice,
    Practice,
    Practice,
  ]
  // Seen once while online, as the clerk would have: Keyholder then knows their groups.
  await openPerson(page, regrouped.name)
  await poll(() =>
    details(page)
      .getByRole('button', { name: /from Office staff$/ })
      .count(),
  ).toBe(1)
  await setConnectionLoss(page, true)
  expect(await statusBar(page).textContent()).toContain(
    'Offline — showing what Keyholder last saw; edits are queued',
  )
  expect(await page.getByRole('region', { name: 'Practice' }).textContent()).toContain(
    'The sandbox is cut off.',
  )

  await queueEdits()
  // Each confirmation says the edit waits for the connection.
  await poll(() => page.getByText(/will be deleted once back online\./).count()).toBe(1)
  // Seven edits: the create, its phone, one email-and-phone change, suspend, add, remove, delete.
  await expectPending(7)
  await screenshot(page, 'ui-outbox-pending')
  await closeDialog(page, 'Queued edits')
  await openPerson(page, renamed.name)
  await screenshot(page, 'ui-offline-pending')

  // Still cut off after a reload: everything was kept on this computer.
  await page.reload()
  await waitForPeople(page)
  await poll(() => connection(page), { timeout: 20_000 }).toBe('Offline')
  await expectPending(7)
  await closeDialog(page, 'Queued edits')

  await setConnectionLoss(page, false)
  await poll(() => queueSummary(page), { timeout: 30_000 }).toBe(
    '0 queued · 0 failed · 0 to decide',
  )
  // The clerk is told, without having to look.
  await poll(() => page.getByText(/All 7 queued edits were sent to Seam/).count()).toBe(1)

  // Seam has every edit, each exactly once.
  const server = (await serverUser(seam, renamed.acs_user_id))!
  expect(server.email_address).toBe('moved.desk@keyholder.example')
  expect(server.phone_number).toBe('+442079460777')
  expect((await serverUser(seam, suspended.acs_user_id))?.is_suspended).toBe(true)
  expect(await serverGroupNames(seam, regrouped.acs_user_id)).toEqual(['Cleaning crew'])
  expect(await serverUser(seam, deleted.acs_user_id)).toBeNull()
  const newcomers = await serverUserByName(seam, NEWCOMER)
  expect(newcomers).toHaveLength(1)
  expect(newcomers[0]!.email_address).toBe('nadia.newcomer@keyholder.example')
  expect(newcomers[0]!.phone_number).toBe('+442079460555')

  // And the pending marks are gone.
  const panel = await openPerson(page, renamed.name)
  await poll(() => panel.getByText('Not sent yet').count()).toBe(0)
  await poll(() => badge(renamed.name, 'Queued')).toBe(0)
  await search(page, deleted.name)
  await poll(() => personRow(page, deleted.name).count()).toBe(0)
  await search(page, NEWCOMER)
  await poll(() => badge(NEWCOMER, 'New')).toBe(0)
  await outboxButton(page).click()
  await poll(() => dialog(page, 'Queued edits').textContent()).toContain(
    'Nothing queued. Every edit has been sent.',
  )
  await closeDialog(page, 'Queued edits')
})

test('offline, a person never opened before still shows the groups they are in', async () => {
  // Which groups someone is in is part of what the clerk needs at the desk when the network
  // is down (e.g. to take a leaver out of "Office staff"); "Not in any access group" would be
  // a wrong answer, not a missing one.
  const stranger = people[4]!
  // A new window on the same profile: whatever the test before left open does not matter.
  await page.close()
  page = await openApp(app.context, app.harness)
  await setConnectionLoss(page, true)
  try {
    const panel = await openPerson(page, stranger.name)
    expect(await panel.textContent()).not.toContain('Not in any access group.')
    const remove = panel.getByRole('button', { name: `Remove ${stranger.name} from Office staff` })
    expect(await remove.count()).toBe(1)
  } finally {
    await setConnectionLoss(page, false)
  }
})
