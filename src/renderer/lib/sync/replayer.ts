import { REQUEST_TIMEOUT_MS } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import type { KeyholderError } from '../../../shared/errors'
import { describeStorageError, toCachedUser, type CachedUser, type KeyholderDb } from '../db/schema'
import type { Api } from './api'
import { commitSuccess, unchanged } from './commit'
import { CurrentReader } from './current-reader'
import { GroupWriter } from './group-write'
import { operations } from './operations'
import { nextToSend } from './order'
import { outcomeOf } from './operations/policy'
import type { Prepared } from './operations/types'
import { withChanges } from './operations/update'
import type { Outbox } from './outbox'
import type { Candidate, FieldConflict, OutboxEntry } from './outbox-types'
import { defaultReplayLock, type ReplayLock } from './replay-lock'

export interface ReplayerOptions {
  /**
   * Requests under way at the same time (8 unless set), each for another user; one user's
   * edits always go strictly in order, and a success being committed no longer counts.
   * Measured with `npm run bench`: 4 → 8 halves a replay's time with a real server's
   * latency and lets more confirmations share a transaction; 429 answers still slow it down.
   * 16 was no clearer a gain than the run-to-run noise on a shared 2-core machine.
   */
  concurrency?: number
  baseDelayMs?: number
  maxDelayMs?: number
  now?: () => number
  random?: () => number
  /**
   * How long after a request left its outcome may still change at Seam (main gives up on it
   * after its request timeout; Seam may apply it a little later). An entry whose request ended
   * without an answer is looked for at Seam only after this (default: the timeout + 10 s).
   */
  settleAfterMs?: number
  /** One replayer per database (Web Locks; a process-wide lock where there are none). */
  lock?: ReplayLock
  /** Test seam for crash points: throw {@link Abandon} to stop as a crash would. */
  hooks?: Partial<
    Record<'beforeSend' | 'afterMark' | 'afterSend' | 'beforeCommit', (entry: OutboxEntry) => void>
  >
  /**
   * Asked when Seam answers 403: is the key itself refused now (the whole queue waits), or is
   * just this edit not permitted (it fails)? Default: main's connectivity probe.
   */
  keyRefused?: () => Promise<boolean>
  onPause?: (reason: 'unauthorized' | 'offline') => void
  /** This replayer got the database's replay lock (true) or let go of it (false). */
  onLock?: (held: boolean) => void
  /**
   * Something failed that is not the server's answer (IndexedDB full or broken, a bug): the
   * replayer backs off and reports it, so it is shown instead of retried in a tight loop.
   */
  onError?: (message: string) => void
}

/** Thrown by a hook to simulate a crash: the replayer stops without writing anything more. */
export class Abandon extends Error {}

type Options = Required<
  Omit<ReplayerOptions, 'hooks' | 'onPause' | 'onError' | 'keyRefused' | 'lock' | 'onLock'>
> &
  ReplayerOptions

/**
 * Sends queued edits to Seam, exactly once in effect.
 *
 * Invariants:
 * - One replayer per database at a time (a lock held for as long as it runs); an entry is
 *   marked `sending`, with the replayer's name as `owner`, in IndexedDB before its request
 *   leaves. A `sending` entry the lock holder did not send itself was left by a replayer that
 *   is gone: its outcome is unknown.
 * - An outcome that is unknown (no answer, a 5xx, left by a crash) is settled by looking at
 *   Seam, never by blindly sending again, and only once the request can no longer land late
 *   (`settleAfterMs` after it left). Main also joins a repeated write with the same entry id
 *   to the one on its way.
 * - Success is committed in one transaction that updates the cache, remaps temporary ids and
 *   removes the entry, so the cache reflects an edit before the edit disappears.
 * - One person's edits go in order. A failed or conflicting one holds back only what depends
 *   on it: a suspend, a revoke of all access or a delete of that person goes ahead.
 */
