import { expect, test } from 'vitest'
import { OnceByKey } from './once-by-key'

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (cause: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

test('a second call while the first is under way joins it; other keys run on their own', async () => {
  const once = new OnceByKey<string>()
  const first = deferred<string>()
  let runs = 0
  const task = () => (runs++, first.promise)
  const a = once.run('entry-1', task)
  const b = once.run('entry-1', task)
  const c = once.run('entry-2', () => Promise.resolve('other'))
  first.resolve('created')
  expect(await Promise.all([a, b, c])).toEqual(['created', 'created', 'other'])
  expect(runs).toBe(1)
  // Afterwards too, the success is handed out again rather than run a second time.
  expect(await once.run('entry-1', task)).toBe('created')
  expect(runs).toBe(1)
})

test('a failure is forgotten, so asking again runs the task again', async () => {
  const once = new OnceByKey<string>()
  await expect(once.run('k', () => Promise.reject(new Error('timeout')))).rejects.toThrow('timeout')
  expect(await once.run('k', () => Promise.resolve('second try'))).toBe('second try')
})

test('a success is kept only for a while', async () => {
  let now = 0
  const once = new OnceByKey<number>({ ttlMs: 1000, now: () => now })
  expect(await once.run('k', () => Promise.resolve(1))).toBe(1)
  now = 500
  expect(await once.run('k', () => Promise.resolve(2))).toBe(1)
  now = 2000
  expect(await once.run('k', () => Promise.resolve(3))).toBe(3)
})
