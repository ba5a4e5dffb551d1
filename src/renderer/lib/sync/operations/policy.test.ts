import { expect, test } from 'vitest'
import type { KeyholderError } from '../../../../shared/errors'
import { outcomeOf } from './policy'

const table: [string, KeyholderError, ReturnType<typeof outcomeOf>][] = [
  [
    'refused before leaving (ECONNREFUSED, DNS)',
    { kind: 'unreachable', message: 'x' },
    { status: 'queued', wait: 'backoff', maybeSent: false },
  ],
  [
    'timed out or cut after being sent',
    { kind: 'unreachable', message: 'x', uncertain: true },
    { status: 'queued', wait: 'settle', maybeSent: true },
  ],
  ...[500, 409, 425].map((status): [string, KeyholderError, ReturnType<typeof outcomeOf>] => [
    `server ${status}: Seam answered; look before sending again`,
    { kind: 'server', message: 'x', status },
    { status: 'queued', wait: 'backoff', maybeSent: true },
  ]),
  ...[408, 502, 503, 504].map((status): [string, KeyholderError, ReturnType<typeof outcomeOf>] => [
    `gateway ${status}: the request may still arrive; wait it out`,
    { kind: 'server', message: 'x', status },
    { status: 'queued', wait: 'settle', maybeSent: true },
  ]),
  [
    '429 pauses every lane for Retry-After',
    { kind: 'rate_limited', message: 'x', retry_after_ms: 7000 },
    { status: 'queued', wait: { ms: 7000 }, maybeSent: false, pauseAllMs: 7000 },
  ],
  [
    '401 pauses the queue',
    { kind: 'unauthorized', message: 'x', status: 401 },
    { status: 'queued', wait: 'none', maybeSent: false, pause: 'unauthorized' },
  ],
  [
    '403 asks whether the key itself is refused',
    { kind: 'forbidden', message: 'x', status: 403 },
    { status: 'check_key' },
  ],
  [
    '404: deleted elsewhere',
    { kind: 'not_found', message: 'x' },
    { status: 'conflict', message: 'This user was deleted elsewhere.' },
  ],
  ['400 invalid input', { kind: 'invalid_input', message: 'x', fields: {} }, { status: 'failed' }],
  ['a local failure', { kind: 'local', message: 'x' }, { status: 'failed' }],
]

test.each(table)('%s', (_name, error, expected) => {
  expect(outcomeOf(error)).toEqual(expected)
})
