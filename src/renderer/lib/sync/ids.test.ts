import { expect, test, vi } from 'vitest'
import { newEntryId } from './ids'

test('ids made one after another sort in the order they were made, even in one millisecond', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  const ids = [newEntryId(now), newEntryId(now), newEntryId(now - 5000), newEntryId(now + 1)]
  expect([...ids].sort()).toEqual(ids)
  expect(new Set(ids).size).toBe(ids.length)
})

test('after a restart with the clock set back, a new id still sorts after the newest stored', async () => {
  // Stored by a run whose clock was far ahead of this one's.
  const stored = newEntryId(Date.parse('2100-06-01T12:00:00Z'))
  // A fresh start: the module's memory of the last id is gone.
  vi.resetModules()
  const restarted = (await import('./ids')).newEntryId
  expect(restarted(Date.parse('2030-01-01T00:00:00Z')) < stored).toBe(true)
  const next = restarted(Date.parse('2030-01-01T00:00:00Z'), stored)
  expect(next > stored).toBe(true)
  expect(restarted(Date.parse('2030-01-01T00:00:00Z'), stored) > next).toBe(true)
})
