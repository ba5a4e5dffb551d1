/**
 * A switch of workspace while edits are on their way: every request names the workspace it was
 * made for, and main refuses to send it once another one is active. The edit waits in its own
 * workspace's queue and goes when that workspace is active again.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Api } from '../../src/renderer/lib/sync/api'
import { SANDBOX_WORKSPACE_ID } from '../../src/shared/domain'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  startRig,
  type OfflineRig,
} from '../support/offline'

let rig: OfflineRig
beforeAll(async () => {
  rig = await startRig({ users: 20 })
})
afterAll(() => rig?.dispose())

/** The renderer's requests for one workspace, as the app makes them. */
const scoped = (workspace_id: string): Api => ({
  invoke: (channel, request) => rig.api.invoke(channel, request, { workspace_id }),
})

test('an edit made in one workspace is never sent while another is active', async () => {
  const api = scoped(rig.workspace_id)
  const client = openClient(api)
  await pullAll(client, api)
  const user = (await client.db.acs_users.toArray()).find((u) => !u.is_suspended)!
  await client.outbox.enqueue({
    op: 'update',
    target_id: user.acs_user_id,
    params: { full_name: 'Meant For The First Workspace' },
  })

  await rig.services.session.activate(SANDBOX_WORKSPACE_ID)
  client.replayer.start()
  await client.replayer.idle()
  const [entry] = await client.db.outbox.toArray()
  // Still waiting its turn, with the reason, neither failed nor taken for a conflict.
  expect(entry).toMatchObject({ status: 'queued', last_error: { kind: 'unreachable' } })
  expect(entry!.last_error?.message).toMatch(/switched to another workspace/)
  expect((await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })).full_name).toBe(
    user.full_name,
  )
  // Nor is anything else sent on that workspace's behalf: a listing is refused too.
  expect(await api.invoke('systems.list', {})).toMatchObject({ ok: false })
  // The active workspace's own requests go as usual.
  expect(await scoped(SANDBOX_WORKSPACE_ID).invoke('systems.list', {})).toMatchObject({ ok: true })

  await rig.services.session.activate(rig.workspace_id)
  client.replayer.kick()
  await replayUntilSettled(client)
  expect(await client.db.outbox.count()).toBe(0)
  expect((await rig.seam.acs.users.get({ acs_user_id: user.acs_user_id })).full_name).toBe(
    'Meant For The First Workspace',
  )
  await client.replayer.stop()
})