export class Replayer {
  readonly #db: KeyholderDb
  readonly #outbox: Outbox
  readonly #api: Api
  readonly #options: Options
  readonly #reader: CurrentReader
  readonly #lock: ReplayLock
  /** This replayer's name in the `sending` entries it marks. */
  readonly owner = crypto.randomUUID()
  readonly #inFlight = new Set<string>()
  /**
   * Entries holding one of the `concurrency` lanes: from their turn's start until their
   * request is answered with success. Committing that success no longer holds the lane, so the
   * next entry's `sending` mark is written in the same transaction as that commit (group
   * commit) instead of in one of its own after it.
   */
  readonly #lanes = new Set<string>()
  /** Marks, commits and settlements of concurrent entries share transactions (group commit). */
  readonly #writes: GroupWriter
  #running = false
  #holding = false
  #lockWait: AbortController | null = null
  /** Settled once it is known whether the lock was free at start (held now, or waited for). */
  #firstTry: Promise<void> = Promise.resolve()
  /** While waiting for another page's lock: settles once this one holds it. */
  #acquired: Promise<unknown> | null = null
  /** Lets go of the lock (at once on a crash, as a dying page's browser does). */
  #release: (() => void) | null = null
  #paused: 'unauthorized' | 'offline' | null = null
  /** Seam said "too many requests": nothing is sent to this workspace before then. */
  #busyUntil = 0
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
   * Entries that may go now, by user. A full scan of the outbox fills it; after that a
   * confirmed entry hands its turn to the next one of its user as that scan read it, so a
   * long queue is not re-read for every request. `markSending` re-checks each entry as
   * stored; changes from outside (an edit, retry, discard, reconnect) make the picture stale,
   * and idle is only reported after a fresh scan.
   */
  readonly #ready = new Map<string, OutboxEntry>()
  /** Each user's entries in order, as the last scan read them. */
  #queues = new Map<string, OutboxEntry[]>()
  #stale = true
  /** When the earliest entry waiting may go: a fresh scan is due then. */
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
      settleAfterMs: REQUEST_TIMEOUT_MS + 10_000,
      ...options,
    }
    this.#lock = options.lock ?? defaultReplayLock()
    this.#reader = new CurrentReader(api, { now: this.#options.now })
    outbox.subscribe(() => {
      if (!this.#announcing) this.kick()
    })
  }

  /** Whether this page holds the database's replay lock (it is the one that sends). */
  get holding(): boolean {
    return this.#holding
  }

  get paused(): 'unauthorized' | 'offline' | null {
    return this.#paused
  }

  /** Starts replaying once this page holds the database's replay lock (at once, usually). */
  start(): void {
    if (this.#running) return
    this.#running = true
    this.#abandoned = false
    this.#loop = this.#hold()
  }

  /** Stops after the requests under way have been settled, and lets another replayer in. */
  async stop(): Promise<void> {
    this.#running = false
    this.#lockWait?.abort()
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

  /**
   * Resolves when nothing is runnable now (all done, waiting on the person, paused), or at once
   * while another page holds the replay lock (that page does the sending).
   */
  async idle(): Promise<void> {
    await this.#firstTry
    // Waiting for another page: give one that is going away (a crash lets go at once) a
    // moment, then leave the sending to whoever holds the lock.
    if (!this.#holding && this.#acquired) {
      await Promise.race([this.#acquired, new Promise((resolve) => setTimeout(resolve, 100))])
    }
    if (!this.#holding) return
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve)
      this.kick()
    })
  }

  async #hold(): Promise<void> {
    const name = `keyholder-replay:${this.#db.name}`
    const first = this.#lock.tryAcquire(name)
    this.#firstTry = first.then(
      () => undefined,
      () => undefined,
    )
    let release = await first
    if (!release) {
      // Another page is replaying this database: wait for it to close or stop.
      const wait = new AbortController()
      this.#lockWait = wait
      const acquiring = this.#lock.acquire(name, wait.signal)
      this.#acquired = acquiring.catch(() => undefined)
      try {
        release = await acquiring
      } catch {
        return // stopped while waiting
      } finally {
        this.#lockWait = null
        this.#acquired = null
      }
    }
    if (!this.#running) return release()
    let released = false
    this.#release = () => {
      if (released) return
      released = true
      this.#holding = false
      release()
      this.#options.onLock?.(false)
    }
    this.#holding = true
    this.#stale = true
    this.#options.onLock?.(true)
    try {
      await this.#run()
    } finally {
      this.#release()
    }
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
        const free = this.#options.concurrency - this.#lanes.size
        const blocked = this.#paused !== null || now < this.#faultUntil || now < this.#busyUntil
        // A scan only when something could be started, and always before declaring idle.
        if (!blocked && free > 0) {
          if (this.#stale || (this.#ready.size === 0 && active.size === 0)) await this.#scan()
          for (const entry of this.#take(free)) {
            this.#inFlight.add(entry.target_id)
            this.#lanes.add(entry.id)
            const task = this.#process(entry)
              .then((left) => {
                this.#faults = 0
                this.#follow(entry, left)
              })
              .catch((cause: unknown) => {
                if (cause instanceof Abandon) {
                  this.#abandoned = true
                  this.#release?.()
                } else this.#fault(cause)
              })
              .finally(() => {
                this.#inFlight.delete(entry.target_id)
                this.#lanes.delete(entry.id)
                active.delete(entry.id)
                this.#wakeUp()
              })
            active.set(entry.id, task)
          }
        }
        // Idle: paused or backing off, or a scan after the last outside change found nothing.
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
   * Reads the whole outbox: each user's entries in order, and the one that may go next, if
   * any. Users with a request under way are left out: their queue may change until it is
   * settled.
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
    this.#retryAt = Infinity
    const reads = new Map<string, { wanted: number; size: number }>()
    for (const [target_id, queue] of queues) {
      if (this.#inFlight.has(target_id)) continue
      const next = nextToSend(queue)
      if (!next) continue
      const at = this.#dueAt(next)
      if (at <= now) {
        this.#ready.set(target_id, next)
        if (next.op === 'update' || next.op === 'suspend' || next.op === 'unsuspend') {
          const plan = reads.get(next.acs_system_id) ?? { wanted: 0, size: 0 }
          plan.wanted += 1
          reads.set(next.acs_system_id, plan)
        }
      } else this.#retryAt = Math.min(this.#retryAt, at)
    }
    for (const [acs_system_id, plan] of reads) {
      plan.size = (await this.#db.sync_state.get(acs_system_id))?.user_count ?? 0
    }
    this.#reader.plan(reads)
  }

  /**
   * When an entry may go: now, after its backoff, or — for one whose request may still land
   * (left `sending` by a replayer that is gone) — once that can no longer happen.
   */
  #dueAt(entry: OutboxEntry): number {
    if (entry.status === 'sending') {
      const left = Date.parse(entry.attempt_started_at ?? entry.created_at)
      return left + this.#options.settleAfterMs
    }
    return entry.next_attempt_at
  }

  /** Up to `count` ready entries, oldest first, taken out of the ready set. */
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
   * still there is waiting (backing off, on the person, or changed from outside, which
   * notifies) and is picked up by a later scan, not retried at once.
   */
  #follow(done: OutboxEntry, left: boolean): void {
    this.#ready.delete(done.target_id)
    // A confirmed create moved its user's later entries to the real id; a delete may have
    // superseded earlier ones; an entry that went ahead leaves the order to a fresh scan.
    const queue = this.#queues.get(done.target_id)
    if (done.op === 'create' || done.op === 'delete' || !queue || queue[0]?.id !== done.id) {
      this.#stale = true
      return
    }
    if (left) queue.shift()
    const next = nextToSend(queue)
    if (!next) {
      if (queue.length === 0) this.#queues.delete(done.target_id)
      return
    }
    if (next.id === done.id) return
    const at = this.#dueAt(next)
    if (at <= this.#options.now()) this.#ready.set(done.target_id, next)
    else this.#retryAt = Math.min(this.#retryAt, at)
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
    const until = Math.max(this.#faultUntil, this.#busyUntil)
    if (until > now) return until - now
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
  async #process(next: OutboxEntry): Promise<boolean> {
    const hooks = this.#options.hooks ?? {}
    // Found `sending` by this, the only replayer: whoever sent it is gone, and it may have
    // arrived. Its wait is over (see #dueAt): look at Seam first.
    const head: OutboxEntry = next.status === 'sending' ? { ...next, sent_before: true } : next
    const op = operations[head.op]
    const prepared: Prepared = await op.prepare(
      {
        api: this.#api,
        db: this.#db,
        current: (entry, fresh) => this.#reader.get(entry, fresh),
      },
      head as never,
    )
    switch (prepared.kind) {
      case 'done':
        return this.#commit(next, prepared.user)
      case 'error':
        return this.#settleError(next, prepared.error, head.sent_before ?? false)
      case 'conflict':
        return this.#markConflict(next, prepared.conflicts, prepared.current)
      case 'ask':
        return this.#ask(next, prepared.candidates)
      case 'send':
        break
    }

    hooks.beforeSend?.(next)
    const entry = await this.#markSending(next, prepared)
    if (!entry) return false
    hooks.afterMark?.(entry)
    const result = await op.send(this.#api, entry as never, prepared.params as never)
    hooks.afterSend?.(entry)
    if (!result.ok) return this.#settleError(entry, result.error, head.sent_before ?? false)
    // Answered: the lane goes to the next entry (of another person; this one's next waits for
    // the commit) while this success commits. An error keeps it until settled, so a pause or a
    // "too many requests" holds back what would go next.
    if (this.#lanes.delete(next.id)) this.#wakeUp()
    hooks.beforeCommit?.(entry)
    // What Seam has now: the copy read before sending with the whole edit applied (the fields
    // left out of the request because Seam already had them included).
    const user =
      result.value ??
      (prepared.current && entry.op === 'update'
        ? withChanges(prepared.current, entry.params)
        : prepared.current && (entry.op === 'suspend' || entry.op === 'unsuspend')
          ? { ...prepared.current, is_suspended: entry.op === 'suspend' }
          : undefined)
    return this.#commit(entry, user)
  }

  /** Marks the entry `sending` and returns it as stored, unless it changed meanwhile. */
  async #markSending(
    head: OutboxEntry,
    { lookalikes, created_after }: Extract<Prepared, { kind: 'send' }>,
  ): Promise<OutboxEntry | null> {
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
        owner: this.owner,
        // Left `sending` by a replayer that is gone: it may have arrived (we just looked).
        sent_before: stored.sent_before || stored.status === 'sending',
        attempts: stored.attempts + 1,
        attempt_started_at: now,
        ...(lookalikes && { lookalikes }),
        // Kept from the first send, even if Seam's time was unknown then.
        ...(created_after !== undefined && {
          created_after: stored.created_after !== undefined ? stored.created_after : created_after,
        }),
      } as OutboxEntry
      await db.outbox.put(next)
      return next
    })
    this.#announce()
    return entry
  }

  /** Records a confirmed entry; false if it changed since it was read (it goes round again). */
  async #commit(entry: OutboxEntry, user?: AcsUser): Promise<boolean> {
    const db = this.#db
    // The cached copy, as committed, is read in the commit's own transaction: a transaction
    // of its own per edit cost as much as the commit's.
    let cached: CachedUser | undefined
    const result = await this.#writes.run(async () => {
      const outcome = await commitSuccess(db, entry, user)
      // What Seam has now is `user`, as just cached; without it, the copy the commit kept.
      if (outcome === 'done' && entry.op !== 'delete') {
        cached = user ? toCachedUser(user) : await db.acs_users.get(entry.target_id)
      }
      return outcome
    })
    if (result === 'claimed') {
      // Someone else's create took that person first: look again, excluding them.
      await this.#patch(entry, { status: 'queued', sent_before: true, next_attempt_at: 0 })
      this.#announce()
      return false
    }
    if (result === 'changed') {
      this.#stale = true
      return false
    }
    if (entry.op === 'delete') this.#reader.forget(entry.target_id)
    else if (cached) this.#reader.learn(cached)
    this.#announce()
    return true
  }

  async #settleError(
    entry: OutboxEntry,
    error: KeyholderError,
    sentBefore: boolean,
  ): Promise<false> {
    const now = this.#options.now()
    let outcome = outcomeOf(error)
    if (outcome.status === 'check_key') {
      outcome = (await this.#keyRefused())
        ? { status: 'queued', wait: 'none', maybeSent: false, pause: 'unauthorized' }
        : { status: 'failed' }
    }
    let patch: Partial<OutboxEntry>
    switch (outcome.status) {
      case 'queued': {
        const failures = (entry.failures ?? 0) + (outcome.wait === 'backoff' ? 1 : 0)
        const left = Date.parse(entry.attempt_started_at ?? '') || now
        const wait = outcome.wait
        const next_attempt_at =
          wait === 'none'
            ? 0
            : wait === 'backoff'
              ? now + this.#backoff(Math.max(entry.attempts, failures))
              : wait === 'settle'
                ? left + this.#options.settleAfterMs
                : now + wait.ms
        patch = {
          status: 'queued',
          failures,
          next_attempt_at,
          last_error: error,
          sent_before: sentBefore || (entry.status === 'sending' && outcome.maybeSent),
        }
        if (outcome.pauseAllMs)
          this.#busyUntil = Math.max(this.#busyUntil, now + outcome.pauseAllMs)
        if (outcome.pause) this.#pause(outcome.pause)
        break
      }
      case 'conflict':
        patch = {
          status: 'conflict',
          conflicts: null,
          last_error: { ...error, message: outcome.message },
        }
        break
      case 'failed':
        patch = { status: 'failed', last_error: error, sent_before: sentBefore }
        break
    }
    if (!(await this.#patch(entry, patch))) return false
    if (patch.status === 'queued') {
      this.#retryAt = Math.min(this.#retryAt, patch.next_attempt_at ?? 0)
    }
    this.#announce()
    return false
  }

  async #keyRefused(): Promise<boolean> {
    if (this.#options.keyRefused) return this.#options.keyRefused()
    const state = await this.#api.invoke('connectivity.check', {})
    return state.ok && state.value.state === 'unauthorized'
  }

  /**
   * Keeps the edit for the person to decide, and Seam's copy just read in the cache: it is
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
    if (await this.#patch(entry, patch, current)) this.#announce()
    return false
  }

  /** A lost create that Seam's people do not settle for sure: the person says who it is. */
  async #ask(entry: OutboxEntry, found: Candidate[]): Promise<false> {
    const db = this.#db
    const patch = async (): Promise<Partial<OutboxEntry>> => {
      // Another create may have claimed one of them since they were found (its commit takes
      // them off creates already asking, which this one was not yet).
      const ids = found.map((c) => c.acs_user_id)
      const taken = new Set(
        (await db.id_map.where('acs_user_id').anyOf(ids).toArray()).map((m) => m.acs_user_id),
      )
      const candidates = found.filter((c) => !taken.has(c.acs_user_id))
      return {
        status: 'ask',
        candidates,
        last_error: {
          kind: 'local',
          message: candidates.length
            ? 'Seam did not confirm this new person, and someone like them is there now.'
            : 'Seam did not confirm this new person, and they are not there.',
        },
      }
    }
    if (await this.#patch(entry, patch)) this.#announce()
    return false
  }

  /**
   * Updates the entry (and caches `fresh`, Seam's copy read since) unless the entry changed
   * since it was read; then it simply goes round again. A patch that must be read in the same
   * transaction is given as a function.
   */
  async #patch(
    entry: OutboxEntry,
    patch: Partial<OutboxEntry> | (() => Promise<Partial<OutboxEntry>>),
    fresh?: AcsUser,
  ): Promise<boolean> {
    const db = this.#db
    const applied = await this.#writes.run(async () => {
      const stored = await db.outbox.get(entry.id)
      if (!stored || !unchanged(stored, entry)) return false
      await db.outbox.put({ ...stored, ...(typeof patch === 'function' ? await patch() : patch) })
      if (fresh) await db.users.put(fresh)
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
