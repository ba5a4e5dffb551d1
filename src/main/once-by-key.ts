/**
 * Runs a keyed task at most once while it is under way, and remembers how it ended: a later
 * call with the same key and the same payload gets that outcome instead of running again.
 *
 * Every write the outbox sends carries its entry's id as the key. A page may ask for the same
 * write again while the first request is still on its way (after a reload, a second window,
 * a renderer timeout shorter than a slow answer): that second request joins the first rather
 * than reaching Seam twice.
 *
 * - A success is remembered for `ttlMs` (a day by default).
 * - A failure is remembered only for as long as `failureTtlMs(cause)` says: 0 (the default)
 *   forgets it at once, so the next call runs again. A failure that may not have reached the
 *   server, or may be different next time (timeout, 5xx, 429, a refused key), must be forgotten.
 * - The same key with a different payload (the entry was corrected) is a new request; while the
 *   old one is under way it waits for it to end, so the two reach Seam in the order asked.
 */
export class OnceByKey<T> {
  readonly #tasks = new Map<string, TaskRecord<T>>()
  readonly #ttlMs: number
  readonly #failureTtlMs: (cause: unknown) => number
  readonly #now: () => number

  constructor(
    options: { ttlMs?: number; failureTtlMs?: (cause: unknown) => number; now?: () => number } = {},
  ) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60_000
    this.#failureTtlMs = options.failureTtlMs ?? (() => 0)
    this.#now = options.now ?? Date.now
  }

  run(key: string, task: () => Promise<T>, payload = ''): Promise<T> {
    const now = this.#now()
    this.#forgetOld(now)
    let known = this.#tasks.get(key)
    if (known?.expiresAt != null && known.expiresAt <= now) known = undefined
    if (known && known.payload === payload) return known.promise
    const start =
      known && known.expiresAt === null
        ? // The same entry, changed, while its earlier form is on its way: after it, in order.
          known.promise.then(
            () => task(),
            () => task(),
          )
        : task()
    const record: TaskRecord<T> = { payload, promise: start, expiresAt: null }
    this.#tasks.set(key, record)
    record.promise.then(
      () => (record.expiresAt = this.#now() + this.#ttlMs),
      (cause: unknown) => {
        const keep = this.#failureTtlMs(cause)
        if (keep > 0) record.expiresAt = this.#now() + keep
        else if (this.#tasks.get(key) === record) this.#tasks.delete(key)
      },
    )
    return record.promise
  }

  /** How many outcomes are remembered or under way (for tests). */
  get size(): number {
    this.#forgetOld(this.#now(), true)
    return this.#tasks.size
  }

  /**
   * Drops outcomes past their time. A sweep visits every key, so it runs at most once a
   * minute (a replay of thousands of writes would otherwise sweep thousands of times); a
   * lookup checks its own key's time regardless.
   */
  #forgetOld(now: number, force = false): void {
    if (!force && now - this.#sweptAt < 60_000) return
    this.#sweptAt = now
    for (const [key, { expiresAt }] of this.#tasks) {
      if (expiresAt !== null && expiresAt <= now) this.#tasks.delete(key)
    }
  }
  #sweptAt = -Infinity
}

interface TaskRecord<T> {
  payload: string
  promise: Promise<T>
  /** Null while under way. */
  expiresAt: number | null
}
