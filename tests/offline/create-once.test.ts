/**
 * Main's side of a create asked for twice: the same queued create gets the first one's person;
 * a corrected create (the same entry, new details) is a new request.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { unwrap } from '../../src/shared/errors'
import { startRig, type OfflineRig } from '../support/offline'

let rig: OfflineRig
beforeAll(async () => {
  rig = await startRig({ users: 10 })
})
afterAll(() => rig?.dispose())

test('one entry, one person; new details from the same entry make a new request', async () => {
  const acs_system_id = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
  const create = (full_name: string) =>
    rig.api.invoke(
      'users.create',
      { acs_system_id, full_name, idempotency_key: 'entry-1' },
      { workspace_id: rig.workspace_id },
    )
  const [first, again] = await Promise.all([create('Asked Twice'), create('Asked Twice')])
  const user = unwrap(first)
  expect(unwrap(again).acs_user_id).toBe(user.acs_user_id)
  expect(unwrap(await create('Asked Twice')).acs_user_id).toBe(user.acs_user_id)

  const corrected = unwrap(await create('Asked Twice, Corrected'))
  expect(corrected.acs_user_id).not.toBe(user.acs_user_id)
  const names = (await rig.seam.acs.users.list({ acs_system_id })).map((u) => u.full_name)
  expect(names.filter((n) => n === 'Asked Twice')).toHaveLength(1)
  expect(names.filter((n) => n === 'Asked Twice, Corrected')).toHaveLength(1)
})
