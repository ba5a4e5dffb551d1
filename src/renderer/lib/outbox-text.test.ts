import { describe, expect, it } from 'vitest'
import type { KeyholderError } from '../../shared/errors'
import { formatDateTime } from './format'
import {
  blockedBy,
  describeEntry,
  describeParts,
  failureText,
  fieldLabel,
  formatAgo,
  formatValue,
  formatWhen,
  isDeletedElsewhere,
  joinWords,
  retryText,
  statusLabel,
  summary,
} from './outbox-text'
import type { Operation, OutboxEntry } from './sync/outbox-types'

const NOW = Date.parse('2026-01-15T12:00:00Z')
const USER = 'b8a1f6e2-0000-4000-8000-000000000001'
const CLEANING = 'a1b2c3d4-cleaning'
const LOBBY = 'e5f6a7b8-lobby'
const groups: Record<string, string> = { [CLEANING]: 'Cleaning crew', [LOBBY]: 'Lobby' }
const groupName = (id: string) => groups[id]

let seq = 0
function entry(op: Operation, over: Partial<OutboxEntry> = {}): OutboxEntry {
  seq += 1
  return {
    ...op,
    id: `01J${String(seq).padStart(6, '0')}`,
    created_at: new Date(NOW - 5 * 60_000).toISOString(),
    target_id: USER,
    acs_system_id: 'sys-1',
    base: {},
    status: 'queued',
    attempts: 0,
    attempt_started_at: null,
    next_attempt_at: 0,
    last_error: null,
    conflicts: null,
    label: 'Tom Reed',
    ...over,
  } as OutboxEntry
}

const none = {} as Record<string, never>
const schedule = { starts_at: '2026-02-01T09:00:00Z', ends_at: '2026-02-28T18:00:00Z' }

