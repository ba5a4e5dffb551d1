/**
 * Seam's time is read from its answers' `Date` headers, through the SDK's own HTTP client:
 * a tiny loopback server stands in for Seam, stating a time far from this computer's.
 */
import { SeamHttp } from '@seamapi/http'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ServerClock } from './server-clock'

let server: Server
let endpoint: string
/** What the stand-in answers next. */
let answer = { status: 200, date: 'Wed, 01 Jan 2025 10:00:00 GMT' }

beforeAll(async () => {
  server = createServer((_request, response) => {
    response.sendDate = false
    response.writeHead(answer.status, { 'content-type': 'application/json', date: answer.date })
    response.end(
      answer.status === 200
        ? JSON.stringify({ acs_systems: [], ok: true })
        : JSON.stringify({ error: { type: 'not_found', message: 'Gone' } }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

test('Seam’s time is the Date of its last successful answer, never this computer’s', async () => {
  const seam = new SeamHttp({
    apiKey: 'seam_test_key',
    endpoint,
    axiosRetryOptions: { retries: 0 },
  })
  const clock = new ServerClock()
  clock.watch(seam.client)
  expect(clock.now()).toBeNull()

  await seam.acs.systems.list()
  expect(clock.now()).toBe('2025-01-01T10:00:00.000Z')

  // An error answer may come from a gateway with a clock of its own: it is left out.
  answer = { status: 404, date: 'Wed, 01 Jan 2025 11:00:00 GMT' }
  await expect(seam.acs.systems.list()).rejects.toThrow()
  expect(clock.now()).toBe('2025-01-01T10:00:00.000Z')

  // One answer far ahead does not hold the time there: the next answer sets it again.
  answer = { status: 200, date: 'Wed, 01 Jan 2025 12:00:00 GMT' }
  await seam.acs.systems.list()
  answer = { status: 200, date: 'Wed, 01 Jan 2025 10:01:00 GMT' }
  await seam.acs.systems.list()
  expect(clock.now()).toBe('2025-01-01T10:01:00.000Z')

  // Nonsense is ignored.
  answer = { status: 200, date: 'not a date' }
  await seam.acs.systems.list()
  expect(clock.now()).toBe('2025-01-01T10:01:00.000Z')
})
