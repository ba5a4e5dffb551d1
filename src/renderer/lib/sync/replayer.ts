import type { UserChanges } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import type { KeyholderError, Result } from '../../../shared/errors'
import { describeStorageError, toCachedUser, type KeyholderDb } from '../db/schema'
import type { Api } from './api'
import { commitSuccess, markCommitted, unchanged } from './commit'
import { withChanges } from './overlay'
import { GroupWriter } from './group-write'
import type { Outbox } from './outbox'
import type { ChangeField, FieldConflict, OutboxEntry } from './outbox-types'
import { isTempId } from './outbox-types'
import { findCreatedUser } from './reconcile'

export interface ReplayerOptions {
  /**
   * Users replayed at the same time (8 unless set); one user's edits always go strictly in
   * order. Measured with `npm run bench`: 4 → 8 halves a replay's time with a real server's
   * latency and lets more confirmations share a transaction; 429 answers still slow it down.
   */
  concurrency?: number
  baseDelayMs?: number
  maxDelayMs?: number
  now?: () => number
  random?: () => number
  /** Test seam for crash points: throw {@link Abandon} to stop as a crash would. */
  hooks?: Partial<
    Record<'beforeSend' | 'afterMark' | 'afterSend' | 'beforeCommit', (entry: OutboxEntry) => void>
  >
  /**
   * How long after a request left an uncertain outcome may be reconciled (longer than main's
   * request timeout). Accepted for the offline core v2; not used yet.
   */
  settleAfterMs?: number
  onPause?: (reason: 'unauthorized' | 'offline') => void
  /**
   * Something failed that is not the server's answer (IndexedDB full or broken, a bug): the
   * replayer backs off and reports it, so it is shown instead of retried in a tight loop.
   */
  onError?: (message: string) => void
}

/** Thrown by a hook to simulate a crash: the replayer stops without writing anything more. */
export class Abandon extends Error {}

type Outcome = { kind: 'done'; user?: AcsUser } | { kind: 'error'; error: KeyholderError }

/**
 * Sends queued edits to Seam, exactly once in effect.
 *
 * Invariants:
 * - An entry is marked `sending` (with `attempt_started_at`) in IndexedDB before its request
 *   leaves; after a crash such an entry's outcome is unknown and is settled by looking at
 *   the server, never by blindly sending again.
 * - A create that may have reached the server (any earlier attempt) is resent only after
 *   reconciliation found no user matching it; every other operation is checked against the
 *   server's current state before it is sent, and is idempotent besides.
 * - Success is committed in one transaction that updates the cache, remaps temporary ids and
 *   removes the entry, so the cache reflects an edit before the edit disappears.
 */
export class Replayer {
  readonly #db: KeyholderDb
  readonly #outbox: Outbox
  readonly #api: Api
  readonly #options: Required<
    Omit<ReplayerOptions, 'hooks' | 'onPause' | 'onError' | 'settleAfterMs'>
  > &
    ReplayerOptions
  readonly #inFlight = new Set<string>()
  /** Marks, commits and settlements of concurrent entries share transactions (group commit). */
  readonly #writes: GroupWriter
  #running = false
  #paused: 'unauthorized' | 'offline' | null = null
  #wake: (() => void) | null = null
  /** Set by a kick that came while the loop was not asleep, so it is not lost. */
  #kicked = false
  #timer: ReturnType<typeof setTimeout> | undefined
  #loop: Promise<void> | null = null
  #abandoned = false
  #idleWaiters: (() => void)[] = []
  /** Unexpected failures in a row, and when the replayer may try again after the last one. */
  #faults = 0
  #faultUntil = 0
  /**
   * Heads that may go now, by user. A full scan of the outbox fills it; after that a
   * confirmed entry hands its turn to the next one of its user as that scan read it, so a
   * long queue is not re-read for every request. Only heads are ever changed by the replayer,
   * and `markSending` re-checks each entry as stored; changes from outside (an edit, retry,
   * discard, reconnect) make the picture stale, and idle is only reported after a fresh scan.
   */
  readonly #ready = new Map<string, OutboxEntry>()
  /** Each user's entries in order, as the last scan read them. */
  #queues = new Map<string, OutboxEntry[]>()
  #stale = true
  /** When the earliest entry backing off may go again: a fresh scan is due then. */
  #retryAt = Infinity
  /** True while the replayer announces its own changes, which need no rescan. */
  #announcing = false

