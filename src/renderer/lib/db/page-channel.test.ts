import { expect, test } from 'vitest'
import { openPageChannel, parsePageMessage, type PageMessage } from './page-channel'
import { KeyholderDb } from './schema'
import type { UserCacheChange } from './user-cache'

test('only well-formed messages of ours are taken; ids only, nothing else kept', () => {
  expect(parsePageMessage({ kind: 'outbox', extra: 'dropped' })).toEqual({ kind: 'outbox' })
  const users = { kind: 'users', changed: ['u1'], removed: [], remapped: ['tmp_1'], listed: [] }
  expect(parsePageMessage({ ...users, full_name: 'Not trusted' })).toEqual(users)
  for (const junk of [
    null,
    'outbox',
    { kind: 'unknown' },
    { ...users, changed: 'u1' },
    { ...users, removed: [1] },
    { ...users, listed: ['x'.repeat(5000)] },
    { kind: 'sync-status', syncing: { acs_system_id: 's', pages: -1 }, lastError: null },
    { kind: 'sync-status', syncing: null, lastError: 42 },
  ]) {
    expect(parsePageMessage(junk), JSON.stringify(junk)?.slice(0, 80)).toBeNull()
  }
  const status = {
    kind: 'sync-status',
    syncing: { acs_system_id: 's', pages: 2, users: 40, total: null, done: false },
    lastError: null,
  }
  expect(parsePageMessage(status)).toEqual(status)
})

test("another page's announcement is read back from IndexedDB, not taken from the message", async () => {
  const name = `keyholder-channel-${Date.now()}`
  const here = new KeyholderDb(name)
  const there = new KeyholderDb(name)
  // The other page claimed a person created offline; only ids travel.
  await there.id_map.put({ temp_id: 'tmp_1', acs_user_id: 'real_1', mapped_at: 'then' })
  const heard: UserCacheChange[] = []
  here.users.subscribe((change) => heard.push(change))
  const mark = here.users.mark()
  await here.users.received({ changed: ['real_1'], removed: [], remapped: ['tmp_1'], listed: [] })
  expect(heard).toEqual([
    {
      changed: ['real_1'],
      removed: [],
      remapped: [{ temp_id: 'tmp_1', acs_user_id: 'real_1', mapped_at: 'then' }],
      listed: [],
      elsewhere: true,
    },
  ])
  // A listing page fetched before that write must not put an older copy back.
  expect(here.users.newerSince('real_1', mark)).toBe(true)
  here.close()
  there.close()
})

test('a message reaches the other pages of the database, not the sender nor other databases', async () => {
  const a = openPageChannel('db-one')!
  const b = openPageChannel('db-one')!
  const other = openPageChannel('db-two')!
  const got: Record<string, PageMessage[]> = { a: [], b: [], other: [] }
  a.subscribe((m) => got.a!.push(m))
  other.subscribe((m) => got.other!.push(m))
  const arrived = new Promise<void>((resolve) =>
    b.subscribe((m) => {
      got.b!.push(m)
      resolve()
    }),
  )
  a.post({ kind: 'outbox' })
  await arrived
  // A reply in the other direction: by the time it arrives, a's own message has had its
  // chance to come back to it.
  const after = new Promise<void>((resolve) => a.subscribe(() => resolve()))
  b.post({ kind: 'sync-now' })
  await after
  expect(got).toEqual({
    a: [{ kind: 'sync-now' }],
    b: [{ kind: 'outbox' }],
    other: [],
  })
  for (const channel of [a, b, other]) channel.close()
})
