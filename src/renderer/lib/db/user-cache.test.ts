/** The one owner of cached users, on fake-indexeddb: what it writes and what it announces. */
import { expect, test } from 'vitest'
import type { AcsUser } from '../../../shared/domain'
import { KeyholderDb } from './schema'
import { userTables, type UserCacheChange } from './user-cache'

let n = 0
function person(acs_user_id: string, full_name: string, acs_system_id = 'sys-1'): AcsUser {
  return {
    acs_user_id,
    acs_system_id,
    full_name,
    display_name: full_name,
    workspace_id: 'ws',
    created_at: '2026-01-01T00:00:00.000Z',
    is_suspended: false,
    errors: [],
    warnings: [],
  } as unknown as AcsUser
}

function open() {
  const db = new KeyholderDb(`user-cache-test-${++n}`)
  const heard: UserCacheChange[] = []
  db.users.subscribe((change) => heard.push(change))
  return { db, heard }
}

test('a write is announced once its transaction commits, and never if it aborts', async () => {
  const { db, heard } = open()
  await db.transaction('rw', userTables(db), async () => {
    await db.users.put(person('u1', 'Ana'))
    await db.users.put(person('u2', 'Ben'))
    expect(heard).toEqual([]) // not before the commit
  })
  expect(heard).toEqual([{ changed: ['u1', 'u2'], removed: [], remapped: [], listed: [] }])

  await expect(
    db.transaction('rw', userTables(db), async () => {
      await db.users.put(person('u3', 'Cat'))
      throw new Error('disk full')
    }),
  ).rejects.toThrow('disk full')
  expect(heard).toHaveLength(1)
  expect(await db.acs_users.get('u3')).toBeUndefined()
})

test('a listing page written while a confirmed edit commits does not put the older copy back', async () => {
  const { db } = open()
  await db.transaction('rw', userTables(db), () => db.users.put(person('u1', 'Old Name')))
  const mark = db.users.mark() // the page is asked for…
  // …and written while an earlier transaction, which reads first, is still marking its person
  // (as a confirmed edit's commit reads its outbox entry before it writes).
  const edit = db.transaction('rw', [db.outbox, ...userTables(db)], async () => {
    await db.outbox.get('entry')
    await db.users.put(person('u1', 'New Name'))
  })
  const page = db.users.putListed([person('u1', 'Old Name')], mark)
  await Promise.all([edit, page])
  expect((await db.acs_users.get('u1'))?.full_name).toBe('New Name')
})

test('writes outside a transaction are refused: nothing escapes the announcements', async () => {
  const { db } = open()
  await expect(db.users.put(person('u1', 'Ana'))).rejects.toThrow(/inside a transaction/)
})

test('a listing page read before our own write does not put the older copy back', async () => {
  const { db } = open()
  await db.transaction('rw', userTables(db), () => db.users.put(person('u1', 'Old Name')))
  const mark = db.users.mark() // the page is asked for…
  await db.transaction('rw', userTables(db), () => db.users.put(person('u1', 'New Name')))
  await db.users.putListed([person('u1', 'Old Name'), person('u2', 'Listed')], mark)
  expect((await db.acs_users.get('u1'))?.full_name).toBe('New Name')
  expect((await db.acs_users.get('u2'))?.full_name).toBe('Listed')
})

test('a complete listing removes the unlisted, except someone written since it began', async () => {
  const { db, heard } = open()
  await db.users.putListed([person('u1', 'Ana'), person('u2', 'Ben')], db.users.mark())
  const started = db.users.mark()
  // Created by us while the listing ran: listed before they existed.
  await db.transaction('rw', userTables(db), () => db.users.put(person('u3', 'New')))
  const count = await db.transaction('rw', userTables(db), () =>
    db.users.finishListing('sys-1', new Set(['u1']), started),
  )
  expect(count).toBe(2)
  expect((await db.acs_users.toCollection().primaryKeys()).sort()).toEqual(['u1', 'u3'])
  expect(heard.at(-1)).toEqual({ changed: [], removed: ['u2'], remapped: [], listed: ['sys-1'] })
})

test('two offline creates can never claim one person', async () => {
  const { db, heard } = open()
  const seam = person('real-1', 'Night Cleaner')
  const first = await db.transaction('rw', userTables(db), () =>
    db.users.claim('tmp_a', seam, ['group-1']),
  )
  const second = await db.transaction('rw', userTables(db), () => db.users.claim('tmp_b', seam))
  expect([first, second]).toEqual([true, false])
  expect(await db.users.resolve('tmp_a')).toBe('real-1')
  expect(await db.users.resolve('tmp_b')).toBe('tmp_b')
  expect(await db.memberships.toArray()).toEqual([
    { acs_user_id: 'real-1', acs_access_group_id: 'group-1' },
  ])
  expect(heard.map((h) => h.remapped.map((m) => m.temp_id))).toEqual([['tmp_a']])
})

test("a group's member list read before our own group change does not undo it", async () => {
  const { db } = open()
  await db.transaction('rw', userTables(db), async () => {
    await db.users.addMembership('u1', 'g1')
    await db.users.addMembership('u2', 'g1')
  })
  const mark = db.users.mark() // the member list is asked for…
  // …and meanwhile our edits are confirmed: u1 leaves g1, u3 joins it.
  await db.transaction('rw', userTables(db), async () => {
    await db.users.removeMembership('u1', 'g1')
    await db.users.addMembership('u3', 'g1')
  })
  // Seam's list from before ours: u1 and u2, and u4, whom someone added elsewhere.
  await db.transaction('rw', userTables(db), () =>
    db.users.replaceGroupMembers('g1', ['u1', 'u2', 'u4'], mark),
  )
  const members = (await db.memberships.where('acs_access_group_id').equals('g1').toArray())
    .map((m) => m.acs_user_id)
    .sort()
  expect(members).toEqual(['u2', 'u3', 'u4'])
})