  constructor(db: KeyholderDb, outbox: Outbox, api: Api, options: ReplayerOptions = {}) {
    this.#db = db
    this.#writes = new GroupWriter(db)
    this.#outbox = outbox
    this.#api = api
    this.#options = {
      concurrency: 8,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      now: Date.now,
      random: Math.random,
      ...options,
    }
    outbox.subscribe(() => {
      if (!this.#announcing) this.kick()
    })
  }

  get paused(): 'unauthorized' | 'offline' | null {
    return this.#paused
  }

  start(): void {
    if (this.#running) return
    this.#running = true
    this.#abandoned = false
    this.#loop = this.#run()
  }

  /** Stops after the requests under way have been settled. */
  async stop(): Promise<void> {
    this.#running = false
    this.kick()
    await this.#loop
  }

  /** Connectivity as the main process reports it. */
  setConnectivity(state: 'online' | 'offline' | 'unauthorized' | 'checking'): void {
    if (state === 'online') {
      this.#paused = null
      this.kick()
    } else if (state === 'offline' || state === 'unauthorized') {
      this.#pause(state)
    }
  }

  /** Wakes the loop to look at the whole outbox again (new work, back online, a retry). */
  kick(): void {
    this.#stale = true
    this.#wakeUp()
  }

  #wakeUp(): void {
    this.#kicked = true
    const wake = this.#wake
    this.#wake = null
    wake?.()
  }

