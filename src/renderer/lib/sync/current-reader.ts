import type { UserPage } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'
import type { Api } from './api'
import type { OutboxEntry } from './outbox-types'

export interface ReaderOptions {
  now?: () => number
  /** How long a listing answers for its people (our own confirmed edits are laid over it). */
  maxAgeMs?: number
}

interface Snapshot {
  at: number
  users: Map<string, AcsUser>
}

/**
 * Seam's current copy of people about to be sent an edit. With many edits queued for one
 * system, one paginated listing answers for all of them instead of one read per person; a
 * person the replayer itself just changed is known from that change. A fresh read (an earlier
 * attempt may have arrived) always asks Seam about that one person.
 */
export class CurrentReader {
  readonly #api: Api
  readonly #now: () => number
  readonly #maxAgeMs: number
  readonly #snapshots = new Map<string, Promise<Result<Snapshot>>>()
  /** Per system: the people with edits waiting that need a read, and the system's size. */
  #plan = new Map<string, { wanted: number; size: number }>()

  constructor(api: Api, options: ReaderOptions = {}) {
    this.#api = api
    this.#now = options.now ?? Date.now
    this.#maxAgeMs = options.maxAgeMs ?? 10_000
  }

  /** After a scan of the outbox: what is waiting, by system. */
  plan(plan: Map<string, { wanted: number; size: number }>): void {
    this.#plan = plan
  }

  async get(entry: OutboxEntry, fresh: boolean): Promise<Result<AcsUser>> {
    if (!fresh && this.#worthListing(entry.acs_system_id)) {
      const snapshot = await this.#snapshot(entry.acs_system_id)
      const user = snapshot.ok ? snapshot.value.users.get(entry.target_id) : undefined
      if (user) return { ok: true, value: user }
    }
    return this.#api.invoke('users.get', { acs_user_id: entry.target_id })
  }

  /** Our own confirmed edit: what Seam has now for that person. */
  learn(user: AcsUser): void {
    void this.#snapshots.get(user.acs_system_id)?.then((s) => {
      if (s.ok && s.value.users.has(user.acs_user_id)) s.value.users.set(user.acs_user_id, user)
    })
  }

  forget(acs_user_id: string): void {
    for (const snapshot of this.#snapshots.values()) {
      void snapshot.then((s) => s.ok && s.value.users.delete(acs_user_id))
    }
  }

  /** A listing costs a request per 1,000 people: worth it when it saves more than it costs. */
  #worthListing(acs_system_id: string): boolean {
    const plan = this.#plan.get(acs_system_id)
    if (!plan) return false
    const pages = Math.max(1, Math.ceil(plan.size / 1000))
    return plan.wanted >= 3 && pages * 2 <= plan.wanted
  }

  async #snapshot(acs_system_id: string): Promise<Result<Snapshot>> {
    const known = this.#snapshots.get(acs_system_id)
    if (known) {
      const s = await known
      if (s.ok && this.#now() - s.value.at <= this.#maxAgeMs) return s
      if (this.#snapshots.get(acs_system_id) !== known) return this.#snapshot(acs_system_id)
    }
    const listing = this.#list(acs_system_id)
    this.#snapshots.set(acs_system_id, listing)
    const s = await listing
    if (!s.ok) this.#snapshots.delete(acs_system_id)
    return s
  }

  async #list(acs_system_id: string): Promise<Result<Snapshot>> {
    const at = this.#now()
    const users = new Map<string, AcsUser>()
    let page_cursor: string | null = null
    do {
      const page: Result<UserPage> = await this.#api.invoke('users.list_page', {
        acs_system_id,
        page_cursor,
        limit: 1000,
      })
      if (!page.ok) return page
      for (const user of page.value.acs_users) users.set(user.acs_user_id, user)
      page_cursor = page.value.next_page_cursor
    } while (page_cursor)
    return { ok: true, value: { at, users } }
  }
}
