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
  // Nothing stays past its time, even between sweeps.
  now = 3001
  expect(once.size).toBe(0)
})

test('a failure the policy calls safe is remembered for its while; others are not', async () => {
  let now = 0
  const once = new OnceByKey<string>({
    now: () => now,
    failureTtlMs: (cause) => ((cause as Error).message === 'refused' ? 100 : 0),
  })
  let runs = 0
  const refuse = () => (runs++, Promise.reject(new Error('refused')))
  await expect(once.run('k', refuse)).rejects.toThrow('refused')
  await expect(once.run('k', refuse)).rejects.toThrow('refused')
  expect(runs).toBe(1)
  now = 100
  await expect(once.run('k', refuse)).rejects.toThrow('refused')
  expect(runs).toBe(2)

  let lost = 0
  const loseIt = () => (lost++, Promise.reject(new Error('no answer')))
  await expect(once.run('u', loseIt)).rejects.toThrow('no answer')
  await expect(once.run('u', loseIt)).rejects.toThrow('no answer')
  expect(lost).toBe(2)
})

test('the same key with other details is a new request, sent after the one under way', async () => {
  const once = new OnceByKey<string>()
  const first = deferred<string>()
  const order: string[] = []
  const a = once.run('k', () => (order.push('a starts'), first.promise), '{"name":"A"}')
  const b = once.run('k', () => (order.push('b starts'), Promise.resolve('b done')), '{"name":"B"}')
  // b waits for a to end, even though a fails.
  await Promise.resolve()
  expect(order).toEqual(['a starts'])
  first.reject(new Error('a failed'))
  await expect(a).rejects.toThrow('a failed')
  expect(await b).toBe('b done')
  expect(order).toEqual(['a starts', 'b starts'])
  // The remembered outcome is now b's: a repeat of b is answered from memory…
  expect(await once.run('k', () => Promise.resolve('again'), '{"name":"B"}')).toBe('b done')
  // …and a repeat of a is a new request again.
  expect(await once.run('k', () => Promise.resolve('a again'), '{"name":"A"}')).toBe('a again')
})