describe('describeEntry', () => {
  it('describes a create, with and without access groups', () => {
    const params = { acs_system_id: 'sys-1', full_name: 'Ana García' }
    expect(describeEntry(entry({ op: 'create', params }, { label: 'Ana García' }))).toBe(
      'Add Ana García as a new person',
    )
    const withGroups = entry({
      op: 'create',
      params: { ...params, acs_access_group_ids: [CLEANING, LOBBY] },
    })
    expect(describeEntry(withGroups, groupName)).toBe(
      'Add Ana García as a new person in Cleaning crew and Lobby',
    )
    expect(describeEntry(withGroups)).toBe('Add Ana García as a new person in 2 access groups')
    const oneUnknown = entry({
      op: 'create',
      params: { ...params, acs_access_group_ids: ['unknown'] },
    })
    expect(describeEntry(oneUnknown, groupName)).toBe(
      'Add Ana García as a new person in an access group',
    )
  })

  it('describes a rename', () => {
    const e = entry(
      { op: 'update', params: { full_name: 'Ana García López' } },
      { label: 'Ana García' },
    )
    expect(describeEntry(e)).toBe('Rename Ana García to Ana García López')
  })

  it('describes a rename together with other changes', () => {
    const e = entry(
      { op: 'update', params: { phone_number: '+15555550100', full_name: 'Ana López' } },
      { label: 'Ana García' },
    )
    expect(describeEntry(e)).toBe('Rename Ana García to Ana López and change phone')
  })

  it('names several changed fields in a fixed order', () => {
    const e = entry({
      op: 'update',
      params: { phone_number: '+15555550100', email_address: 'tom@example.com' },
    })
    expect(describeEntry(e)).toBe('Change email and phone of Tom Reed')
    const three = entry({
      op: 'update',
      params: { access_schedule: null, phone_number: '+15555550100', email_address: 'a@b.co' },
    })
    expect(describeEntry(three)).toBe('Change email, phone and access dates of Tom Reed')
  })

  it('gives the new value when one field changes', () => {
    expect(
      describeEntry(entry({ op: 'update', params: { email_address: 'tom@example.com' } })),
    ).toBe('Change email of Tom Reed to tom@example.com')
    expect(describeEntry(entry({ op: 'update', params: { phone_number: '+15555550100' } }))).toBe(
      'Change phone of Tom Reed to +1 555 555 0100',
    )
    expect(describeEntry(entry({ op: 'update', params: { access_schedule: schedule } }))).toBe(
      `Change access dates of Tom Reed to ${formatDateTime(schedule.starts_at)} – ${formatDateTime(schedule.ends_at)}`,
    )
    expect(describeEntry(entry({ op: 'update', params: { access_schedule: null } }))).toBe(
      'Remove the access dates of Tom Reed',
    )
    expect(describeEntry(entry({ op: 'update', params: {} }))).toBe('Update Tom Reed')
  })

  it('describes the one-click operations', () => {
    expect(describeEntry(entry({ op: 'suspend', params: none }))).toBe('Suspend Tom Reed')
    expect(describeEntry(entry({ op: 'unsuspend', params: none }))).toBe('Unsuspend Tom Reed')
    expect(describeEntry(entry({ op: 'delete', params: none }))).toBe('Delete Tom Reed')
    expect(describeEntry(entry({ op: 'revoke_access_to_all_entrances', params: none }))).toBe(
      'Revoke access to every door for Tom Reed',
    )
  })

  it('describes access group changes, naming the group only when known', () => {
    const add = entry({ op: 'add_to_access_group', params: { acs_access_group_id: CLEANING } })
    expect(describeEntry(add, groupName)).toBe('Add Tom Reed to Cleaning crew')
    expect(describeEntry(add)).toBe('Add Tom Reed to an access group')
    const remove = entry({
      op: 'remove_from_access_group',
      params: { acs_access_group_id: LOBBY },
    })
    expect(describeEntry(remove, groupName)).toBe('Remove Tom Reed from Lobby')
    expect(describeEntry(remove, () => undefined)).toBe('Remove Tom Reed from an access group')
  })

  it('does not leave a blank where the name is missing', () => {
    expect(describeEntry(entry({ op: 'suspend', params: none }, { label: '  ' }))).toBe(
      'Suspend an unnamed person',
    )
  })

  it('marks text from people for bidi isolation', () => {
    const parts = describeParts(
      entry(
        { op: 'add_to_access_group', params: { acs_access_group_id: CLEANING } },
        {
          label: 'نور',
        },
      ),
      groupName,
    )
    expect(parts).toEqual([
      { text: 'Add ' },
      { text: 'نور', isolate: true },
      { text: ' to ' },
      { text: 'Cleaning crew', isolate: true },
    ])
  })
})

describe('statusLabel', () => {
  it('has a word for every state', () => {
    expect(statusLabel({ status: 'queued' })).toBe('Waiting')
    expect(statusLabel({ status: 'sending' })).toBe('Sending…')
    expect(statusLabel({ status: 'failed' })).toBe('Failed')
    expect(statusLabel({ status: 'conflict' })).toBe('Needs decision')
  })
})

describe('formatValue', () => {
  it('shows nothing as a dash', () => {
    expect(formatValue('email_address', null)).toBe('—')
    expect(formatValue('email_address', undefined)).toBe('—')
    expect(formatValue('phone_number', '')).toBe('—')
    expect(formatValue('access_schedule', null)).toBe('—')
  })

  it('shows schedules as local date-time ranges', () => {
    expect(formatValue('access_schedule', schedule)).toBe(
      `${formatDateTime(schedule.starts_at)} – ${formatDateTime(schedule.ends_at)}`,
    )
    expect(formatValue('access_schedule', { starts_at: schedule.starts_at, ends_at: null })).toBe(
      `From ${formatDateTime(schedule.starts_at)}`,
    )
  })

  it('keeps text as it is and shows yes/no', () => {
    expect(formatValue('full_name', 'Ana García')).toBe('Ana García')
    expect(formatValue('is_suspended', true)).toBe('Yes')
    expect(formatValue('is_suspended', false)).toBe('No')
  })
})

