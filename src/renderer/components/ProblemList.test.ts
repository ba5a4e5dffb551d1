/**
 * Seam's errors, warnings and changes in progress for one person, in a real browser: the real
 * component with the real catalogue of explanations.
 */
import { afterEach, expect, test } from 'vitest'
import { page } from 'vitest/browser'
import { flushSync, mount, unmount } from 'svelte'
import type { AcsUser } from '../../shared/domain'
import ProblemList from './ProblemList.svelte'
import { testUser } from '../../../tests/fixtures/test-user'

const NOW = Date.parse('2026-03-10T12:00:00.000Z')
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString()

const person = (over: Partial<AcsUser>) =>
  testUser({ display_name: 'Ada Lovelace', full_name: 'Ada Lovelace', ...over })

let mounted: { component: ReturnType<typeof mount>; target: HTMLElement } | undefined

function render(user: AcsUser, now = NOW) {
  const target = document.createElement('div')
  document.body.append(target)
  const component = mount(ProblemList, { target, props: { user, now } })
  flushSync()
  mounted = { component, target }
}

afterEach(async () => {
  if (mounted) {
    await unmount(mounted.component)
    mounted.target.remove()
    mounted = undefined
  }
})

test('a change in progress for over an hour is said to be taking longer than usual', async () => {
  render(
    person({
      pending_mutations: [
        { mutation_code: 'creating', created_at: minutesAgo(95), message: 'Creating' },
        { mutation_code: 'deleting', created_at: minutesAgo(5), message: 'Deleting' },
      ] as AcsUser['pending_mutations'],
    }),
  )
  const items = page.getByRole('listitem')
  await expect.element(items.nth(0)).toMatchTextContent(/Being added to the door system/)
  await expect.element(items.nth(0)).toMatchTextContent(/Taking longer than usual/)
  // Not "wait a few minutes" any more: now is the time to escalate.
  await expect.element(items.nth(0)).toMatchTextContent(/What to do: It has been in progress/)
  await expect.element(items.nth(0)).not.toMatchTextContent(/wait a few minutes/)
  await expect.element(items.nth(1)).toMatchTextContent(/Removal on its way/)
  await expect.element(items.nth(1)).not.toMatchTextContent(/Taking longer than usual/)
  await expect.element(items.nth(1)).toMatchTextContent(/wait a few minutes/)
})

test('a creation held back on purpose is never said to be taking too long', async () => {
  render(
    person({
      pending_mutations: [
        { mutation_code: 'deferring_creation', created_at: minutesAgo(3000), message: 'Later' },
      ] as AcsUser['pending_mutations'],
    }),
  )
  await expect.element(page.getByRole('listitem')).toMatchTextContent(/Held back until needed/)
  await expect.element(page.getByRole('listitem')).not.toMatchTextContent(/Taking longer/)
})

test('errors and warnings are explained with what to do, and never called overdue', async () => {
  render(
    person({
      errors: [
        {
          error_code: 'deleted_externally',
          created_at: minutesAgo(600),
          message: 'User no longer exists.',
        },
      ] as AcsUser['errors'],
      warnings: [
        {
          warning_code: 'being_deleted',
          created_at: minutesAgo(600),
          message: 'Being deleted.',
        },
      ] as AcsUser['warnings'],
    }),
  )
  await expect.element(page.getByRole('heading', { name: 'Needs attention' })).toBeVisible()
  const items = page.getByRole('listitem')
  await expect.element(items.nth(0)).toMatchTextContent(/Error:/)
  await expect.element(items.nth(0)).toMatchTextContent(/What to do:/)
  await expect.element(items.nth(1)).toMatchTextContent(/Warning:/)
  expect(mounted?.target.textContent).not.toMatch(/Taking longer than usual/)
})

test('two changes of one kind begun at the same moment are both shown', async () => {
  const at = minutesAgo(3)
  render(
    person({
      pending_mutations: [
        { mutation_code: 'updating_group_membership', created_at: at, message: 'Joining A' },
        { mutation_code: 'updating_group_membership', created_at: at, message: 'Joining B' },
      ] as AcsUser['pending_mutations'],
    }),
  )
  await expect.element(page.getByRole('listitem').nth(1)).toMatchTextContent(/Joining B/)
  expect(page.getByRole('listitem').all()).toHaveLength(2)
})

test('a person with nothing to report shows no section at all', () => {
  render(person({}))
  expect(mounted?.target.textContent?.trim()).toBe('')
})

test("a person cached without Seam's lists (as Seam's own fake sends them) shows no problems and does not fail", () => {
  const { errors: _e, warnings: _w, pending_mutations: _p, ...bare } = person({})
  render(bare as AcsUser)
  expect(mounted!.target.textContent).not.toContain('Needs attention')
})

test('a code this version does not know is shown as unrecognised, with the code', async () => {
  render(
    person({
      errors: [
        {
          error_code: 'brand_new_error_code' as never,
          message: 'Something new',
          created_at: minutesAgo(5),
        },
      ],
    }),
  )
  await expect.element(page.getByText('Unrecognised problem', { exact: false })).toBeVisible()
  expect(mounted!.target.textContent).toContain('brand_new_error_code')
})
