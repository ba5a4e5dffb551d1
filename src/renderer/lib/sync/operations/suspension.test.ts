import { expect, test } from 'vitest'
import type { AcsUser } from '../../../../shared/domain'
import { suspendedAfterPending } from './suspension'

const user = (is_suspended: boolean, pending: { to: boolean }[] = []) =>
  ({
    acs_user_id: 'u1',
    is_suspended,
    pending_mutations: pending.map(({ to }) => ({
      mutation_code: 'updating_suspension_state',
      created_at: '2026-12-05T08:00:00.000Z',
      from: { is_suspended: !to },
      to: { is_suspended: to },
    })),
  }) as unknown as AcsUser

test('a suspension still on its way to the doors counts as where it is going', () => {
  expect(suspendedAfterPending(user(false))).toBe(false)
  expect(suspendedAfterPending(user(true))).toBe(true)
  // Our suspend arrived at Seam, the doors have not taken it yet: an unsuspend is still needed.
  expect(suspendedAfterPending(user(false, [{ to: true }]))).toBe(true)
  expect(suspendedAfterPending(user(true, [{ to: false }]))).toBe(false)
})
