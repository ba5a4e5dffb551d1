/**
 * The user form in a real browser (vitest browser mode, Chromium): the real component with its
 * real validation, typed into and clicked as a person would. It talks to nothing but its
 * callbacks, so nothing is stood in for.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { page, userEvent } from 'vitest/browser'
import { flushSync, mount, unmount, type ComponentProps } from 'svelte'
import type { CreateUserInput, UserChanges } from '../../shared/contract'
import { emptyDraft, type UserDraft } from '../lib/validation'
import UserForm from './UserForm.svelte'

const SYSTEMS = [
  { acs_system_id: 'sys-london', name: 'Harbour View Offices' },
  { acs_system_id: 'sys-chicago', name: 'Northgate Campus' },
]
const GROUPS = {
  'sys-london': [
    { acs_access_group_id: 'g-staff', name: 'Office staff' },
    { acs_access_group_id: 'g-clean', name: 'Cleaning crew' },
  ],
  'sys-chicago': [{ acs_access_group_id: 'g-faculty', name: 'Faculty' }],
}

let mounted: { component: ReturnType<typeof mount>; target: HTMLElement } | undefined

function render(props: Partial<ComponentProps<typeof UserForm>>) {
  const target = document.createElement('div')
  document.body.append(target)
  const oncreate = vi.fn<(input: CreateUserInput) => void>()
  const onupdate = vi.fn<(changes: UserChanges) => void>()
  const onclose = vi.fn<() => void>()
  const component = mount(UserForm, {
    target,
    props: {
      mode: 'create',
      initial: emptyDraft(),
      systems: SYSTEMS,
      systemId: 'sys-london',
      groupsOf: (id: string) => Promise.resolve(GROUPS[id as keyof typeof GROUPS] ?? []),
      countryOf: (id: string) => (id === 'sys-chicago' ? 'US' : 'GB'),
      oncreate,
      onupdate,
      onclose,
      ...props,
    },
  })
  flushSync()
  mounted = { component, target }
  return { oncreate, onupdate, onclose }
}

afterEach(async () => {
  if (mounted) {
    await unmount(mounted.component)
    mounted.target.remove()
    mounted = undefined
  }
})

const field = (name: string) => page.getByRole('textbox', { name, exact: true })
const phone = () => page.getByRole('textbox', { name: 'Phone', exact: true })
const dateField = (name: string) => page.getByLabelText(name, { exact: true })
const create = () => page.getByRole('button', { name: 'Create user' })

/** A message as part of a field's description (which may hold a hint as well). */
const saying = (message: string) => new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))

