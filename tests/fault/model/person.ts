/**
 * The person at the desk, answering what the offline core asks of them — the one place that
 * knows how the outbox is asked, since that API is being rebuilt (issue 9). Truthful: they
 * know which people they added, and pick for each conflicting field what the history says.
 */
import type { Outbox } from '../../../src/renderer/lib/sync/outbox'
import type { OutboxEntry } from '../../../src/renderer/lib/sync/outbox-types'

export type Choice = 'mine' | 'theirs'

/** An uncertain create the core asks about: "Is this the person you added?" */
export interface Candidate {
  acs_user_id: string
  full_name: string
  email_address?: string
  phone_number?: string
  created_at: string
}

export interface PersonContext {
  /** The person's choice for one conflicting field of an entry. */
  choose(entry: OutboxEntry, field: string): Choice
  /** Whether the user was made by this app (created through the proxy). */
  isOurs(acs_user_id: string): boolean
  /** Users another create already turned out to be (they cannot be this one too). */
  claimed: ReadonlySet<string>
}

export type Decision =
  | { kind: 'resolve'; entry_id: string; field: string | null; choice: Choice }
  | { kind: 'discard'; entry_id: string; why: 'failed' | 'deleted_elsewhere' }
  | { kind: 'confirm_create'; entry_id: string; acs_user_id: string }
  | { kind: 'create_again'; entry_id: string }

/** The core v2's status for an uncertain create that needs the person; not in today's type. */
const ASK = 'ask'

type NewOutboxApi = {
  // TODO(lead): new API — field-by-field resolve; today's `resolve` ignores `field` and settles
  // the whole entry (case 4), which the model catches.
  resolve(id: string, choice: Choice, field?: string): Promise<void>
  // TODO(lead): new API — answers to an `ask` entry; absent today, where `ask` never happens.
  confirmCreate?(id: string, acs_user_id: string): Promise<void>
  createAgain?(id: string): Promise<void>
}

/** Whether the entry waits on the person (the core can do nothing more on its own). */
export function waitsForPerson(entry: OutboxEntry): boolean {
  const status: string = entry.status
  return status === 'failed' || status === 'conflict' || status === ASK
}

/** The person's target has gone from Seam: nothing to apply the edit to. */
export function deletedElsewhere(entry: OutboxEntry): boolean {
  // TODO(lead): new API — today "deleted elsewhere" is a conflict without conflicting fields.
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
  const api = outbox as unknown as NewOutboxApi
  const status: string = entry.status
  if (status === ASK) {
    const candidates = (entry as unknown as { candidates?: Candidate[] }).candidates ?? []
    const mine = candidates.find(
      (c) => context.isOurs(c.acs_user_id) && !context.claimed.has(c.acs_user_id),
    )
    if (mine) {
      if (!api.confirmCreate) throw new Error('outbox.confirmCreate is missing')
      await api.confirmCreate.call(outbox, entry.id, mine.acs_user_id)
      return [{ kind: 'confirm_create', entry_id: entry.id, acs_user_id: mine.acs_user_id }]
    }
    if (!api.createAgain) throw new Error('outbox.createAgain is missing')
    await api.createAgain.call(outbox, entry.id)
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
    await api.resolve.call(outbox, entry.id, choice, field)
    decisions.push({ kind: 'resolve', entry_id: entry.id, field, choice })
  }
  return decisions
}
