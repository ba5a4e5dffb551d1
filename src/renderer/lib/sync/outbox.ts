import type { CreateUserInput, UserChanges } from '../../../shared/contract'
import type { KeyholderDb } from '../db/schema'
import { fromCachedUser } from '../db/schema'
import { userTables } from '../db/user-cache'
import { isWaitingOnPerson } from './order'
import { newEntryId, newTempId } from './ids'
import { operations } from './operations'
import type { OverlayState } from './operations/types'
import { baseOf } from './operations/update'
import { applyPending, type ViewUser } from './overlay'
import type { ConflictField, Edit, OutboxEntry, OutboxStatus } from './outbox-types'

export type { Edit } from './outbox-types'

/** A correction of a failed edit: a whole new create, or the fields of an update to change. */
export type AmendEdit =
  { op: 'create'; params: CreateUserInput } | { op: 'update'; params: UserChanges }

export interface EnqueueResult {
  target_id: string
  /** The entry now holding this edit (a merged update returns the entry it merged into). */
  entry: OutboxEntry | null
  /** A create and a delete that never left the app cancelled each other out. */
  cancelled: boolean
}

export interface EnqueueOptions {
  /**
   * Whether the edit may merge with the user's queued ones (default true): consecutive updates
   * become one, and a delete cancels a create that never left. `false` keeps every edit as its
   * own entry and its own request; the benchmark uses it to replay a known number of requests.
   */
  coalesce?: boolean
}

export type OutboxCounts = Record<OutboxStatus, number> & { total: number }

/**
 * The single write path for every edit, and what the UI asks about queued edits. Screens
 * never write the cache: they enqueue here and read `view()`, which lays pending edits over
 * the server copy.
 */
export class Outbox {
  readonly #db: KeyholderDb
  readonly #now: () => number
  readonly #listeners = new Set<() => void>()

  constructor(db: KeyholderDb, options: { now?: () => number } = {}) {
    this.#db = db
    this.#now = options.now ?? Date.now
  }