describe('fieldLabel and joinWords', () => {
  it('uses the catalogue labels and falls back to the raw name', () => {
    expect(fieldLabel('email_address')).toBe('Email address')
    expect(fieldLabel('access_schedule')).toBe('Access dates')
    expect(fieldLabel('constructor')).toBe('constructor')
  })

  it('joins words in plain English', () => {
    expect(joinWords([])).toBe('')
    expect(joinWords(['a'])).toBe('a')
    expect(joinWords(['a', 'b'])).toBe('a and b')
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c')
  })
})

describe('summary', () => {
  const mixed = () => [
    entry({ op: 'suspend', params: none }, { status: 'queued' }),
    entry({ op: 'delete', params: none }, { status: 'sending', target_id: 'other-1' }),
    entry({ op: 'unsuspend', params: none }, { status: 'queued', target_id: 'other-2' }),
    entry({ op: 'update', params: { full_name: 'X' } }, { status: 'failed', target_id: 'o3' }),
    entry({ op: 'update', params: { full_name: 'Y' } }, { status: 'conflict', target_id: 'o4' }),
  ]

  it('counts the entries by what they need', () => {
    expect(summary(mixed(), 'online').line).toBe(
      '3 waiting to be sent · 1 failed · 1 needs your decision',
    )
  })

  it('leaves out empty groups and uses the plural', () => {
    const two = [
      entry({ op: 'suspend', params: none }, { status: 'conflict' }),
      entry({ op: 'delete', params: none }, { status: 'conflict', target_id: 'x' }),
    ]
    expect(summary(two, 'offline')).toEqual({ line: '2 need your decision', why: null })
  })

  it('says when nothing is queued', () => {
    expect(summary([], 'offline')).toEqual({
      line: 'Nothing queued. Every edit has been sent.',
      why: null,
    })
  })

  it('explains why edits wait', () => {
    expect(summary(mixed(), 'offline').why).toBe(
      'You are offline: edits will be sent when the connection returns.',
    )
    expect(summary(mixed(), 'unauthorized').why).toBe(
      'Seam refused the API key: edits wait until a valid key is entered.',
    )
    expect(summary(mixed(), 'online').why).toBe('Sending…')
    expect(summary(mixed(), 'checking').why).toBe('Checking the connection to Seam…')
  })

  it('says so when every waiting edit is held back by a decision', () => {
    const failed = entry({ op: 'update', params: { full_name: 'X' } }, { status: 'failed' })
    const behind = entry({ op: 'unsuspend', params: none }, { status: 'queued' })
    expect(blockedBy(behind, [failed, behind])).toBe(failed)
    expect(blockedBy(failed, [failed, behind])).toBeUndefined()
    expect(summary([failed, behind], 'online').why).toBe(
      'Waiting edits are held back until you decide about an earlier edit to the same person.',
    )
  })

  it('a suspend, revoke or delete goes ahead of a failed edit: it is not held back', () => {
    const failed = entry({ op: 'update', params: { email_address: 'x' } }, { status: 'failed' })
    for (const op of ['suspend', 'revoke_access_to_all_entrances', 'delete'] as const) {
      const behind = entry({ op, params: none }, { status: 'queued' })
      expect(blockedBy(behind, [failed, behind])).toBeUndefined()
    }
    // …past an edit waiting behind the failed one that changes something else…
    const waiting = entry({ op: 'update', params: { full_name: 'Y' } }, { status: 'queued' })
    const suspend = entry({ op: 'suspend', params: none }, { status: 'queued' })
    const revoke = entry({ op: 'revoke_access_to_all_entrances', params: none })
    expect(blockedBy(waiting, [failed, waiting, suspend, revoke])).toBe(failed)
    expect(blockedBy(suspend, [failed, waiting, suspend, revoke])).toBeUndefined()
    expect(blockedBy(revoke, [failed, waiting, suspend, revoke])).toBeUndefined()
    // …and past one of ours it makes moot that never left, but not one that may have.
    const unsuspend = entry({ op: 'unsuspend', params: none }, { status: 'queued' })
    const later = entry({ op: 'suspend', params: none }, { status: 'queued' })
    expect(blockedBy(later, [failed, unsuspend, later])).toBeUndefined()
    const tried = { ...unsuspend, sent_before: true, attempt_started_at: '2026-12-05T08:00:00Z' }
    expect(blockedBy(later, [failed, tried, later])).toBe(failed)
  })
})

