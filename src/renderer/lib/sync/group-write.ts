import type { KeyholderDb } from '../db/schema'

type Work = () => Promise<unknown>
type Queued = { work: Work; resolve: (value: unknown) => void; reject: (cause: unknown) => void }

/**
 * Group commit: writes that arrive together share one IndexedDB transaction. The replayer
 * writes twice per edit (marking it sending, then committing it), and a transaction costs far
 * more than the few records in it, so under load this does the same writes for a fraction of
 * the cost; with one write waiting it is just that write's own transaction.
 *
 * Each write keeps its own meaning: it runs whole, in order, inside the shared transaction,
 * which either commits all of them or none. If the shared transaction fails, every write is
 * run again alone, so one bad write cannot fail the others.
 */
export class GroupWriter {
  readonly #db: KeyholderDb
  #queue: Queued[] = []
  #flushing: Promise<void> | null = null

  constructor(db: KeyholderDb) {
    this.#db = db
  }

  run<T>(work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject })
      // While one batch is being written, the next gathers; it goes as soon as that is done.
      if (!this.#flushing) this.#flushing = this.#flush()
    })
  }

  async #flush(): Promise<void> {
    // Let the writes already on their way (resolved in this same turn) join the batch.
    await new Promise((resolve) => setTimeout(resolve, 0))
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0)
      await this.#write(batch)
    }
    this.#flushing = null
  }

  async #write(batch: Queued[]): Promise<void> {
    const db = this.#db
    const tables = [
      db.outbox,
      db.acs_users,
      db.id_map,
      db.memberships,
      db.entrances,
      db.user_checked,
    ]
    const results: unknown[] = []
    try {
      await db.transaction('rw', tables, async () => {
        for (const item of batch) results.push(await item.work())
      })
      batch.forEach((item, i) => item.resolve(results[i]))
    } catch {
      for (const item of batch) {
        try {
          item.resolve(await db.transaction('rw', tables, item.work))
        } catch (cause) {
          item.reject(cause)
        }
      }
    }
  }
}
