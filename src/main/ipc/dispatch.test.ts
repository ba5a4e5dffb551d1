import { describe, expect, test } from 'vitest'
import { invokeChannels, type InvokeChannel } from '../../shared/contract'
import { createDispatcher, mergeHandlers, type Handlers } from './dispatch'

/** A full table whose handlers echo what they were given, so we can see what got through. */
function echoHandlers(): {
  handlers: Handlers
  calls: { channel: InvokeChannel; request: unknown }[]
} {
  const calls: { channel: InvokeChannel; request: unknown }[] = []
  const table = Object.fromEntries(
    invokeChannels.map((channel) => [
      channel,
      (request: unknown) => {
        calls.push({ channel, request })
        return Promise.resolve({ echoed: request })
      },
    ]),
  )
  return { handlers: mergeHandlers(table), calls }
}

const toError = () => ({ kind: 'server' as const, message: 'boom', status: 500 })

describe('the IPC dispatcher', () => {
  test('passes a valid request to its handler, trimmed by the schema', async () => {
    const { handlers, calls } = echoHandlers()
    const dispatch = createDispatcher(handlers, toError)
    const result = await dispatch('users.get', { acs_user_id: '  u1 ' })
    expect(result).toEqual({ ok: true, value: { echoed: { acs_user_id: 'u1' } } })
    expect(calls).toEqual([{ channel: 'users.get', request: { acs_user_id: 'u1' } }])
  })

  test.each([{ workspace_id: 42 }, { workspace_id: '' }, { other: 'x' }, 'ws-1'])(
    'rejects a bad scope %j without calling the handler',
    async (scope) => {
      const { handlers, calls } = echoHandlers()
      const result = await createDispatcher(handlers, toError)(
        'users.get',
        { acs_user_id: 'u1' },
        scope,
      )
      expect(result).toMatchObject({ ok: false, error: { kind: 'local' } })
      expect(calls).toEqual([])
    },
  )

  test.each([
    ['users.get', {}],
    ['users.get', { acs_user_id: 42 }],
    ['users.get', { acs_user_id: 'u1', extra: true }],
    ['users.update', { acs_user_id: 'u1', changes: { phone_number: '555-0100' } }],
    ['users.update', { acs_user_id: 'u1', changes: { email_address: 'not-an-email' } }],
    ['users.update', { acs_user_id: 'u1', changes: { is_suspended: true } }],
    [
      'users.update',
      {
        acs_user_id: 'u1',
        changes: {
          access_schedule: { starts_at: '2030-01-02T00:00:00Z', ends_at: '2030-01-01T00:00:00Z' },
        },
      },
    ],
    ['users.create', { acs_system_id: 's1' }],
    ['users.list_page', { acs_system_id: 's1', limit: 100_000 }],
    ['workspaces.add', { name: 'HQ', api_key: 'k', endpoint: 'javascript:alert(1)' }],
    ['workspaces.add', { name: '', api_key: 'k' }],
    ['workspaces.add', { name: 'Sandbox — practice data', api_key: 'k' }],
    ['workspaces.rename', { workspace_id: 'w1', name: ' SANDBOX ' }],
    ['workspaces.rename', { workspace_id: 'w1', name: 'Practice-Data' }],
    ['workspaces.rename', { workspace_id: 'w1', name: 'sandbox: practice data' }],
  ])('rejects a bad %s payload without calling the handler', async (channel, payload) => {
    const { handlers, calls } = echoHandlers()
    const result = await createDispatcher(handlers, toError)(channel, payload)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.kind).toBe('local')
    expect(calls).toEqual([])
  })

  test('rejects unknown channels, including prototype keys', async () => {
    const { handlers, calls } = echoHandlers()
    const dispatch = createDispatcher(handlers, toError)
    for (const channel of ['nope', 'constructor', '__proto__', 42, null]) {
      expect((await dispatch(channel, {})).ok).toBe(false)
    }
    expect(calls).toEqual([])
  })

  test('turns a handler failure into the error union', async () => {
    const { handlers } = echoHandlers()
    handlers['systems.list'] = () => Promise.reject(new Error('x'))
    const result = await createDispatcher(handlers, toError)('systems.list', {})
    expect(result).toEqual({ ok: false, error: toError() })
  })

  test('refuses a channel claimed twice or left without a handler', () => {
    const first = { 'systems.list': () => Promise.resolve([]) }
    expect(() => mergeHandlers(first, first)).toThrow(/Two handlers/)
    expect(() => mergeHandlers(first)).toThrow(/No handler for/)
  })
})

test('a real name with one of the sandbox’s words in it is a fine workspace name', async () => {
  const { handlers, calls } = echoHandlers()
  const dispatch = createDispatcher(handlers, toError)
  for (const name of ['Riverside Dental Practice', 'Seam sandbox', 'PracticeWorks HQ']) {
    expect(await dispatch('workspaces.rename', { workspace_id: 'w1', name })).toMatchObject({
      ok: true,
    })
  }
  expect(calls).toHaveLength(3)
})