describe('retryText', () => {
  const unreachable: KeyholderError = { kind: 'unreachable', message: 'ECONNRESET' }

  it('is empty for an entry never tried', () => {
    expect(retryText(entry({ op: 'suspend', params: none }), NOW)).toBeNull()
  })

  it('says when it goes again and why the last try failed', () => {
    const next = NOW + 5 * 60_000
    const e = entry(
      { op: 'suspend', params: none },
      { attempts: 2, next_attempt_at: next, last_error: unreachable },
    )
    expect(retryText(e, NOW)).toBe(
      `Tried 2 times. Trying again at ${formatWhen(next, NOW)} — last try: Cannot reach Seam`,
    )
    expect(retryText({ ...e, attempts: 1, next_attempt_at: 0 }, NOW)).toBe(
      'Tried once. Trying again as soon as possible — last try: Cannot reach Seam',
    )
  })

  it('waits for a key after the key was refused', () => {
    const e = entry(
      { op: 'suspend', params: none },
      { attempts: 1, last_error: { kind: 'unauthorized', message: 'bad key', status: 401 } },
    )
    expect(retryText(e, NOW)).toBe(
      'Tried once. Waiting for a valid API key — last try: The API key was refused',
    )
  })
})

describe('failureText and isDeletedElsewhere', () => {
  it('gives the plain title, the server message and per-field messages', () => {
    const e = entry(
      { op: 'update', params: { email_address: 'x@y' } },
      {
        status: 'failed',
        last_error: {
          kind: 'invalid_input',
          message: 'Invalid input',
          fields: { email_address: ['Not a valid email'], nickname: ['Unknown'], empty: [] },
        },
      },
    )
    expect(failureText(e)).toEqual({
      title: 'Seam did not accept this',
      message: 'Invalid input',
      next: 'Correct the highlighted fields and try again.',
      fields: [
        { field: 'email_address', label: 'Email address', messages: ['Not a valid email'] },
        { field: 'nickname', label: 'nickname', messages: ['Unknown'] },
      ],
    })
    expect(failureText(entry({ op: 'delete', params: none }))).toBeNull()
  })

  it('recognises a person deleted elsewhere', () => {
    const gone = entry(
      { op: 'suspend', params: none },
      {
        status: 'conflict',
        conflicts: null,
        last_error: { kind: 'not_found', message: 'This user was deleted elsewhere.' },
      },
    )
    expect(isDeletedElsewhere(gone)).toBe(true)
    expect(
      isDeletedElsewhere({
        ...gone,
        conflicts: [{ field: 'full_name', base: 'a', theirs: 'b', mine: 'c' }],
      }),
    ).toBe(false)
    expect(isDeletedElsewhere({ ...gone, status: 'failed' })).toBe(false)
  })
})

describe('formatAgo', () => {
  it('says how long ago in words', () => {
    expect(formatAgo(new Date(NOW - 20_000).toISOString(), NOW)).toBe('just now')
    expect(formatAgo(new Date(NOW - 5 * 60_000).toISOString(), NOW)).toBe('5 minutes ago')
    expect(formatAgo(new Date(NOW - 3 * 3_600_000).toISOString(), NOW)).toBe('3 hours ago')
    expect(formatAgo(new Date(NOW - 26 * 3_600_000).toISOString(), NOW)).toBe('yesterday')
  })
})
