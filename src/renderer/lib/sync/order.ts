/**
 * The order one person's queued edits go in: one rule, used by the replayer (what to send
 * next), the commit (what a confirmed edit replaces) and the screens (what waits behind what).
 *
 * Edits go strictly in the order they were made, with one exception: while the oldest waits
 * for the person (failed, in conflict, or asked about), a suspend, a revoke of all access or a
 * delete of theirs goes ahead. It takes access away and must not wait for a typo in an email to
 * be fixed. It passes edits that wait on the person too, that change something else, or that it
 * makes moot and that never left (an earlier suspend or unsuspend for a suspend, earlier group
 * changes for a revoke, everything for a delete). Those it makes moot are superseded once it is
 * confirmed: they stay, marked, until the person dismisses them, and are never sent.
 */
import type { OperationName, OutboxEntry } from './outbox-types'
import { isTempId } from './outbox-types'

/** Edits that may go ahead of an earlier one waiting on the person. */
export const GOES_AHEAD: ReadonlySet<OperationName> = new Set([
  'suspend',
  'revoke_access_to_all_entrances',
  'delete',
])

/** Failed, in conflict, or asking: waiting for the person, not for the network. */
export function isWaitingOnPerson(entry: OutboxEntry): boolean {
  return entry.status === 'failed' || entry.status === 'conflict' || entry.status === 'ask'
}

/** What an edit changes, as far as the order of edits goes ('*': the whole person). */
function touches(entry: OutboxEntry): string[] {
  switch (entry.op) {
    case 'create':
    case 'delete':
      return ['*']
    case 'update':
      return Object.keys(entry.params)
    case 'suspend':
    case 'unsuspend':
      return ['is_suspended']
    case 'add_to_access_group':
    case 'remove_from_access_group':
    case 'revoke_access_to_all_entrances':
      return ['access_groups']
  }
}

/** Whether the two edits change something in common (so their order matters). */
export function overlaps(a: OutboxEntry, b: OutboxEntry): boolean {
  const x = touches(a)
  const y = touches(b)
  return x.includes('*') || y.includes('*') || x.some((t) => y.includes(t))
}

/**
 * Whether `entry` may go ahead of `earlier` (its person's edits made before it, in order): each
 * waits on the person, changes something else, or is made moot by it and never left (a suspend
 * after an unsuspend of ours: the suspend is the last word).
 */
function mayGoAhead(entry: OutboxEntry, earlier: OutboxEntry[]): boolean {
  return (
    GOES_AHEAD.has(entry.op) &&
    !isTempId(entry.target_id) &&
    earlier.every(
      (e) =>
        isWaitingOnPerson(e) ||
        !overlaps(e, entry) ||
        (e.status === 'queued' && !e.sent_before && e.attempt_started_at === null),
    )
  )
}

/** The edits that still count: a superseded one only waits to be dismissed. */
function live(queue: OutboxEntry[]): OutboxEntry[] {
  return queue.filter((e) => !e.superseded_by)
}

/** The edit of one person's queue (in order) that goes next, if any may go now. */
export function nextToSend(queue: OutboxEntry[]): OutboxEntry | undefined {
  const edits = live(queue)
  const [head] = edits
  if (!head) return undefined
  // A person created offline has no id at Seam before their create: nothing can go first.
  if (isTempId(head.target_id) && head.op !== 'create') return undefined
  if (!isWaitingOnPerson(head)) return head
  for (let i = 1; i < edits.length; i++) {
    const entry = edits[i]!
    // One that went ahead and is on its way (or was, before a crash) is the one to settle.
    if (entry.status === 'sending') return entry
    if (!isWaitingOnPerson(entry) && mayGoAhead(entry, edits.slice(0, i))) return entry
  }
  return undefined
}

/**
 * The earlier edit that waits on the person and holds this one back, if any: null when it goes
 * in its turn or ahead.
 */
export function heldBackBy(entry: OutboxEntry, queue: OutboxEntry[]): OutboxEntry | undefined {
  if (entry.status !== 'queued' || entry.superseded_by) return undefined
  const earlier = live(queue).filter((e) => e.id < entry.id)
  const blocker = earlier.find(isWaitingOnPerson)
  if (!blocker || mayGoAhead(entry, earlier)) return undefined
  return blocker
}

/**
 * The earlier edits that a confirmed `entry` made moot as it went ahead of them (see the
 * module's comment). In its turn, it passed none.
 */
export function supersededBy(entry: OutboxEntry, queue: OutboxEntry[]): OutboxEntry[] {
  if (!GOES_AHEAD.has(entry.op)) return []
  return live(queue).filter((e) => e.id < entry.id && e.status !== 'sending' && overlaps(e, entry))
}
