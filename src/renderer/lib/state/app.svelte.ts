/**
 * The app's state, shared by every screen. It owns the active workspace's database and sync
 * engine, and keeps the users index in step with the cache and the outbox. Screens read the
 * fields here and call its methods; only the outbox (through `edit`) ever writes user data.
 */
import type { AppInfo, ConnectivityState, KeyholderApi } from '../../../shared/contract'
import type { AcsUser } from '../../../shared/domain'
import { explain } from '../explain'
import { refreshGroups } from '../db/details'
import { databaseName, loadFirstUsers, loadSystemUsers, loadUsers } from '../db/load'
import { KeyholderDb, type CachedSystem, type SyncState } from '../db/schema'
import type { UserCacheChange } from '../db/user-cache'
import { SyncEngine, type EngineStatus } from '../sync/engine'
import type { AmendEdit, Edit, EnqueueResult, OutboxCounts } from '../sync/outbox'
import type { OutboxEntry } from '../sync/outbox-types'
import { toRow, UsersIndex, defaultQuery, type Query, type UserRow } from '../users-index'

export interface Toast {
  id: number
  message: string
  /** The outbox entry an "Undo" button would discard. */
  undoEntry?: string
  /** Says the edit goes once Seam can be reached: out of date when it can. */
  whenBack?: boolean
  kind: 'info' | 'error'
}

const FIRST_ROWS = 60
/** localStorage: the workspace whose cache to open first on the next start. */
const LAST_WORKSPACE = 'keyholder.lastWorkspace'
const emptyCounts = (): OutboxCounts => ({
  queued: 0,
  sending: 0,
  failed: 0,
  conflict: 0,
  ask: 0,
  total: 0,
})

export class AppState {
  info = $state<AppInfo | null>(null)
  connectivity = $state<ConnectivityState>({ state: 'checking', checked_at: '' })
  engine = $state.raw<EngineStatus | null>(null)
  counts = $state<OutboxCounts>(emptyCounts())
  /** Every queued edit, oldest first (small: tens, rarely hundreds). */
  entries = $state.raw<OutboxEntry[]>([])
  systems = $state.raw<CachedSystem[]>([])
  syncStates = $state.raw<Record<string, SyncState>>({})
  query = $state<Query>(defaultQuery())
  results = $state.raw<UserRow[]>([])
  /** False until every cached user is in the index; searching waits for it. */
  indexReady = $state(false)
  brands = $state.raw<string[]>([])
  /** People per system as the table shows them; empty until the index is ready. */
  systemCounts = $state.raw<Record<string, number>>({})
  selectedUserId = $state<string | null>(null)
  bootError = $state<unknown>(null)
  toasts = $state<Toast[]>([])
  /** Now, updated every half minute: "synced 5 minutes ago" keeps counting, offline too. */
  clock = $state(Date.now())
  /** Bumped when a system's users were listed again: screens showing cached data re-read it. */
  synced = $state(0)
  /** Access group names by id, for describing queued edits. */
  groupNames = $state.raw<Record<string, string>>({})
  /** In the sandbox: false while "simulate connection loss" is on. */
  sandboxConnected = $state(true)
  outboxOpen = $state(false)
  workspacesOpen = $state(false)
  newUserOpen = $state(false)
  importOpen = $state(false)

  readonly api: KeyholderApi
  /**
   * `api` for the open workspace's own data (sync, replay, a person's details): each request
   * names the workspace, so one made just before a switch is never sent to the next one.
   */
  workspaceApi: KeyholderApi
  db: KeyholderDb | null = null
  sync: SyncEngine | null = null
  #index = new UsersIndex()
  #prepareTimer: ReturnType<typeof setTimeout> | undefined
  #cleanup: (() => void)[] = []
  #toastId = 0
  #outboxRead: Promise<void> | null = null
  /** People the cache announced changed while the index was loading: read again after. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, nothing renders it
  readonly #rereadWanted = new Set<string>()
  #outboxDirty = false
  /** Cache announcements are applied to the index one after the other, in order. */
  #cacheWork: Promise<void> = Promise.resolve()

