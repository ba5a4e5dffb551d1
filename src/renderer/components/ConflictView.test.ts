/**
 * Issue 9, cases 2 and 4 on screen: a conflict settled field by field, and "Is this the person
 * you added?" for a create whose answer was lost. The real components in Chromium; the
 * callbacks record what the person chose (the outbox behind them is tested in tests/offline).
 */
import { afterEach, expect, test } from 'vitest'
import { page } from 'vitest/browser'
import { flushSync, mount, unmount, type Component } from 'svelte'
import type { ConflictField, OutboxEntry } from '../lib/sync/outbox-types'
import AskView from './AskView.svelte'
import ConflictView from './ConflictView.svelte'

let mounted: { component: ReturnType<typeof mount>; target: HTMLElement } | undefined

function render<P extends Record<string, unknown>>(component: Component<P>, props: P) {
  const target = document.createElement('div')
  document.body.append(target)
  mounted = { component: mount(component, { target, props }), target }
  flushSync()
}

afterEach(async () => {
  if (mounted) {
    await unmount(mounted.component)
    mounted.target.remove()
    mounted = undefined
  }
})

const common = {
  id: '01J0000000000000000000000A',
  target_id: 'b8a1f6e2-0000-4000-8000-000000000001',
  acs_system_id: 'sys-1',
  created_at: '2026-03-10T12:00:00.000Z',
  attempts: 1,
  attempt_started_at: '2026-03-10T12:00:01.000Z',
  next_attempt_at: 0,
  last_error: null,
  label: 'Ada Lovelace',
}

const conflictEntry = {
  ...common,
  op: 'update',
  params: {
    full_name: 'Ada King',
    email_address: 'ada@mine.example',
    phone_number: '+442079460333',
  },
  base: { full_name: 'Ada Lovelace', email_address: 'ada@seen.example', phone_number: null },
  status: 'conflict',
  conflicts: [
    { field: 'full_name', base: 'Ada Lovelace', theirs: 'Ada Byron', mine: 'Ada King' },
    {
      field: 'email_address',
      base: 'ada@seen.example',
      theirs: 'ada@theirs.example',
      mine: 'ada@mine.example',
    },
  ],
} as OutboxEntry

test('a conflict over two fields: each field has its own choice, and the change without conflict is said to be sent', async () => {
  const chosen: [string, ConflictField | undefined][] = []
  render(ConflictView, {
    entry: conflictEntry,
    onresolve: (choice: 'mine' | 'theirs', field?: ConflictField) => chosen.push([choice, field]),
  })
  const rows = page.getByRole('table', { name: 'What changed' }).getByRole('row')
  await expect
    .element(rows.nth(1))
    .toMatchTextContent(/Full name.*Ada Lovelace.*Ada Byron.*Ada King/)
  await expect
    .element(rows.nth(2))
    .toMatchTextContent(/Email address.*ada@seen\.example.*ada@theirs\.example.*ada@mine\.example/)
  // The phone had no conflict: it goes whichever is chosen.
  await expect
    .element(
      page.getByText(
        /Your change to phone number had no conflict: it is\s+sent whichever you choose/i,
      ),
    )
    .toBeVisible()

  await page.getByRole('button', { name: /^Take theirs for Full name:/ }).click()
  await page.getByRole('button', { name: /^Keep mine for Email address:/ }).click()
  await page.getByRole('button', { name: /^Take all theirs/ }).click()
  expect(chosen).toEqual([
    ['theirs', 'full_name'],
    ['mine', 'email_address'],
    ['theirs', undefined],
  ])
})

test('a conflict over one field has just the two choices, for that edit', async () => {
  const chosen: [string, ConflictField | undefined][] = []
  render(ConflictView, {
    entry: { ...conflictEntry, conflicts: conflictEntry.conflicts!.slice(0, 1) } as OutboxEntry,
    onresolve: (choice: 'mine' | 'theirs', field?: ConflictField) => chosen.push([choice, field]),
  })
  expect(page.getByRole('button', { name: /for Full name/ }).all()).toHaveLength(0)
  await page.getByRole('button', { name: /^Keep mine:/ }).click()
  expect(chosen).toEqual([['mine', undefined]])
  // Both the email and the phone change go with it.
  await expect
    .element(page.getByText(/email address and phone number had no conflict/i))
    .toBeVisible()
})

const askEntry = (candidates: NonNullable<OutboxEntry['candidates']>) =>
  ({
    ...common,
    target_id: 'tmp_01J0000000000000000000000B',
    op: 'create',
    params: { acs_system_id: 'sys-1', full_name: 'Robin Quayle' },
    base: {},
    status: 'ask',
    conflicts: null,
    candidates,
    label: 'Robin Quayle',
  }) as OutboxEntry

const robin = (acs_user_id: string, created_at: string, email: string | null = null) => ({
  acs_user_id,
  full_name: 'Robin Quayle',
  email_address: email,
  phone_number: null,
  created_at,
  strong: true,
})

test('"Is this the person you added?" lists who is in Seam now, and answers with the one chosen', async () => {
  const confirmed: string[] = []
  let again = 0
  render(AskView, {
    entry: askEntry([
      robin('user-1', '2026-03-10T12:00:02.000Z'),
      robin('user-2', '2026-03-10T12:00:03.000Z', 'acs_user_2@example.com'),
    ]),
    onconfirm: (id: string) => confirmed.push(id),
    onagain: () => (again += 1),
  })
  await expect.element(page.getByText(/Is one of them the person you added\?/)).toBeVisible()
  // Only a name was typed: the clerk is told why the app cannot decide alone.
  await expect.element(page.getByText(/You gave only a name/)).toBeVisible()
  const list = page.getByRole('list')
  expect(list.getByRole('listitem').all()).toHaveLength(2)
  await expect
    .element(list.getByRole('listitem').nth(1))
    .toMatchTextContent(/acs_user_2@example\.com/)
  const choices = page.getByRole('button', { name: /^This is them: Robin Quayle, added/ })
  expect(choices.all()).toHaveLength(2)
  await choices.nth(1).click()
  expect(confirmed).toEqual(['user-2'])
  await page.getByRole('button', { name: 'None of them: add again' }).click()
  expect(again).toBe(1)
})

test('a loose match is flagged, and with nobody like them in Seam the only way on is to add again', async () => {
  render(AskView, {
    entry: askEntry([{ ...robin('user-3', '2026-03-10T12:00:02.000Z'), strong: false }]),
    onconfirm: () => {},
    onagain: () => {},
  })
  await expect.element(page.getByText(/Some details differ from what you typed/)).toBeVisible()
  await unmount(mounted!.component)
  mounted!.target.remove()
  mounted = undefined

  let again = 0
  render(AskView, { entry: askEntry([]), onconfirm: () => {}, onagain: () => (again += 1) })
  await expect.element(page.getByText(/nobody like them is in Seam\s+now/)).toBeVisible()
  expect(page.getByRole('button', { name: /^This is them/ }).all()).toHaveLength(0)
  await page.getByRole('button', { name: 'Add them again' }).click()
  expect(again).toBe(1)
})

test('while a choice is being saved, no button can be pressed again', async () => {
  render(AskView, {
    entry: askEntry([robin('user-1', '2026-03-10T12:00:02.000Z')]),
    onconfirm: () => {},
    onagain: () => {},
    disabled: true,
  })
  await expect.element(page.getByRole('button', { name: /^This is them/ })).toBeDisabled()
  await expect.element(page.getByRole('button', { name: 'None of them: add again' })).toBeDisabled()
})
