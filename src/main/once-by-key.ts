/**
 * Runs a keyed task at most once while it is under way, and hands a later call with the same
 * key the result of the one that succeeded (for `ttlMs`). A failure is forgotten, so the next
 * call runs the task again.
 *
 * Creating a user is the one edit Seam cannot take twice without harm, and a page may ask for
 * the same create again while the first request is still on its way: after a reload, a new
 * replayer finds the entry `sending`, looks for the user on the server, does not find them yet
 * and sends again. With the outbox entry's id as the key, that second request joins the first.
 */
export class OnceByKey<T> {
  readonly #tasks = new Map<string, { promise: Promise<T>; doneAt: number | null }>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60_000
    this.#now = options.now ?? Date.now
  }

  run(key: string, task: () => Promise<T>): Promise<T> {
    this.#forgetOld()
    const known = this.#tasks.get(key)
    if (known) return known.promise
    const record: { promise: Promise<T>; doneAt: number | null } = {
      promise: task(),
      doneAt: null,
    }
    this.#tasks.set(key, record)
    record.promise.then(
      () => (record.doneAt = this.#now()),
      () => this.#tasks.delete(key),
    )
    return record.promise
  }

  #forgetOld(): void {
    const before = this.#now() - this.#ttlMs
    for (const [key, { doneAt }] of this.#tasks) {
      if (doneAt !== null && doneAt < before) this.#tasks.delete(key)
    }
  }
}
