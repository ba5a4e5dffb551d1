/**
 * The person at the desk, answering what the offline core asks of them — the one place that
 * knows how the outbox is asked, since that API is being rebuilt (issue 9). Truthful: they
 * know which people they added, and pick for each conflicting field what the history says.
 */
import type { Outbox } from '../../../src/renderer/lib/sync/outbox'
import type { OutboxEntry } from '../../../src/renderer/lib/sync/outbox-types'

export type Choice = 'mine' | 'theirs'

export interface PersonContext {
  /** The person's choice for one conflicting field of an entry. */
  choose(entry: OutboxEntry, field: string): Choice
  /** Whether the user was made by this app (created through the proxy). */
  isOurs(acs_user_id: string): boolean
  /** Users another create already turned out to be (they cannot be this one too). */
  claimed: Set<string>
}

export type Decision =
  | { kind: 'resolve'; entry_id: string; field: string | null; choice: Choice }
  | { kind: 'discard'; entry_id: string; why: 'failed' | 'deleted_elsewhere' }
  | { kind: 'confirm_create'; entry_id: string; acs_user_id: string }
  | { kind: 'create_again'; entry_id: string }

/** Whether the entry waits on the person (the core can do nothing more on its own). */
export function waitsForPerson(entry: OutboxEntry): boolean {
  return entry.status === 'failed' || entry.status === 'conflict' || entry.status === 'ask'
}

/** The person's target has gone from Seam: nothing to apply the edit to. */
export function deletedElsewhere(entry: OutboxEntry): boolean {
  // "Deleted elsewhere" is a conflict without conflicting fields.
  return entry.status === 'conflict' && !(entry.conflicts ?? []).length
}

/** The reason the screen shows for an entry that waits on the person, if any. */
export function reasonOf(entry: OutboxEntry): string | null {
  return entry.last_error?.message || null
}

/** Answers one waiting entry; returns what was decided (nothing if it does not wait). */
export async function decide(
  outbox: Outbox,
  entry: OutboxEntry,
  context: PersonContext,
): Promise<Decision[]> {
  const status = entry.status
  if (status === 'ask') {
    const candidates = entry.candidates ?? []
    const mine = candidates.find(
      (c) => context.isOurs(c.acs_user_id) && !context.claimed.has(c.acs_user_id),
    )
    if (mine) {
      if (!(await outbox.confirmCreate(entry.id, mine.acs_user_id))) {
        throw new Error(`confirmCreate refused ${mine.acs_user_id}, which no other create has`)
      }
      context.claimed.add(mine.acs_user_id)
      return [{ kind: 'confirm_create', entry_id: entry.id, acs_user_id: mine.acs_user_id }]
    }
    await outbox.createAgain(entry.id)
    return [{ kind: 'create_again', entry_id: entry.id }]
  }
  if (status === 'failed') {
    await outbox.discard(entry.id)
    return [{ kind: 'discard', entry_id: entry.id, why: 'failed' }]
  }
  if (status !== 'conflict') return []
  if (deletedElsewhere(entry)) {
    await outbox.discard(entry.id)
    return [{ kind: 'discard', entry_id: entry.id, why: 'deleted_elsewhere' }]
  }
  const decisions: Decision[] = []
  for (const { field } of entry.conflicts ?? []) {
    const choice = context.choose(entry, field)
    await outbox.resolve(entry.id, choice, field)
    decisions.push({ kind: 'resolve', entry_id: entry.id, field, choice })
  }
  return decisions
}
