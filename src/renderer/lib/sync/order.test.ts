import { expect, test } from 'vitest'
import { nextToSend, supersededBy } from './order'
import type { OutboxEntry } from './outbox-types'

let seq = 0
function entry(op: OutboxEntry['op'], over: Partial<OutboxEntry> = {}): OutboxEntry {
  seq += 1
  return {
    op,
    params: op === 'update' ? { full_name: 'X' } : {},
    id: `0000${String(seq).padStart(4, '0')}`,
    created_at: '2026-12-05T08:00:00.000Z',
    target_id: 'u1',
    acs_system_id: 's1',
    base: {},
    status: 'queued',
    attempts: 0,
    attempt_started_at: null,
    next_attempt_at: 0,
    last_error: null,
    conflicts: null,
    label: 'Ana',
    ...over,
  } as OutboxEntry
}

test('in order, unless the oldest waits on the person', () => {
  const [a, b] = [entry('update'), entry('suspend')]
  expect(nextToSend([a, b])).toBe(a)
})

test('a suspend passes what waits on the person and what changes something else', () => {
  const failed = entry('update', { status: 'failed' })
  const rename = entry('update')
  const suspend = entry('suspend')
  expect(nextToSend([failed, rename, suspend])).toBe(suspend)
  // Confirmed, it replaces nothing it did not overlap.
  expect(supersededBy(suspend, [failed, rename, suspend])).toEqual([])
})

test('found by the model: unsuspend (in conflict), suspend, unsuspend, suspend keep their order', () => {
  const unsuspend0 = entry('unsuspend', { status: 'conflict' })
  const suspend1 = entry('suspend')
  const unsuspend2 = entry('unsuspend')
  const suspend3 = entry('suspend')
  const queue = [unsuspend0, suspend1, unsuspend2, suspend3]
  // The first suspend goes ahead of the conflict and, once confirmed, replaces it…
  expect(nextToSend(queue)).toBe(suspend1)
  expect(supersededBy(suspend1, queue)).toEqual([unsuspend0])
  // …and the unsuspend and suspend queued after it still go, in their order.
  const after = [{ ...unsuspend0, superseded_by: suspend1.id }, unsuspend2, suspend3]
  expect(nextToSend(after)).toBe(unsuspend2)
})

test('a suspend behind a conflict passes an unsuspend of ours that never left, and replaces it', () => {
  const conflict = entry('suspend', { status: 'conflict' })
  const unsuspend = entry('unsuspend')
  const suspend = entry('suspend')
  expect(nextToSend([conflict, unsuspend, suspend])).toBe(suspend)
  expect(supersededBy(suspend, [conflict, unsuspend, suspend])).toEqual([conflict, unsuspend])
  // One that may have reached Seam keeps its place: its outcome is not known yet.
  const tried = { ...unsuspend, sent_before: true, attempt_started_at: '2026-12-05T08:00:00Z' }
  expect(nextToSend([conflict, tried, suspend])).toBeUndefined()
})

test('nothing of a person added offline goes before their create', () => {
  const create = entry('create', { target_id: 'tmp_1', status: 'ask' })
  const suspend = entry('suspend', { target_id: 'tmp_1' })
  expect(nextToSend([create, suspend])).toBeUndefined()
})

test('a delete passes what it makes moot, and replaces all of it once confirmed', () => {
  const failed = entry('update', { status: 'failed' })
  const conflict = entry('add_to_access_group', { status: 'conflict' })
  const queued = entry('update')
  const del = entry('delete')
  expect(nextToSend([failed, conflict, queued, del])).toBe(del)
  expect(supersededBy(del, [failed, conflict, queued, del])).toEqual([failed, conflict, queued])
  // Not past an edit of ours that may have reached Seam: its outcome comes first.
  const tried = { ...queued, sent_before: true, attempt_started_at: '2026-12-05T08:00:00Z' }
  expect(nextToSend([failed, tried, del])).toBeUndefined()
})