  /** Called after every change to the outbox, by the UI and by the replayer. */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  notify(): void {
    for (const listener of this.#listeners) listener()
  }

  async enqueue(edit: Edit, options: EnqueueOptions = {}): Promise<EnqueueResult> {
    const { coalesce = true } = options
    const db = this.#db
    // One transaction: the entry, its base values and any merge or cancel are committed
    // together, so a crash leaves either the whole edit queued or none of it.
    const result = await db.transaction('rw', [db.outbox, db.acs_users, db.id_map], async () => {
      const target_id = edit.op === 'create' ? newTempId() : await this.#resolveId(edit.target_id)
      const pending = await this.#entriesFor(target_id)
      const current = applyPending(
        edit.op === 'create' ? undefined : await this.#serverCopy(target_id),
        pending,
      )
      if (edit.op !== 'create' && !current) {
        throw new Error('This user is no longer in the cache. Refresh and try again.')
      }
      const last = pending.at(-1)
      const untouched = (e: OutboxEntry | undefined) =>
        coalesce && e !== undefined && e.status === 'queued' && e.attempt_started_at === null

      if (edit.op === 'delete' && pending[0]?.op === 'create' && untouched(pending[0])) {
        await db.outbox.bulkDelete(pending.map((e) => e.id))
        return { target_id, entry: null, cancelled: true }
      }
      if (edit.op === 'update' && last?.op === 'update' && untouched(last)) {
        const base = { ...baseOf(current, edit.params), ...last.base }
        const merged = { ...last, params: { ...last.params, ...edit.params }, base }
        await db.outbox.put(merged)
        return { target_id, entry: merged, cancelled: false }
      }

      const entry = {
        ...edit,
        params: 'params' in edit && edit.params ? edit.params : {},
        id: newEntryId(
          this.#now(),
          (await db.outbox.orderBy('id').lastKey()) as string | undefined,
        ),
        created_at: new Date(this.#now()).toISOString(),
        target_id,
        acs_system_id:
          edit.op === 'create' ? edit.params.acs_system_id : (current?.acs_system_id ?? ''),
        base: {},
        status: 'queued',
        attempts: 0,
        attempt_started_at: null,
        next_attempt_at: 0,
        last_error: null,
        conflicts: null,
        label:
          edit.op === 'create'
            ? edit.params.full_name
            : (current?.full_name ?? current?.display_name ?? target_id),
      } as OutboxEntry
      entry.base = operations[entry.op].base(current, entry as never)
      await db.outbox.add(entry)
      return { target_id, entry, cancelled: false }
    })
    this.notify()
    return result
  }

  /** The user as the screen should show it, or undefined if unknown. */
  async view(id: string): Promise<ViewUser | undefined> {
    const db = this.#db
    return db.transaction('r', [db.outbox, db.acs_users, db.id_map], async () => {
      const target_id = await this.#resolveId(id)
      return applyPending(await this.#serverCopy(target_id), await this.#entriesFor(target_id))
    })
  }

  async entriesFor(id: string): Promise<OutboxEntry[]> {
    return this.#entriesFor(await this.#resolveId(id))
  }

  all(): Promise<OutboxEntry[]> {
    return this.#db.outbox.orderBy('id').toArray()
  }

  /**
   * How many entries are in each state, counted by the status index: a replay asks after
   * each change, and reading every entry each time made a long queue's replay quadratic.
   */
  async counts(): Promise<OutboxCounts> {
    const db = this.#db
    const statuses = ['queued', 'sending', 'failed', 'conflict', 'ask'] as const
    const counts: OutboxCounts = { queued: 0, sending: 0, failed: 0, conflict: 0, ask: 0, total: 0 }
    await db.transaction('r', db.outbox, async () => {
      const found = await Promise.all(
        statuses.map((status) => db.outbox.where('status').equals(status).count()),
      )
      statuses.forEach((status, i) => (counts[status] = found[i]!))
      counts.total = await db.outbox.count()
    })
    return counts
  }

  /**
   * A failed or conflicting entry goes back in the queue, as is (a create the person was asked
   * about is looked for at Seam again). One superseded by a later edit has nothing left to do.
   */
  async retry(id: string): Promise<void> {
    await this.#db.outbox
      .where('id')
      .equals(id)
      .modify((e) => {
        if (!isWaitingOnPerson(e) || e.superseded_by) return
        Object.assign(e, {
          status: 'queued',
          next_attempt_at: 0,
          last_error: null,
          conflicts: null,
          candidates: null,
          revision: (e.revision ?? 0) + 1,
        })
      })
    this.notify()
  }

  /**
   * Drops an entry the person no longer wants. Dropping a create that never reached the server
   * drops the edits made to that user after it, since they have nothing left to apply to.
   */
  async discard(id: string): Promise<void> {
    const db = this.#db
    await db.transaction('rw', db.outbox, async () => {
      const entry = await db.outbox.get(id)
      if (!entry || entry.status === 'sending') return
      if (entry.op === 'create') {
        await db.outbox.where('target_id').equals(entry.target_id).delete()
      } else {
        await db.outbox.delete(id)
      }
    })
    this.notify()
  }

  /**
   * Corrects a failed create or update in place and queues it again. It keeps its place in its
   * user's queue: the edits made after it still wait behind it, and a create keeps its
   * temporary id. An update keeps the fields it had, with `correction` laid over them. False
   * when the entry is no longer a failed edit of that kind (sent, discarded or retried).
   */
  async amend(id: string, correction: AmendEdit): Promise<boolean> {
    const db = this.#db
    const amended = await db.transaction('rw', [db.outbox, db.acs_users, db.id_map], async () => {
      const entry = await db.outbox.get(id)
      if (!entry || entry.status !== 'failed' || entry.op !== correction.op) return false
      // A later suspend, revoke or delete replaced it: there is nothing left to correct.
      if (entry.superseded_by) return false
      const again = {
        status: 'queued',
        next_attempt_at: 0,
        failures: 0,
        last_error: null,
        revision: (entry.revision ?? 0) + 1,
      } as const
      if (correction.op === 'create') {
        const { acs_system_id, full_name } = correction.params
        const queued = await this.#entriesFor(entry.target_id)
        if (
          acs_system_id !== entry.acs_system_id &&
          queued.some((e) => e.op === 'add_to_access_group' || e.op === 'remove_from_access_group')
        ) {
          throw new Error(
            `${entry.label} has access group changes queued in the system they were first added to: discard those under Queued edits before moving them to another system.`,
          )
        }
        // Moved to another system: their later edits (none of them about groups) go too.
        await db.outbox
          .where('target_id')
          .equals(entry.target_id)
          .modify((e) => void (e.acs_system_id = acs_system_id))
        await db.outbox.update(id, { ...again, params: correction.params, label: full_name })
        return true
      }
      // Fields new to the edit get the values the person saw: Seam's copy with the edits
      // queued before this one laid over it.
      const earlier = (await this.#entriesFor(entry.target_id)).filter((e) => e.id < id)
      const seen = applyPending(await this.#serverCopy(entry.target_id), earlier)
      const params = { ...entry.params, ...correction.params }
      const base = { ...baseOf(seen, correction.params), ...entry.base }
      await db.outbox.update(id, { ...again, params, base })
      return true
    })
    this.notify()
    return amended
  }

  /** Undo is only possible while the edit has not been handed to the network. */
  async undo(id: string): Promise<boolean> {
    const entry = await this.#db.outbox.get(id)
    if (!entry || entry.status !== 'queued' || entry.attempt_started_at !== null) return false
    await this.discard(id)
    return true
  }

  /**
   * Settles a conflict, one field or (no `field`) all of them. `mine` keeps our value, to be
   * sent over what Seam has now; `theirs` gives that one change up. The fields that had no
   * conflict stay in the edit and are still sent; the edit leaves the queue only when every
   * change in it was given up. Once no conflict is left, it goes back in the queue.
   */
  async resolve(id: string, choice: 'mine' | 'theirs', field?: ConflictField): Promise<void> {
    const db = this.#db
    await db.transaction('rw', db.outbox, async () => {
      const entry = await db.outbox.get(id)
      if (!entry || entry.status !== 'conflict') return
      const all = entry.conflicts ?? []
      const settled = all.filter((c) => field === undefined || c.field === field)
      const left = all.filter((c) => !settled.includes(c))
      const base = { ...entry.base }
      const params: Record<string, unknown> = { ...entry.params }
      for (const c of settled) {
        if (choice === 'mine') base[c.field] = c.theirs
        else {
          delete params[c.field]
          delete base[c.field]
        }
      }
      // Nothing of the edit is left to send (every change given up, or a suspension whose
      // outcome the person took from Seam).
      const givenUp =
        choice === 'theirs' &&
        (entry.op === 'update' ? Object.keys(params).length === 0 : settled.length > 0)
      if (givenUp && left.length === 0) return void (await db.outbox.delete(id))
      await db.outbox.put({
        ...entry,
        params,
        base,
        ...(left.length
          ? { conflicts: left }
          : {
              status: 'queued',
              conflicts: null,
              last_error: null,
              next_attempt_at: 0,
              revision: (entry.revision ?? 0) + 1,
            }),
      })
    })
    this.notify()
  }

  /**
   * "This is them": the person says which of Seam's people a create whose answer was lost
   * added. Recorded like a confirmed create (the edits made to them since follow), unless
   * another create already has that person (false).
   */
  async confirmCreate(id: string, acs_user_id: string): Promise<boolean> {
    const db = this.#db
    const confirmed = await db.transaction('rw', [db.outbox, ...userTables(db)], async () => {
      const entry = await db.outbox.get(id)
      const candidate = entry?.candidates?.find((c) => c.acs_user_id === acs_user_id)
      if (!entry || entry.op !== 'create' || entry.status !== 'ask' || !candidate) return false
      // Seam's copy if the cache has it; else what the create sent, under the real id, until
      // the next read of that person.
      const cached = await db.acs_users.get(acs_user_id)
      const state: OverlayState = {
        user: undefined,
        pending: new Set<string>(),
        pendingDelete: false,
        pendingCreate: false,
      }
      operations.create.overlay(state, entry)
      const user = cached
        ? fromCachedUser(cached)
        : { ...state.user!, acs_user_id, created_at: candidate.created_at }
      if (!(await operations.create.commit(db, entry, user))) return false
      await db.outbox.delete(id)
      return true
    })
    this.notify()
    return confirmed
  }

  /**
   * "Add them again": none of Seam's people is the one this create added. Those shown are
   * never taken for it, and the create is sent again.
   */
  async createAgain(id: string): Promise<void> {
    await this.#db.outbox
      .where('id')
      .equals(id)
      .modify((e) => {
        if (e.op !== 'create' || e.status !== 'ask') return
        const shown = (e.candidates ?? []).map((c) => c.acs_user_id)
        Object.assign(e, {
          status: 'queued',
          sent_before: false,
          lookalikes: [...new Set([...(e.lookalikes ?? []), ...shown])],
          candidates: null,
          last_error: null,
          next_attempt_at: 0,
          revision: (e.revision ?? 0) + 1,
        })
      })
    this.notify()
  }

  #resolveId(id: string): Promise<string> {
    return this.#db.users.resolve(id)
  }

  async #serverCopy(id: string) {
    const cached = await this.#db.acs_users.get(id)
    return cached && fromCachedUser(cached)
  }

  #entriesFor(target_id: string): Promise<OutboxEntry[]> {
    return this.#db.outbox.where('target_id').equals(target_id).sortBy('id')
  }
}
