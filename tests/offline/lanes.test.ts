import { afterAll, beforeAll, expect, test } from 'vitest'
import type { DBCore, DBCoreMutateRequest } from 'dexie'
import { unwrap } from '../../src/shared/errors'
import { KeyholderDb, usersOfSystem } from '../../src/renderer/lib/db/schema'
import type { Api } from '../../src/renderer/lib/sync/api'
import type { OutboxEntry } from '../../src/renderer/lib/sync/outbox-types'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  startRig,
  type OfflineRig,
} from '../support/offline'

let rig: OfflineRig
let systemId: string

beforeAll(async () => {
  rig = await startRig({ users: 30 })
  systemId = unwrap(await rig.api.invoke('systems.list', {}))[0]!.acs_system_id
})
afterAll(() => rig?.dispose())

/**
 * Counts, per outbox entry, the `sending` marks whose transaction has committed: a write
 * probe under Dexie (a DBCore middleware), on the real transactions of this database.
 */
function probeCommittedMarks(db: KeyholderDb): Map<string, number> {
  const committed = new Map<string, number>()
  db.use({
    stack: 'dbcore',
    name: 'CommittedMarks',
    create: (down: DBCore): DBCore => ({
      ...down,
      table(name) {
        const table = down.table(name)
        if (name !== 'outbox') return table
        return {
          ...table,
          mutate(req: DBCoreMutateRequest) {
            if (req.type === 'put' || req.type === 'add') {
              const marked = (req.values as OutboxEntry[])
                .filter((e) => e.status === 'sending')
                .map((e) => e.id)
              if (marked.length > 0) {
                ;(req.trans as unknown as IDBTransaction).addEventListener('complete', () => {
                  for (const id of marked) committed.set(id, (committed.get(id) ?? 0) + 1)
                })
              }
            }
            return table.mutate(req)
          },
        }
      },
    }),
  })
  return committed
}

// An answered edit hands its lane on before it commits, so the next entry's `sending` mark
// shares a transaction with that commit: still, no request may leave before its own mark has
// committed, and each person's edits still go in the order they were made.
test('with lanes handed on before commits, every request leaves after its mark committed', async () => {
  const db = new KeyholderDb(`keyholder-lanes-${Date.now()}`)
  const committedMarks = probeCommittedMarks(db)
  const sent = new Map<string, number>()
  const early: string[] = []
  const sentNames = new Map<string, string[]>()
  const api: Api = {
    ...rig.api,
    invoke: (channel, request) => {
      if (channel === 'users.update') {
        const { acs_user_id, changes, idempotency_key } = request as {
          acs_user_id: string
          changes: { full_name?: string }
          idempotency_key: string
        }
        const id = idempotency_key.split('.')[0]!
        const attempt = (sent.get(id) ?? 0) + 1
        sent.set(id, attempt)
        if ((committedMarks.get(id) ?? 0) < attempt) early.push(id)
        sentNames.set(acs_user_id, [...(sentNames.get(acs_user_id) ?? []), changes.full_name!])
      }
      return rig.api.invoke(channel, request)
    },
  }
  const client = openClient(api, { db, concurrency: 2 })
  await pullAll(client, rig.api)
  const people = (await usersOfSystem(db, systemId).sortBy('acs_user_id')).slice(0, 6)
  const wanted = new Map<string, string[]>()
  for (let round = 1; round <= 3; round++) {
    for (const person of people) {
      const full_name = `${person.full_name} (lanes ${round})`
      await client.outbox.enqueue(
        { op: 'update', target_id: person.acs_user_id, params: { full_name } },
        { coalesce: false },
      )
      wanted.set(person.acs_user_id, [...(wanted.get(person.acs_user_id) ?? []), full_name])
    }
  }

  await replayUntilSettled(client)
  await client.replayer.stop()

  expect(await db.outbox.count()).toBe(0)
  expect([...sent.values()].reduce((a, b) => a + b, 0)).toBe(18)
  expect(early).toEqual([])
  expect(sentNames).toEqual(wanted)
  for (const person of people) {
    const now = await rig.seam.acs.users.get({ acs_user_id: person.acs_user_id })
    expect(now.full_name).toBe(wanted.get(person.acs_user_id)!.at(-1))
  }
  db.close()
})
