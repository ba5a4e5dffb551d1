import { TEMP_ID_PREFIX } from './outbox-types'

let lastTime = 0
let sequence = 0

/**
 * Sortable, unique ids for outbox entries: millisecond time, then a sequence that keeps ids
 * made in the same millisecond (or after a clock step back) in creation order. `after`, the
 * newest id already stored, keeps that order across restarts too: a clock set back while the
 * app was closed must not put a new edit before an older one of the same person.
 */
export function newEntryId(now = Date.now(), after?: string): string {
  const storedTime = after ? parseInt(after.slice(0, 9), 36) : 0
  if (storedTime > lastTime) {
    lastTime = storedTime
    sequence = parseInt(after!.slice(9, 13), 36)
  }
  if (now <= lastTime) {
    sequence += 1
  } else {
    lastTime = now
    sequence = 0
  }
  const random = Math.floor(Math.random() * 36 ** 4)
  return `${lastTime.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${random.toString(36).padStart(4, '0')}`
}

export function newTempId(): string {
  return `${TEMP_ID_PREFIX}${crypto.randomUUID()}`
}
