/**
 * The sequential model of the offline core: what Seam should hold once every edit has been
 * applied exactly once, in order, after the outside writes that came before it, with the
 * person's decisions. It reads nothing from the core except which entry an edit went into
 * (merged or new) and what the screen showed when the edit was made.
 */
import type { OperationName } from '../../../src/renderer/lib/sync/outbox-types'
import type { Field } from './history'

export interface PersonState {
  full_name: string
  email_address: string | null
  phone_number: string | null
  access_schedule: { starts_at: string; ends_at: string } | null
  is_suspended: boolean
  groups: Set<string>
  deleted: boolean
}

/** One outbox entry as the model sees it. */
export interface ModelEntry {
  id: string
  /** The order it was first made in, for the person's decisions. */
  ordinal: number
  person: string
  op: OperationName
  params: Record<string, unknown>
  /** Update: per field, what the screen showed when the field was first edited. */
  base: Partial<Record<Field, unknown>>
}

export type ChooseMine = (ordinal: number, field: string) => boolean

export class Model {
  /** What Seam should hold, by person key. Absent: never existed (or created and cancelled). */
  readonly server = new Map<string, PersonState>()
  /** Entries waiting to be replayed, oldest first. */
  queue: ModelEntry[] = []
  /** How many of our entries of each `"<op> <person>"` there were: at most that many requests. */
  readonly intended = new Map<string, number>()
  /** What the model expects the person to have discarded, as `"<op> <person>: why"`. */
  readonly dropped: string[] = []
  #ordinal = 0

  /** A person that is in Seam now (made by the test, or by someone else). */
  exists(person: string, state: PersonState): void {
    this.server.set(person, state)
  }

  /** An outside write, applied at once. */
  outside(person: string, change: (state: PersonState) => void): void {
    const state = this.server.get(person)
    if (state && !state.deleted) change(state)
  }

  /**
   * Our edit, as the outbox took it: into a new entry `entry_id`, merged into that existing
   * entry, or cancelling the person's create that never left (then they never exist).
   */
  enqueue(
    person: string,
    op: OperationName,
    params: Record<string, unknown>,
    seen: Partial<Record<Field, unknown>>,
    result: { entry_id: string | null; cancelled: boolean },
  ): void {
    if (result.cancelled) {
      for (const e of this.queue.filter((e) => e.person === person)) this.#unintend(e)
      this.queue = this.queue.filter((e) => e.person !== person)
      return
    }
    const merged = this.queue.find((e) => e.id === result.entry_id)
    if (merged) {
      merged.params = { ...merged.params, ...params }
      merged.base = { ...seen, ...merged.base }
      return
    }
    const entry: ModelEntry = {
      id: result.entry_id ?? `none-${this.#ordinal}`,
      ordinal: this.#ordinal++,
      person,
      op,
      params,
      base: op === 'update' ? seen : {},
    }
    this.queue.push(entry)
    const key = `${op} ${person}`
    this.intended.set(key, (this.intended.get(key) ?? 0) + 1)
  }

  ordinalOf(entry_id: string): number | undefined {
    return this.queue.find((e) => e.id === entry_id)?.ordinal
  }

  /** Replays the queue in order against Seam's expected state; the queue is then empty. */
  replay(keepMine: ChooseMine): void {
    for (const entry of this.queue) this.#apply(entry, keepMine)
    this.queue = []
  }

  #apply(entry: ModelEntry, keepMine: ChooseMine): void {
    const { person, op, params } = entry
    if (op === 'create') {
      const p = params as {
        full_name: string
        email_address?: string
        phone_number?: string
        access_schedule?: PersonState['access_schedule']
        acs_access_group_ids?: string[]
      }
      this.server.set(person, {
        full_name: p.full_name,
        email_address: p.email_address ?? null,
        phone_number: p.phone_number ?? null,
        access_schedule: p.access_schedule ?? null,
        is_suspended: false,
        groups: new Set(p.acs_access_group_ids ?? []),
        deleted: false,
      })
      return
    }
    const state = this.server.get(person)
    if (!state) throw new Error(`model: ${op} of ${person}, who never existed`)
    if (state.deleted) {
      // Deleted in Seam meanwhile: a delete is done; anything else the person discards.
      if (op !== 'delete') this.dropped.push(`${op} ${person}: deleted elsewhere`)
      return
    }
    switch (op) {
      case 'update':
        for (const [field, mine] of Object.entries(params) as [Field, unknown][]) {
          const theirs = state[field]
          if (same(theirs, mine)) continue
          // Someone else changed the field since the person saw it: the person decides.
          if (!same(theirs, entry.base[field] ?? null) && !keepMine(entry.ordinal, field)) continue
          ;(state as unknown as Record<string, unknown>)[field] = mine ?? null
        }
        return
      case 'suspend':
      case 'unsuspend':
        state.is_suspended = op === 'suspend'
        return
      case 'add_to_access_group':
        state.groups.add(params.acs_access_group_id as string)
        return
      case 'remove_from_access_group':
        state.groups.delete(params.acs_access_group_id as string)
        return
      case 'revoke_access_to_all_entrances':
        state.groups.clear()
        return
      case 'delete':
        state.deleted = true
        return
    }
  }

  #unintend(entry: ModelEntry): void {
    const key = `${entry.op} ${entry.person}`
    this.intended.set(key, (this.intended.get(key) ?? 1) - 1)
  }
}

/** Equal as Seam means it: nothing and null alike, schedules by instant. */
export function same(a: unknown, b: unknown): boolean {
  a ??= null
  b ??= null
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const x = a as Record<string, unknown>
    const y = b as Record<string, unknown>
    return (
      Date.parse(String(x.starts_at)) === Date.parse(String(y.starts_at)) &&
      Date.parse(String(x.ends_at)) === Date.parse(String(y.ends_at))
    )
  }
  return false
}