  /** Resolves when nothing is runnable now (all done, waiting on the person, or paused). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve)
      this.kick()
    })
  }

  async #run(): Promise<void> {
    const active = new Map<string, Promise<void>>()
    while (this.#running && !this.#abandoned) {
      this.#kicked = false
      try {
        const now = this.#options.now()
        if (now >= this.#retryAt) {
          this.#retryAt = Infinity
          this.#stale = true
        }
        const free = this.#options.concurrency - active.size
        // A scan only when something could be started, and always before declaring idle.
        if (!this.#paused && now >= this.#faultUntil && free > 0) {
          if (this.#stale || (this.#ready.size === 0 && active.size === 0)) await this.#scan()
          for (const entry of this.#take(free)) {
            this.#inFlight.add(entry.target_id)
            const task = this.#process(entry)
              .then((left) => {
                this.#faults = 0
                this.#follow(entry, left)
              })
              .catch((cause: unknown) => {
                if (cause instanceof Abandon) this.#abandoned = true
                else this.#fault(cause)
              })
              .finally(() => {
                this.#inFlight.delete(entry.target_id)
                active.delete(entry.id)
                this.#wakeUp()
              })
            active.set(entry.id, task)
          }
        }
        // Idle: paused or backing off, or a scan after the last outside change found nothing.
        const blocked = this.#paused !== null || now < this.#faultUntil
        if (active.size === 0 && (blocked || !this.#stale)) {
          for (const resolve of this.#idleWaiters.splice(0)) resolve()
        }
        await this.#sleep(this.#nextWakeDelay(active.size > 0))
      } catch (cause) {
        this.#fault(cause)
        await this.#sleep(this.#faultUntil - this.#options.now())
      }
    }
    await Promise.allSettled(active.values())
    for (const resolve of this.#idleWaiters.splice(0)) resolve()
  }

  /**
   * Reads the whole outbox: each user's entries in order, and its oldest entry as ready if it
   * may go now (later entries wait behind it). Users with a request under way are left out:
   * their head may change until it is settled.
   */
  async #scan(): Promise<void> {
    this.#stale = false
    const now = this.#options.now()
    const queues = new Map<string, OutboxEntry[]>()
    await this.#db.outbox.orderBy('id').each((entry) => {
      const queue = queues.get(entry.target_id)
      if (queue) queue.push(entry)
      else queues.set(entry.target_id, [entry])
    })
    this.#queues = queues
    this.#ready.clear()
    // Only a head can go next; entries behind a failed or waiting head must not wake the loop.
    this.#retryAt = Infinity
    for (const [target_id, [head]] of queues) {
      if (!head || this.#inFlight.has(target_id)) continue
      if (this.#runnable(head, now)) this.#ready.set(target_id, head)
      else if (head.status === 'queued')
        this.#retryAt = Math.min(this.#retryAt, head.next_attempt_at)
    }
  }

  #runnable(entry: OutboxEntry, now: number): boolean {
    return entry.status === 'sending' || (entry.status === 'queued' && entry.next_attempt_at <= now)
  }

  /** Up to `count` ready heads, oldest first, taken out of the ready set. */
  #take(count: number): OutboxEntry[] {
    const taken = [...this.#ready.values()]
      .filter((e) => !this.#inFlight.has(e.target_id))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, count)
    for (const entry of taken) this.#ready.delete(entry.target_id)
    return taken
  }

  /**
   * After an entry's turn: once it has left the outbox, its user's next entry may go. One
   * still at the head is waiting (backing off, on the person, or changed from outside, which
   * notifies) and is picked up by a later scan, not retried at once.
   */
  #follow(done: OutboxEntry, left: boolean): void {
    this.#ready.delete(done.target_id)
    // A confirmed create moved its user's later entries to the real id.
    if (done.op === 'create') return void (this.#stale = true)
    const queue = this.#queues.get(done.target_id)
    if (!queue) return
    if (left && queue[0]?.id === done.id) queue.shift()
    const next = queue[0]
    if (!next) this.#queues.delete(done.target_id)
    else if (next.id !== done.id) {
      if (this.#runnable(next, this.#options.now())) this.#ready.set(done.target_id, next)
      else if (next.status === 'queued')
        this.#retryAt = Math.min(this.#retryAt, next.next_attempt_at)
    }
  }

  /** Tells the UI; the replayer's own changes need no rescan, its tasks follow them up. */
  #announce(): void {
    this.#announcing = true
    try {
      this.#outbox.notify()
    } finally {
      this.#announcing = false
    }
  }

  #fault(cause: unknown): void {
    this.#stale = true
    this.#faults += 1
    this.#faultUntil = this.#options.now() + this.#backoff(this.#faults)
    const message =
      describeStorageError(cause) ?? (cause instanceof Error ? cause.message : String(cause))
    console.error('replay failed unexpectedly', cause)
    this.#options.onError?.(message)
  }

  #nextWakeDelay(busy: boolean): number {
    if (busy || this.#paused) return Infinity
    const now = this.#options.now()
    if (this.#faultUntil > now) return this.#faultUntil - now
    return this.#retryAt === Infinity ? Infinity : Math.max(0, this.#retryAt - now)
  }

  #sleep(ms: number): Promise<void> {
    if (this.#kicked || ms <= 0) {
      this.#kicked = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.#wake = resolve
      clearTimeout(this.#timer)
      if (ms !== Infinity) this.#timer = setTimeout(() => this.kick(), Math.min(ms, 2 ** 31 - 1))
    })
  }

  #pause(reason: 'unauthorized' | 'offline'): void {
    if (this.#paused === reason) return
    this.#paused = reason
    this.#options.onPause?.(reason)
  }

  /** One entry's turn. True when it has left the outbox, confirmed. */
  async #process(head: OutboxEntry): Promise<boolean> {
    const hooks = this.#options.hooks ?? {}
    // A user created offline has no server id yet: nothing else for it can go first.
    if (isTempId(head.target_id) && head.op !== 'create') return false

    const prepared = await this.#prepare(head)
    if (prepared.kind === 'settled') {
      if (prepared.outcome.kind === 'done') return this.#commit(head, prepared.outcome)
      return this.#settleError(head, prepared.outcome.error)
    }
    if (prepared.kind === 'conflict') {
      return this.#markConflict(head, prepared.conflicts, prepared.current)
    }

    hooks.beforeSend?.(head)
    const entry = await this.#markSending(head)
    if (!entry) return false
    hooks.afterMark?.(entry)
    const outcome = await this.#send(entry, prepared.params)
    hooks.afterSend?.(entry)
    if (outcome.kind === 'done') {
      hooks.beforeCommit?.(entry)
      // What Seam has now: the copy read before sending, with the whole edit applied (the
      // fields left out of the request because Seam already had them included).
      const user =
        outcome.user ??
        (prepared.current && entry.op === 'update'
          ? withChanges(prepared.current, entry.params)
          : undefined)
      return this.#commit(entry, { kind: 'done', ...(user && { user }) })
    }
    return this.#settleError(entry, outcome.error)
  }

  /**
   * Looks at the server before sending: settles an earlier attempt whose outcome is unknown,
   * skips what is already true, and finds conflicts with edits made elsewhere.
   */
  async #prepare(
    entry: OutboxEntry,
  ): Promise<
    | { kind: 'send'; params: OutboxEntry['params']; current?: AcsUser }
    | { kind: 'settled'; outcome: Outcome }
    | { kind: 'conflict'; conflicts: FieldConflict[]; current: AcsUser }
  > {
    const send = { kind: 'send' as const, params: entry.params }
    switch (entry.op) {
      case 'create': {
        if (entry.attempts === 0 && entry.status === 'queued') return send
        // Users already matched to another offline create are not this one.
        const claimed = new Set((await this.#db.id_map.toArray()).map((m) => m.acs_user_id))
        const found = await findCreatedUser(this.#api, entry, claimed)
        if (!found.ok) return { kind: 'settled', outcome: { kind: 'error', error: found.error } }
        return found.value
          ? { kind: 'settled', outcome: { kind: 'done', user: found.value } }
          : send
      }
      case 'update': {
        const current = await this.#api.invoke('users.get', { acs_user_id: entry.target_id })
        if (!current.ok)
          return { kind: 'settled', outcome: { kind: 'error', error: current.error } }
        const remaining: Record<string, unknown> = {}
        const conflicts: FieldConflict[] = []
        for (const [field, mine] of Object.entries(entry.params)) {
          const theirs = current.value[field as ChangeField] ?? null
          if (same(theirs, mine)) continue
          if (!same(theirs, entry.base[field as ChangeField] ?? null)) {
            conflicts.push({
              field: field as ChangeField,
              base: entry.base[field as ChangeField] ?? null,
              theirs,
              mine,
            })
          }
          remaining[field] = mine
        }
        if (conflicts.length) return { kind: 'conflict', conflicts, current: current.value }
        if (Object.keys(remaining).length === 0) {
          return { kind: 'settled', outcome: { kind: 'done', user: current.value } }
        }
        return { kind: 'send', params: remaining, current: current.value }
      }
      case 'suspend':
      case 'unsuspend': {
        if (entry.attempts === 0 && entry.status === 'queued') return send
        const current = await this.#api.invoke('users.get', { acs_user_id: entry.target_id })
        if (!current.ok)
          return { kind: 'settled', outcome: { kind: 'error', error: current.error } }
        const wanted = entry.op === 'suspend'
        return Boolean(current.value.is_suspended) === wanted
          ? { kind: 'settled', outcome: { kind: 'done', user: current.value } }
          : send
      }
      case 'add_to_access_group':
      case 'remove_from_access_group': {
        if (entry.attempts === 0 && entry.status === 'queued') return send
        const groups = await this.#api.invoke('users.list_access_groups', {
          acs_user_id: entry.target_id,
        })
        if (!groups.ok) return { kind: 'settled', outcome: { kind: 'error', error: groups.error } }
        const member = groups.value.some(
          (g) => g.acs_access_group_id === entry.params.acs_access_group_id,
        )
        return member === (entry.op === 'add_to_access_group')
          ? { kind: 'settled', outcome: { kind: 'done' } }
          : send
      }
      case 'delete':
      case 'revoke_access_to_all_entrances':
        // Both are idempotent; a repeated delete answered 404 counts as done.
        return send
    }
  }

  /** Marks the entry `sending` and returns it as stored, unless it changed meanwhile. */
  async #markSending(head: OutboxEntry): Promise<OutboxEntry | null> {
    const db = this.#db
    const entry = await this.#writes.run(async () => {
      const stored = await db.outbox.get(head.id)
      if (!stored || (stored.status !== 'queued' && stored.status !== 'sending')) return null
      // What `prepare` decided holds only for the entry as it read it (an update merged after
      // it read the server must be prepared again).
      if (!unchanged(stored, head)) return null
      const now = new Date(this.#options.now()).toISOString()
      const next = {
        ...stored,
        status: 'sending',
        attempts: stored.attempts + 1,
        attempt_started_at: now,
        first_attempt_at: stored.first_attempt_at ?? now,
      } as OutboxEntry
      await db.outbox.put(next)
      return next
    })
    this.#announce()
    return entry
  }

  /** Sends the entry; an update sends `params`, what is left of it after `#prepare`. */
  async #send(entry: OutboxEntry, params: OutboxEntry['params']): Promise<Outcome> {
    const api = this.#api
    const acs_user_id = entry.target_id
    let result: Result<unknown>
    switch (entry.op) {
      case 'create': {
        // Keyed by the entry: a create asked for again while the first is on its way (a
        // reload, a second replayer) joins it in main instead of reaching Seam twice.
        const created = await api.invoke('users.create', {
          ...entry.params,
          idempotency_key: entry.id,
        })
        return created.ok
          ? { kind: 'done', user: created.value }
          : { kind: 'error', error: created.error }
      }
      case 'update':
        result = await api.invoke('users.update', {
          acs_user_id,
          changes: params as UserChanges,
        })
        break
      case 'suspend':
        result = await api.invoke('users.suspend', { acs_user_id })
        break
      case 'unsuspend':
        result = await api.invoke('users.unsuspend', { acs_user_id })
        break
      case 'delete':
        result = await api.invoke('users.delete', { acs_user_id })
        if (!result.ok && result.error.kind === 'not_found') return { kind: 'done' }
        break
      case 'revoke_access_to_all_entrances':
        result = await api.invoke('users.revoke_access_to_all_entrances', { acs_user_id })
        break
      case 'add_to_access_group':
        result = await api.invoke('users.add_to_access_group', { acs_user_id, ...entry.params })
        break
      case 'remove_from_access_group':
        result = await api.invoke('users.remove_from_access_group', {
          acs_user_id,
          ...entry.params,
        })
        break
    }
    return result.ok ? { kind: 'done' } : { kind: 'error', error: result.error }
  }

  /** Records a confirmed entry; false if it changed since it was read (it goes round again). */
  async #commit(entry: OutboxEntry, outcome: { kind: 'done'; user?: AcsUser }): Promise<boolean> {
    // Before the write is queued: with group commit its transaction may be made long before
    // this write runs inside it.
    markCommitted(this.#db, entry.target_id, outcome.user?.acs_user_id)
    const left = await this.#writes.run(() => commitSuccess(this.#db, entry, outcome.user))
    if (left) this.#announce()
    else this.#stale = true
    return left
  }

  async #settleError(entry: OutboxEntry, error: KeyholderError): Promise<false> {
    const now = this.#options.now()
    let patch: Partial<OutboxEntry>
    switch (error.kind) {
      case 'unreachable':
      case 'server':
        // Only this entry backs off: the main process decides when the whole app is offline
        // and tells us through setConnectivity.
        patch = {
          status: 'queued',
          failures: (entry.failures ?? 0) + 1,
          next_attempt_at: now + this.#backoff(Math.max(entry.attempts, (entry.failures ?? 0) + 1)),
          last_error: error,
        }
        break
      case 'rate_limited':
        patch = { status: 'queued', next_attempt_at: now + error.retry_after_ms, last_error: error }
        break
      case 'unauthorized':
        patch = { status: 'queued', next_attempt_at: 0, last_error: error }
        this.#pause('unauthorized')
        break
      case 'not_found':
        patch = {
          status: 'conflict',
          conflicts: null,
          last_error: { ...error, message: 'This user was deleted elsewhere.' },
        }
        break
      case 'invalid_input':
      case 'local':
        patch = { status: 'failed', last_error: error }
        break
    }
    if (!(await this.#patch(entry, patch))) return false
    if (patch.status === 'queued') {
      this.#retryAt = Math.min(this.#retryAt, patch.next_attempt_at ?? 0)
    }
    this.#announce()
    return false
  }

  /**
   * Keeps the edit for the person to decide, and the server's copy just read in the cache: it is
   * what "theirs" shows, and what stays if they choose it.
   */
  async #markConflict(
    entry: OutboxEntry,
    conflicts: FieldConflict[],
    current: AcsUser,
  ): Promise<false> {
    const patch = {
      status: 'conflict' as const,
      conflicts,
      last_error: {
        kind: 'local' as const,
        message: 'Someone else changed this user since you edited it.',
      },
    }
    markCommitted(this.#db, current.acs_user_id)
    if (await this.#patch(entry, patch, current)) this.#announce()
    return false
  }

  /**
   * Updates the entry (and caches `fresh`, a server copy read since) unless the entry changed
   * since it was read; then it simply goes round again.
   */
  async #patch(entry: OutboxEntry, patch: Partial<OutboxEntry>, fresh?: AcsUser): Promise<boolean> {
    const db = this.#db
    const applied = await this.#writes.run(async () => {
      const stored = await db.outbox.get(entry.id)
      if (!stored || !unchanged(stored, entry)) return false
      await db.outbox.put({ ...stored, ...patch })
      if (fresh) await db.acs_users.put(toCachedUser(fresh))
      return true
    })
    if (!applied) this.#stale = true
    return applied
  }

  /** Exponential backoff with "equal jitter": half fixed, half random. */
  #backoff(attempts: number): number {
    const { baseDelayMs, maxDelayMs, random } = this.#options
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempts - 1))
    return Math.round(ceiling / 2 + (random() * ceiling) / 2)
  }
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    // Access schedules: compare instants, not spellings of them.
    const x = a as Record<string, unknown>
    const y = b as Record<string, unknown>
    const keys = new Set([...Object.keys(x), ...Object.keys(y)])
    return [...keys].every((k) =>
      typeof x[k] === 'string' && typeof y[k] === 'string' && !Number.isNaN(Date.parse(x[k]))
        ? Date.parse(x[k]) === Date.parse(y[k])
        : same(x[k] ?? null, y[k] ?? null),
    )
  }
  return false
}