  /** Queues index work behind the cache's earlier announcements; one failure stops none after. */
  #inTurn(work: () => Promise<void>): Promise<void> {
    this.#cacheWork = this.#cacheWork.then(work).catch((cause: unknown) => {
      // The next announcement reads again; until then the table shows what it showed.
      console.warn('Keyholder could not follow a change of the cache:', cause)
    })
    return this.#cacheWork
  }

  constructor(api: KeyholderApi) {
    this.api = api
    this.workspaceApi = api
  }

  get isSandbox(): boolean {
    return this.info?.active_workspace.is_sandbox ?? false
  }

  async boot(): Promise<void> {
    performance.mark('keyholder:boot')
    const tick = setInterval(() => {
      this.clock = Date.now()
      // Access that started or ended meanwhile: the table's schedule column and filter follow.
      if (this.indexReady && this.#index.refreshSchedules(this.clock)) this.#indexChanged()
    }, 30_000)
    const networkSignals = (['online', 'offline'] as const).map((reason) => {
      // The network changed under us: main probes Seam at once instead of after its backoff.
      const signal = () => void this.api.invoke('connectivity.signal', { reason })
      window.addEventListener(reason, signal)
      return () => window.removeEventListener(reason, signal)
    })
    this.#cleanup.push(
      this.api.on('connectivity', (state) => {
        // "… once back online" is no longer what will happen: the edits are on their way.
        if (state.state === 'online' && this.connectivity.state !== 'online') {
          this.toasts = this.toasts.filter((t) => !t.whenBack)
        }
        this.connectivity = state
      }),
      this.api.on('workspace.changed', (info) => void this.#open(info)),
      // One entry with the clock's: the first three entries live as long as the page (#open
      // keeps them when it clears the rest).
      () => {
        clearInterval(tick)
        for (const stop of networkSignals) stop()
      },
    )
    // The cache of the workspace used last opens at once, while main is asked which one is
    // active: the first screenful does not wait for a round trip (it is checked right after).
    const last = localStorage.getItem(LAST_WORKSPACE)
    const early = last ? this.#openCache(last) : null
    const [info, connectivity] = await Promise.all([
      this.api.invoke('app.info', {}),
      this.api.invoke('connectivity.get', {}),
    ])
    performance.mark('keyholder:info')
    if (connectivity.ok) this.connectivity = connectivity.value
    if (!info.ok) {
      this.bootError = info.error
      return
    }
    if (info.value.active_workspace.is_sandbox) {
      void this.api.invoke('sandbox.get_connection', {}).then((sandbox) => {
        if (sandbox.ok) this.sandboxConnected = sandbox.value.connected
      })
    }
    await early
    await this.#open(info.value)
  }

  /** Opens the active workspace's cache and starts syncing it. */
  async #open(info: AppInfo): Promise<void> {
    const workspace_id = info.active_workspace.workspace_id
    const same = this.info?.active_workspace.workspace_id === workspace_id
    this.info = info
    if (same && this.sync) return
    localStorage.setItem(LAST_WORKSPACE, workspace_id)
    try {
      const db = await this.#openCache(workspace_id)
      this.workspaceApi = scopedTo(this.api, workspace_id)
      const sync = new SyncEngine(db, this.workspaceApi)
      this.sync = sync
      this.#cleanup.push(
        sync.subscribe((status) => (this.engine = status)),
        sync.outbox.subscribe(() => void this.#refreshOutbox()),
        db.users.subscribe((change) => this.#cacheChanged(db, change)),
        sync.onSynced((id, here) => void this.#reloadSystem(id, here)),
        sync.onReplayed(({ handled, needAttention }) =>
          this.toast(
            needAttention
              ? needAttention === 1
                ? 'Back online: 1 queued edit needs your decision before it can be sent. See Queued edits.'
                : `Back online: ${needAttention} queued edits need your decision before they can be sent. See Queued edits.`
              : handled === 1
                ? 'The queued edit was sent to Seam.'
                : handled === 2
                  ? 'Both queued edits were sent to Seam.'
                  : `All ${handled} queued edits were sent to Seam.`,
            { kind: needAttention ? 'error' : 'info' },
          ),
        ),
      )
      await this.#refreshOutbox()
      await sync.start()
      void this.#loadIndex()
    } catch (cause) {
      this.bootError = cause
    }
  }

  /** Opens a workspace's cache and shows its first screenful (nothing more: no sync yet). */
  async #openCache(workspace_id: string): Promise<KeyholderDb> {
    const name = databaseName(workspace_id)
    if (this.db?.name === name) return this.db
    await this.#close()
    const db = new KeyholderDb(name)
    this.db = db
    this.#index = new UsersIndex()
    this.#rereadWanted.clear()
    this.indexReady = false
    this.results = []
    this.selectedUserId = null
    await Promise.all([this.#refreshSystems(), this.#showFirstRows()])
    return db
  }

  async #close(): Promise<void> {
    const sync = this.sync
    const db = this.db
    this.sync = null
    this.db = null
    clearTimeout(this.#prepareTimer)
    // Keep the app-wide subscriptions (the first three); drop the workspace's own.
    for (const cleanup of this.#cleanup.splice(3)) cleanup()
    await sync?.stop()
    db?.close()
  }

  /** After the index changed: new results, and what the sidebar counts and filters offer. */
  #indexChanged(): void {
    this.brands = this.#index.brands(this.query.system)
    this.systemCounts = this.#index.countsBySystem()
    this.search()
  }

  /** Runs the current query against the index (synchronous and fast: every keystroke). */
  search(): void {
    if (!this.indexReady) return
    // A plain copy: the index reads the query for each of tens of thousands of rows, and every
    // read through the reactive proxy would be tracked.
    this.results = this.#index.search($state.snapshot(this.query))
    // What a change of data or order left to build for the next search is built straight
    // after this one, not in the next keystroke (nothing to do when it is already there).
    clearTimeout(this.#prepareTimer)
    const index = this.#index
    this.#prepareTimer = setTimeout(() => index.prepareSearch(this.query))
  }

  setQuery(patch: Partial<Query>): void {
    Object.assign(this.query, patch)
    if ('system' in patch && this.indexReady) {
      // Only the types the chosen system has; a type it lacks would leave the table empty.
      this.brands = this.#index.brands(this.query.system)
      if (this.query.brand !== null && !this.brands.includes(this.query.brand)) {
        this.query.brand = null
      }
    }
    if (this.indexReady) this.search()
    else void this.#showFirstRows()
  }

  row(id: string): UserRow | undefined {
    return this.#index.row(id)
  }

  /** The one way screens change user data: through the outbox. */
  async edit(edit: Edit, message?: string): Promise<EnqueueResult | null> {
    if (!this.sync) return null
    try {
      const result = await this.sync.outbox.enqueue(edit)
      if (message) {
        this.#confirm(message, result.entry && !result.cancelled ? result.entry.id : undefined)
      }
      return result
    } catch (cause) {
      this.toast(explain(cause).detail, { kind: 'error' })
      return null
    }
  }

  /** Corrects a failed edit and queues it again; says so, or why it could not. */
  async amend(entryId: string, correction: AmendEdit): Promise<boolean> {
    try {
      const amended = (await this.sync?.outbox.amend(entryId, correction)) ?? false
      if (amended) this.#confirm('The corrected edit will be sent.')
      else {
        this.toast('That edit is no longer waiting to be corrected: see Queued edits.', {
          kind: 'error',
        })
      }
      return amended
    } catch (cause) {
      this.toast(explain(cause).detail, { kind: 'error' })
      return false
    }
  }

  /**
   * A confirmation of an edit ("… will be suspended."), saying when it reaches Seam if that is
   * not straight away (such a toast goes once it does).
   */
  #confirm(message: string, undoEntry?: string): void {
    const until: Partial<Record<ConnectivityState['state'], string>> = {
      offline: ' once back online.',
      unauthorized: ' once Seam accepts the key again.',
    }
    const when = until[this.connectivity.state]
    this.toast(when ? message.replace(/\.$/, when) : message, {
      ...(undoEntry && { undoEntry }),
      ...(when && { whenBack: true }),
    })
  }

  /** Tells the person that `count` imported people are on their way to Seam. */
  imported(count: number): void {
    this.#confirm(`${count} ${count === 1 ? 'person' : 'people'} will be created.`)
  }

  async undo(entryId: string): Promise<void> {
    const undone = await this.sync?.outbox.undo(entryId)
    // The confirmation of the undone edit would now say something untrue.
    if (undone) this.toasts = this.toasts.filter((t) => t.undoEntry !== entryId)
    this.toast(
      undone
        ? 'Undone: the edit was removed from the queue.'
        : 'Too late to undo: it was already sent.',
    )
  }

  toast(
    message: string,
    options: { undoEntry?: string; kind?: Toast['kind']; whenBack?: boolean } = {},
  ): void {
    const toast: Toast = { id: ++this.#toastId, message, kind: options.kind ?? 'info', ...options }
    this.toasts = [...this.toasts.slice(-2), toast]
    setTimeout(() => this.dismiss(toast.id), options.undoEntry ? 10_000 : 6_000)
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id)
  }

  async syncNow(): Promise<void> {
    const state = this.connectivity.state
    if (state === 'offline' || state === 'unauthorized') {
      return this.toast(
        state === 'offline'
          ? 'Seam cannot be reached right now: Keyholder syncs by itself as soon as it can.'
          : 'Seam refuses the key: replace it under the workspace button, then sync.',
        { kind: 'error' },
      )
    }
    await this.sync?.syncNow()
    await this.#refreshSystems()
  }

  async #refreshSystems(): Promise<void> {
    const db = this.db
    if (!db) return
    this.systems = await db.acs_systems.orderBy('_order').toArray()
    const states = await db.sync_state.toArray()
    this.syncStates = Object.fromEntries(states.map((s) => [s.acs_system_id, s]))
    const groups = await db.access_groups.toArray()
    this.groupNames = Object.fromEntries(groups.map((g) => [g.acs_access_group_id, g.name]))
  }

  systemName = (acs_system_id: string): string =>
    this.systems.find((s) => s.acs_system_id === acs_system_id)?.name ?? 'Unknown system'

  async setSandboxConnected(connected: boolean): Promise<void> {
    const result = await this.api.invoke('sandbox.set_connection', { connected })
    if (result.ok) this.sandboxConnected = result.value.connected
    else this.toast(explain(result.error).detail, { kind: 'error' })
  }

  /** Before the index is ready: the first screenful straight from an IndexedDB index. */
  async #showFirstRows(): Promise<void> {
    const db = this.db
    if (!db || this.indexReady) return
    const users = await loadFirstUsers(db, this.query.system, FIRST_ROWS)
    if (!this.indexReady && this.db === db) {
      this.results = users.map((u) => toRow(u))
      if (users.length) requestAnimationFrame(() => performance.mark('keyholder:first-rows'))
    }
  }

  async #loadIndex(): Promise<void> {
    const db = this.db
    if (!db) return
    const index = new UsersIndex()
    const users: AcsUser[] = []
    // People rewritten while the cache is read (an edit confirmed, a conflict found, a person
    // refreshed) are announced by the cache meanwhile, and read again once it has been read.
    this.#rereadWanted.clear()
    await loadUsers(db, (chunk) => users.push(...chunk))
    index.replaceAll(users)
    while (this.#rereadWanted.size) {
      const wanted = [...this.#rereadWanted]
      this.#rereadWanted.clear()
      await this.#reread(db, index, wanted, [])
    }
    const entries = await db.outbox.orderBy('id').toArray()
    index.setOutbox(entries)
    if (this.db !== db) return
    // Ready for the first keystroke, which would otherwise pay for building it.
    index.prepareSearch(this.query)
    this.#index = index
    this.indexReady = true
    this.#indexChanged()
    // Announced during the last awaits, after the loop above: they go the usual way now.
    if (this.#rereadWanted.size) {
      const changed = [...this.#rereadWanted]
      this.#rereadWanted.clear()
      this.#cacheChanged(db, { changed, removed: [], remapped: [], listed: [] })
    }
    // Outbox changes since `entries` went to the index this one replaces: catch up with them.
    await this.#refreshOutbox()
  }

  /** A system was listed again, by this page (`here`) or the page listing for this database. */
  async #reloadSystem(acs_system_id: string, here: boolean): Promise<void> {
    const db = this.db
    // Groups are small: read them with each sync so the pickers work offline later (by the
    // page that listed; the others read what it stored).
    if (db && here) await refreshGroups(db, this.workspaceApi, acs_system_id)
    await this.#refreshSystems()
    this.synced += 1
    if (!db || !this.indexReady) return
    // In turn with the cache's announcements: an older read must not undo a newer one.
    await this.#inTurn(async () => {
      const users = await loadSystemUsers(db, acs_system_id)
      if (this.db !== db) return
      this.#index.replaceSystem(acs_system_id, users)
      this.#indexChanged()
    })
  }

  /**
   * The cache announced rewritten, removed or remapped people: the index follows, in order.
   * Before the index is loaded they are remembered, and read again once it is.
   */
  #cacheChanged(db: KeyholderDb, change: UserCacheChange): void {
    if (this.db !== db) return
    const ids = [...change.changed, ...change.removed, ...change.remapped.map((m) => m.acs_user_id)]
    if (!this.indexReady) {
      for (const id of ids) this.#rereadWanted.add(id)
      return
    }
    void this.#inTurn(async () => {
      const index = this.#index
      await this.#reread(db, index, change.changed, change.removed)
      if (this.db !== db || this.#index !== index) return
      const remapped = change.remapped.find((m) => m.temp_id === this.selectedUserId)
      if (remapped) this.selectedUserId = remapped.acs_user_id
      if (this.selectedUserId && change.removed.includes(this.selectedUserId)) {
        // The person on show was just deleted, as asked here: their panel has nothing to show.
        const asked = this.entries.find(
          (e) => e.op === 'delete' && e.target_id === this.selectedUserId,
        )
        if (asked) {
          this.selectedUserId = null
          this.toast(`${asked.label} was deleted.`)
        }
      }
      this.#indexChanged()
    })
  }

  /**
   * The outbox changed (an edit queued, sent, failed…): refresh the counts and the overlay, and
   * re-read users whose edits were confirmed, as the cache now holds the server's answer.
   */
  #refreshOutbox(): Promise<void> {
    // One read at a time, in order: a slower earlier read must not overwrite a newer one.
    if (this.#outboxRead) {
      this.#outboxDirty = true
      return this.#outboxRead
    }
    this.#outboxRead = (async () => {
      try {
        do {
          this.#outboxDirty = false
          try {
            await this.#readOutbox()
          } catch (cause) {
            // The next change reads again; until then the screen shows the previous state.
            console.warn('Keyholder could not read its queued edits:', cause)
          }
        } while (this.#outboxDirty)
      } finally {
        this.#outboxRead = null
      }
    })()
    return this.#outboxRead
  }

  async #readOutbox(): Promise<void> {
    const db = this.db
    if (!db) return
    const entries = await db.outbox.orderBy('id').toArray()
    if (this.db !== db) return
    this.entries = entries
    const counts = emptyCounts()
    for (const entry of entries) {
      counts[entry.status] += 1
      counts.total += 1
    }
    this.counts = counts
    if (!this.indexReady) return
    this.#index.setOutbox(entries)
    this.#indexChanged()
  }

  /** Reads people again from the cache into the index (gone ones leave it). */
  async #reread(
    db: KeyholderDb,
    index: UsersIndex,
    changed: string[],
    removed: string[],
  ): Promise<void> {
    const cached = changed.length
      ? (await db.acs_users.bulkGet(changed)).filter((u) => u !== undefined)
      : []
    const found = cached.map((u) => u.acs_user_id)
    index.remove([...removed, ...changed.filter((id) => !found.includes(id))])
    index.upsert(cached)
  }
}

/** `api` with every request marked as meant for `workspace_id`. */
function scopedTo(api: KeyholderApi, workspace_id: string): KeyholderApi {
  return {
    invoke: (channel, request) => api.invoke(channel, request, { workspace_id }),
    on: (event, listener) => api.on(event, listener),
  }
}