/** A `datetime-local` value this many days from now, at 09:00. */
function daysFromNow(days: number): string {
  const date = new Date(Date.now() + days * 86_400_000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T09:00`
}

describe('creating a person', () => {
  test('the name is required; the message sits by the field, which gets the focus', async () => {
    const { oncreate } = render({})
    await create().click()
    await expect.element(field('Full name')).toHaveAccessibleDescription(/full name/i)
    await expect.element(field('Full name')).toHaveAttribute('aria-invalid', 'true')
    await expect.element(field('Full name')).toHaveFocus()
    expect(oncreate).not.toHaveBeenCalled()
  })

  test('a wrong email is pointed out when the person leaves the field, not before', async () => {
    render({})
    await field('Email').fill('dana@')
    await expect.element(field('Email')).not.toHaveAttribute('aria-invalid', 'true')
    await field('Full name').click()
    await expect.element(field('Email')).toHaveAccessibleDescription(/not a valid email/)
  })

  test('a name or email Seam would refuse is said by its field, and nothing is created', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Jane\u0000Doe')
    await field('Email').fill(`${'a'.repeat(300)}@example.com`)
    await create().click()
    await expect
      .element(field('Full name'))
      .toHaveAccessibleDescription(
        saying(
          'The name contains a hidden control character (U+0000) at character 5. Type it again by hand rather than copying it.',
        ),
      )
    await expect.element(field('Full name')).toHaveAttribute('aria-invalid', 'true')
    await expect.element(field('Full name')).toHaveFocus()
    await expect
      .element(field('Email'))
      .toHaveAccessibleDescription(
        saying('The email address is too long: 312 characters, at most 254.'),
      )
    expect(oncreate).not.toHaveBeenCalled()

    await field('Full name').fill('Jane Doe')
    await field('Email').fill(`${'a'.repeat(65)}@example.com`)
    await create().click()
    await expect
      .element(field('Email'))
      .toHaveAccessibleDescription(
        saying(
          'The part of the email address before the @ is too long: 65 characters, at most 64.',
        ),
      )
    await expect.element(field('Full name')).not.toHaveAttribute('aria-invalid', 'true')
    expect(oncreate).not.toHaveBeenCalled()

    await field('Email').fill(`${'a'.repeat(64)}@example.com`)
    await create().click()
    await vi.waitFor(() => expect(oncreate).toHaveBeenCalledTimes(1))
    expect(oncreate.mock.calls[0]?.[0]).toEqual({
      acs_system_id: 'sys-london',
      full_name: 'Jane Doe',
      email_address: `${'a'.repeat(64)}@example.com`,
    })
  })

  test('a phone number longer than any can be is said to be too long', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Jane Doe')
    await phone().fill('+44 20 7183 8750 123456')
    await create().click()
    await expect
      .element(phone())
      .toHaveAccessibleDescription(
        saying('The phone number is too long: 18 digits, at most 15 including the country code.'),
      )
    expect(oncreate).not.toHaveBeenCalled()
  })

  test('a local phone number is read with the country, previewed, and sent in E.164', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Dana Scully')
    await phone().fill('020 7183 8750')
    await expect.element(phone()).toHaveAccessibleDescription(/Will be saved as \+44 20 7183 8750/)
    await phone().fill('12')
    await field('Full name').click()
    await expect
      .element(phone())
      .toHaveAccessibleDescription(/not a valid phone number for the United Kingdom/)
    await create().click()
    expect(oncreate).not.toHaveBeenCalled()

    // Letters are pointed out, not dropped (which would save a shorter, wrong number).
    await phone().fill('07700 900abc')
    await field('Full name').click()
    await expect.element(phone()).toHaveAccessibleDescription(/only digits, spaces and/)
    await create().click()
    expect(oncreate).not.toHaveBeenCalled()

    await phone().fill('+1 312 555 0199')
    await create().click()
    await vi.waitFor(() => expect(oncreate).toHaveBeenCalledTimes(1))
    expect(oncreate.mock.calls[0]?.[0]).toEqual({
      acs_system_id: 'sys-london',
      full_name: 'Dana Scully',
      phone_number: '+13125550199',
    })
  })

  test('a schedule must end after it starts, and not in the past', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Fox Mulder')
    await dateField('Starts').fill(daysFromNow(10))
    await dateField('Ends').fill(daysFromNow(5))
    await create().click()
    await expect.element(dateField('Ends')).toHaveAccessibleDescription(/after the start/)

    await dateField('Starts').fill(daysFromNow(-30))
    await dateField('Ends').fill(daysFromNow(-2))
    await create().click()
    await expect.element(dateField('Ends')).toHaveAccessibleDescription(/in the past/)

    await dateField('Ends').fill('')
    await create().click()
    await expect.element(dateField('Ends')).toHaveAccessibleDescription(/needs an end/)
    expect(oncreate).not.toHaveBeenCalled()

    await dateField('Ends').fill(daysFromNow(90))
    await create().click()
    await vi.waitFor(() => expect(oncreate).toHaveBeenCalledTimes(1))
    const schedule = oncreate.mock.calls[0]?.[0].access_schedule
    expect(Date.parse(schedule!.ends_at)).toBeGreaterThan(Date.parse(schedule!.starts_at))
  })

  test('local numbers are read in the chosen building’s country until one is picked', async () => {
    render({})
    await expect.element(page.getByRole('combobox', { name: 'Phone country' })).toHaveValue('GB')
    await page.getByRole('combobox', { name: 'System' }).selectOptions('Northgate Campus')
    await expect.element(page.getByRole('combobox', { name: 'Phone country' })).toHaveValue('US')
    await page.getByRole('combobox', { name: 'Phone country' }).selectOptions('FR')
    await page.getByRole('combobox', { name: 'System' }).selectOptions('Harbour View Offices')
    await expect.element(page.getByRole('combobox', { name: 'Phone country' })).toHaveValue('FR')
  })

  test('a date typed without its time is pointed out, not silently dropped', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Dana Scully')
    await dateField('Starts').click()
    await userEvent.keyboard('03152031')
    // Leaving by clicking a checkbox below: the message appears, and the click still lands.
    const crew = page.getByRole('checkbox', { name: 'Cleaning crew' })
    await crew.click()
    await expect.element(crew).toBeChecked()
    await expect.element(dateField('Starts')).toHaveAccessibleDescription(/date and time/)
    await create().click()
    await expect.element(dateField('Starts')).toHaveFocus()
    expect(oncreate).not.toHaveBeenCalled()
  })

  test('Enter in a half-filled end date does not save access without an end', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Dana Scully')
    await dateField('Starts').fill(daysFromNow(1))
    await dateField('Ends').click()
    await userEvent.keyboard('03152031{Enter}')
    await expect.element(dateField('Ends')).toHaveAccessibleDescription(/date and time/)
    expect(oncreate).not.toHaveBeenCalled()
  })

  test('it starts in the name; closing with something typed asks first', async () => {
    const { onclose } = render({})
    await expect.element(field('Full name')).toHaveFocus()
    await userEvent.keyboard('Dana')
    await userEvent.keyboard('{Escape}')
    const keep = page.getByRole('button', { name: 'Keep editing' })
    await expect.element(keep).toHaveFocus()
    expect(onclose).not.toHaveBeenCalled()
    await keep.click()
    await expect.element(field('Full name')).toHaveValue('Dana')
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('button', { name: 'Close without saving' }).click()
    expect(onclose).toHaveBeenCalledTimes(1)
  })

  test('access groups follow the chosen system and go with the create', async () => {
    const { oncreate } = render({})
    await field('Full name').fill('Walter Skinner')
    await page.getByRole('checkbox', { name: 'Cleaning crew' }).click()
    await page.getByRole('combobox', { name: 'System' }).selectOptions('Northgate Campus')
    await expect.element(page.getByRole('checkbox', { name: 'Faculty' })).toBeInTheDocument()
    await expect
      .element(page.getByRole('checkbox', { name: 'Cleaning crew' }))
      .not.toBeInTheDocument()
    await page.getByRole('checkbox', { name: 'Faculty' }).click()
    await create().click()
    await vi.waitFor(() => expect(oncreate).toHaveBeenCalledTimes(1))
    expect(oncreate.mock.calls[0]?.[0]).toMatchObject({
      acs_system_id: 'sys-chicago',
      acs_access_group_ids: ['g-faculty'],
    })
  })
})

describe('editing a person', () => {
  const dana: UserDraft = {
    ...emptyDraft(),
    full_name: 'Dana Scully',
    email_address: 'dana@example.com',
    phone_number: '+442071838750',
  }

  test('only what changed is sent; saving unchanged says so and sends nothing', async () => {
    const { onupdate } = render({ mode: 'edit', initial: dana })
    const save = page.getByRole('button', { name: 'Save changes' })
    await save.click()
    await expect.element(page.getByRole('status')).toHaveTextContent('Nothing has changed yet.')
    expect(onupdate).not.toHaveBeenCalled()

    await field('Email').fill('d.scully@example.com')
    await save.click()
    await vi.waitFor(() => expect(onupdate).toHaveBeenCalledTimes(1))
    expect(onupdate.mock.calls[0]?.[0]).toEqual({ email_address: 'd.scully@example.com' })
  })

  test('correcting what Seam refused: said at once, and not sent again until changed', async () => {
    const { onupdate } = render({
      mode: 'edit',
      initial: dana,
      refused: { email_address: 'Seam refused this: This domain is not allowed.' },
    })
    await expect.element(field('Email')).toHaveAccessibleDescription(/This domain is not allowed/)
    // Saved exactly as it was, it would only be refused again.
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect.element(field('Email')).toHaveFocus()
    expect(onupdate).not.toHaveBeenCalled()

    await field('Email').fill('dana@fbi.example')
    await expect
      .element(field('Email'))
      .not.toHaveAccessibleDescription(/This domain is not allowed/)
    await page.getByRole('button', { name: 'Save changes' }).click()
    await vi.waitFor(() => expect(onupdate).toHaveBeenCalledTimes(1))
    expect(onupdate.mock.calls[0]?.[0]).toEqual({ email_address: 'dana@fbi.example' })
  })

  test('a refused schedule is fixed by changing either its start or its end', async () => {
    render({
      mode: 'edit',
      initial: { ...dana, starts_at: '2030-01-01T09:00', ends_at: '2031-12-31T18:00' },
      refused: { starts_at: 'Seam refused this: The schedule is too long.' },
    })
    await expect.element(field('Starts')).toHaveAccessibleDescription(/too long/)
    await field('Ends').fill('2030-06-30T18:00')
    await expect.element(field('Starts')).not.toHaveAccessibleDescription(/too long/)
  })

  test('a saved number is shown as people write it, with its country code, and kept if untouched', async () => {
    const { onupdate, onclose } = render({
      mode: 'edit',
      initial: { ...dana, phone_number: '+4915179946597' },
    })
    await expect.element(phone()).toHaveValue('+49 1517 9946597')
    // Local numbers are still read in the building's country; this one keeps its own code.
    await expect.element(page.getByRole('combobox', { name: 'Phone country' })).toHaveValue('GB')
    await expect.element(phone()).toHaveAccessibleDescription(/Will be saved as \+49 1517 9946597/)
    // Written another way, it stays the same number: nothing to save.
    await phone().fill('+49 (0)1517 9946597')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect.element(page.getByRole('status')).toHaveTextContent('Nothing has changed yet.')
    expect(onupdate).not.toHaveBeenCalled()
    // Nothing was really changed, so closing does not ask.
    await phone().fill('+49 1517 9946597')
    await userEvent.keyboard('{Escape}')
    await vi.waitFor(() => expect(onclose).toHaveBeenCalledTimes(1))
  })

  test('an email cannot be emptied (Seam cannot remove one): said, not sent', async () => {
    const { onupdate } = render({ mode: 'edit', initial: dana })
    await field('Email').fill('')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await expect.element(field('Email')).toHaveAccessibleDescription(/cannot remove an email/)
    expect(onupdate).not.toHaveBeenCalled()
  })

  test('a changed name or email Seam would refuse is said by its field, not sent', async () => {
    const { onupdate } = render({ mode: 'edit', initial: dana })
    const save = page.getByRole('button', { name: 'Save changes' })
    await field('Full name').fill('Dana \u202Eyllucs')
    await field('Email').fill(`dana@${'d'.repeat(250)}.com`)
    await save.click()
    await expect
      .element(field('Full name'))
      .toHaveAccessibleDescription(
        saying(
          'The name contains a hidden character that changes the direction of the text (U+202E) at character 6.',
        ),
      )
    await expect
      .element(field('Email'))
      .toHaveAccessibleDescription(
        saying('The email address is too long: 259 characters, at most 254.'),
      )
    expect(onupdate).not.toHaveBeenCalled()

    await field('Full name').fill('Dana Scully')
    await field('Email').fill('dana@fbi.example')
    await save.click()
    await vi.waitFor(() => expect(onupdate).toHaveBeenCalledTimes(1))
    expect(onupdate.mock.calls[0]?.[0]).toEqual({ email_address: 'dana@fbi.example' })
  })

  test('names in any script, and markup, are kept exactly as typed', async () => {
    const { onupdate } = render({ mode: 'edit', initial: dana })
    await field('Full name').fill('<b>وسام</b> 🙂')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await vi.waitFor(() => expect(onupdate).toHaveBeenCalledTimes(1))
    expect(onupdate.mock.calls[0]?.[0]).toEqual({ full_name: '<b>وسام</b> 🙂' })
    expect(document.querySelector('dialog b')).toBeNull()
  })
})
