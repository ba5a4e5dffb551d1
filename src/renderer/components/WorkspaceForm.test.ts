/**
 * WorkspaceForm in a real browser (vitest browser mode, Chromium): the real component, the real
 * `call()` and `explain()`, real typing and clicking. The one stand-in is `window.keyholder`:
 * the IPC bridge the preload script (or the harness shim) provides cannot exist in a component
 * test, so a fake records each request and answers with a canned Result.
 */
import { afterEach, describe, expect, test, vi } from 'vitest'
import { page } from 'vitest/browser'
import { flushSync, mount, unmount, type ComponentProps } from 'svelte'
import type {
  InvokeChannel,
  KeyholderApi,
  RequestOf,
  ResponseOf,
  StorageStatus,
  WorkspaceSummary,
} from '../../shared/contract'
import type { Result } from '../../shared/errors'
import WorkspaceForm from './WorkspaceForm.svelte'

const KEY = 'seam_testKey_9f8e7d6c5b4a'
const PROTECTED: StorageStatus = {
  protected: true,
  backend: 'gnome_libsecret',
  message: 'API keys are encrypted by the system keychain.',
}
const UNPROTECTED: StorageStatus = {
  protected: false,
  backend: 'basic_text',
  message:
    'No password manager (such as GNOME Keyring or KWallet) is running, so a saved key would be readable by anyone who can read your files.',
}
const HEAD_OFFICE: WorkspaceSummary = {
  workspace_id: 'ws_head_office',
  name: 'Head office',
  endpoint: 'https://connect.getseam.com',
  is_sandbox: false,
  persisted: true,
}

type Answers = { [C in InvokeChannel]?: (request: RequestOf<C>) => Result<ResponseOf<C>> }
interface Recorded {
  channel: InvokeChannel
  request: unknown
}

/** The stand-in for the preload bridge: records every call, answers from `answers`. */
function fakeBridge(answers: Answers) {
  const calls: Recorded[] = []
  const invoke = <C extends InvokeChannel>(
    channel: C,
    request: RequestOf<C>,
  ): Promise<Result<ResponseOf<C>>> => {
    calls.push({ channel, request: structuredClone(request) })
    const answer = answers[channel]
    return Promise.resolve(
      answer
        ? answer(request)
        : { ok: false, error: { kind: 'local', message: `No stand-in answer for ${channel}` } },
    )
  }
  const bridge: KeyholderApi = { invoke, on: () => () => {} }
  Object.defineProperty(window, 'keyholder', { value: bridge, configurable: true })
  return { calls, channels: () => calls.map((c) => c.channel) }
}

const accepts = (): Answers => ({
  'workspaces.test': () => ({ ok: true, value: { acs_system_count: 2 } }),
  'workspaces.add': (request) => ({
    ok: true,
    value: {
      workspace_id: 'ws_new',
      name: request.name,
      endpoint: request.endpoint ?? 'https://connect.getseam.com',
      is_sandbox: false,
      persisted: request.allow_unprotected_storage ?? false,
    },
  }),
  'workspaces.set_key': (request) => ({
    ok: true,
    value: { ...HEAD_OFFICE, workspace_id: request.workspace_id },
  }),
})

let mounted: { component: ReturnType<typeof mount>; target: HTMLElement } | undefined

function render(props: Partial<ComponentProps<typeof WorkspaceForm>>) {
  const target = document.createElement('div')
  document.body.append(target)
  const onsaved = vi.fn<(workspace: WorkspaceSummary) => void>()
  const component = mount(WorkspaceForm, {
    target,
    props: { mode: 'add', storage: PROTECTED, onsaved, ...props },
  })
  flushSync()
  mounted = { component, target }
  return { target, onsaved }
}

afterEach(async () => {
  if (mounted) {
    await unmount(mounted.component)
    mounted.target.remove()
    mounted = undefined
  }
})

const nameInput = () => page.getByRole('textbox', { name: 'Name' })
// The label's text ends with the required marker ("*", hidden from screen readers).
const keyInput = () => page.getByLabelText(/^API key/)
const save = () => page.getByRole('button', { name: 'Check and save' })

describe('WorkspaceForm', () => {
  test('an empty key is pointed out next to the key field, and nothing is called', async () => {
    const bridge = fakeBridge(accepts())
    const { onsaved } = render({})
    await nameInput().fill('Head office')
    await save().click()

    await expect.element(keyInput()).toHaveAccessibleDescription(/Enter the API key/)
    await expect.element(keyInput()).toHaveAttribute('aria-invalid', 'true')
    await expect.element(keyInput()).toHaveFocus()
    expect(bridge.calls).toEqual([])
    expect(onsaved).not.toHaveBeenCalled()
    // Nothing typed is lost.
    await expect.element(nameInput()).toHaveValue('Head office')
  })

  test('a name that passes for the practice sandbox is refused next to the name', async () => {
    const bridge = fakeBridge(accepts())
    render({})
    await nameInput().fill('Sandbox — practice data')
    await keyInput().fill(KEY)
    await save().click()
    await expect.element(nameInput()).toHaveAccessibleDescription(/kept for the practice sandbox/)
    await expect.element(nameInput()).toHaveFocus()
    expect(bridge.calls).toEqual([])
  })

  test('a key Seam refuses is explained next to the key field and is not saved', async () => {
    const bridge = fakeBridge({
      ...accepts(),
      'workspaces.test': () => ({
        ok: false,
        error: { kind: 'unauthorized', message: 'Unauthorized', status: 401 },
      }),
    })
    const { onsaved } = render({})
    await nameInput().fill('Head office')
    await keyInput().fill(KEY)
    await save().click()

    await expect.element(keyInput()).toHaveAccessibleDescription(/Seam refused this key/)
    expect(bridge.channels()).toEqual(['workspaces.test'])
    expect(onsaved).not.toHaveBeenCalled()
    // The typed values stay so the person can correct them.
    await expect.element(nameInput()).toHaveValue('Head office')
    await expect.element(keyInput()).toHaveValue(KEY)
  })

  test('a good key is checked, then saved with trimmed values, then reported', async () => {
    const bridge = fakeBridge(accepts())
    const { target, onsaved } = render({})
    await nameInput().fill('  Head office  ')
    await keyInput().fill(`  ${KEY}  `)
    await save().click()

    await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
    expect(bridge.calls).toEqual([
      { channel: 'workspaces.test', request: { api_key: KEY } },
      { channel: 'workspaces.add', request: { name: 'Head office', api_key: KEY } },
    ])
    expect(onsaved.mock.calls[0]?.[0]).toMatchObject({
      workspace_id: 'ws_new',
      name: 'Head office',
    })

    // The key is gone from the form: not in any text, not in any field.
    flushSync()
    expect(target.textContent).not.toContain(KEY)
    expect(document.body.innerHTML).not.toContain(KEY)
    for (const input of target.querySelectorAll('input')) expect(input.value).not.toContain(KEY)
    await expect.element(keyInput()).toHaveValue('')
  })

  test('a custom endpoint is trimmed, checked and saved; a non-web one is refused', async () => {
    const bridge = fakeBridge(accepts())
    const { onsaved } = render({})
    await nameInput().fill('Lab')
    await keyInput().fill(KEY)
    await page.getByText('Advanced').click()
    const endpoint = page.getByLabelText(/^Endpoint/)
    await endpoint.fill('ftp://seam.example.test')
    await save().click()
    await expect.element(endpoint).toHaveAccessibleDescription(/https:\/\//)
    expect(bridge.calls).toEqual([])

    await endpoint.fill('  https://seam.example.test/  ')
    await save().click()
    await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
    expect(bridge.calls).toEqual([
      {
        channel: 'workspaces.test',
        request: { api_key: KEY, endpoint: 'https://seam.example.test' },
      },
      {
        channel: 'workspaces.add',
        request: { name: 'Lab', api_key: KEY, endpoint: 'https://seam.example.test' },
      },
    ])
  })

  test('an unreachable custom endpoint is explained next to the endpoint field', async () => {
    const bridge = fakeBridge({
      ...accepts(),
      'workspaces.test': () => ({
        ok: false,
        error: {
          kind: 'unreachable',
          message: 'The Seam API at seam.example.test cannot be reached.',
        },
      }),
    })
    render({})
    await nameInput().fill('Lab')
    await keyInput().fill(KEY)
    await page.getByText('Advanced').click()
    await page.getByLabelText(/^Endpoint/).fill('https://seam.example.test')
    await save().click()

    await expect
      .element(page.getByLabelText(/^Endpoint/))
      .toHaveAccessibleDescription(/Cannot reach Seam.*seam\.example\.test cannot be reached/)
    expect(bridge.channels()).toEqual(['workspaces.test'])
  })

  describe('when the keychain does not protect keys', () => {
    test('warns before saving and keeps the key for the session unless the box is ticked', async () => {
      const bridge = fakeBridge(accepts())
      const { onsaved } = render({ storage: UNPROTECTED })
      await expect.element(page.getByText(UNPROTECTED.message)).toBeVisible()
      const box = page.getByRole('checkbox', { name: 'Save the key on this computer anyway' })
      await expect.element(box).not.toBeChecked()
      await expect.element(page.getByText(/only until it closes/)).toBeVisible()

      await nameInput().fill('Head office')
      await keyInput().fill(KEY)
      await save().click()
      await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
      expect(bridge.calls[1]).toEqual({
        channel: 'workspaces.add',
        request: { name: 'Head office', api_key: KEY },
      })
    })

    test('passes allow_unprotected_storage only when the box is ticked', async () => {
      const bridge = fakeBridge(accepts())
      const { onsaved } = render({ storage: UNPROTECTED })
      await nameInput().fill('Head office')
      await keyInput().fill(KEY)
      await page.getByRole('checkbox', { name: 'Save the key on this computer anyway' }).click()
      await save().click()
      await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
      expect(bridge.calls[1]).toEqual({
        channel: 'workspaces.add',
        request: { name: 'Head office', api_key: KEY, allow_unprotected_storage: true },
      })
    })
  })

  test('replace-key: a workspace on its own server has the new key checked there', async () => {
    const bridge = fakeBridge(accepts())
    const local = { ...HEAD_OFFICE, endpoint: 'http://127.0.0.1:5393' }
    const { onsaved } = render({ mode: 'replace-key', workspace: local })
    await keyInput().fill(KEY)
    await page.getByRole('button', { name: 'Check and replace key' }).click()
    await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
    expect(bridge.calls[0]).toEqual({
      channel: 'workspaces.test',
      request: { api_key: KEY, endpoint: 'http://127.0.0.1:5393' },
    })
  })

  test('replace-key: checks the new key, then sets it on that workspace', async () => {
    const bridge = fakeBridge(accepts())
    const { target, onsaved } = render({ mode: 'replace-key', workspace: HEAD_OFFICE })
    await expect.element(page.getByRole('textbox', { name: 'Name' })).not.toBeInTheDocument()
    await keyInput().fill(KEY)
    await page.getByRole('button', { name: 'Show key' }).click()
    await expect.element(page.getByRole('button', { name: 'Hide key' })).toBeVisible()
    await page.getByRole('button', { name: 'Check and replace key' }).click()

    await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
    expect(bridge.calls).toEqual([
      { channel: 'workspaces.test', request: { api_key: KEY } },
      { channel: 'workspaces.set_key', request: { workspace_id: 'ws_head_office', api_key: KEY } },
    ])
    flushSync()
    expect(target.textContent).not.toContain(KEY)
    for (const input of target.querySelectorAll('input')) expect(input.value).not.toContain(KEY)
    // Hidden again, so a later key is not shown by surprise.
    await expect.element(keyInput()).toHaveAttribute('type', 'password')
  })

  test('replace-key without a keychain asks the same consent as adding', async () => {
    const bridge = fakeBridge(accepts())
    const { onsaved } = render({
      mode: 'replace-key',
      workspace: HEAD_OFFICE,
      storage: UNPROTECTED,
    })
    await keyInput().fill(KEY)
    await page.getByRole('checkbox', { name: 'Save the key on this computer anyway' }).click()
    await page.getByRole('button', { name: 'Check and replace key' }).click()
    await vi.waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1))
    expect(bridge.calls[1]).toEqual({
      channel: 'workspaces.set_key',
      request: { workspace_id: 'ws_head_office', api_key: KEY, allow_unprotected_storage: true },
    })
  })

  test('an endpoint that would send the key unencrypted is refused next to its field', async () => {
    const bridge = fakeBridge(accepts())
    render({})
    await nameInput().fill('Lab')
    await keyInput().fill(KEY)
    await page.getByText('Advanced').click()
    const endpoint = page.getByLabelText(/^Endpoint/)
    await endpoint.fill('http://seam.example.test')
    await save().click()
    await expect.element(endpoint).toHaveAccessibleDescription(/unencrypted/)
    expect(bridge.calls).toEqual([])
  })
})
