/**
 * Redaction, and the real electron-log (its Node build, `electron-log/node`, as Electron's
 * cannot run here) writing the day's file through our hook: a key planted in an error, a URL
 * and an object never reaches the file.
 */
import log from 'electron-log/node'
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { dailyLogFile, fileLogger, pruneLogs, type ElectronLogLike } from './file-log'
import { consoleLogger } from './index'
import { redact, redactText } from './redact'

const KEY = 'seam_live_3xAmPLEk3y_9f8e7d6c5b4a'

/** The same secret, hidden in every shape a log line can take. */
function planted() {
  const error = Object.assign(new Error(`Seam refused ${KEY}`), {
    config: { headers: { Authorization: `Bearer ${KEY}` } },
  })
  return [
    error,
    new URL(`https://connect.getseam.com/acs/users/list?api_key=${KEY}`),
    `GET https://connect.getseam.com/acs/users/list?token=${KEY}&limit=10`,
    { request: { headers: { authorization: `Bearer ${KEY}`, 'x-api-key': 'opaque-value' } } },
    { nested: [{ apiKey: 'plain-looking-value' }, `authorization: Basic dXNlcjpwYXNz`] },
  ]
}

describe('redaction', () => {
  test('removes keys, bearer tokens and authorisation values from text', () => {
    expect(redactText(`key ${KEY} ok`)).not.toContain('3xAmPLEk3y')
    expect(redactText('Authorization: Bearer abc.def-ghi')).not.toContain('abc.def-ghi')
    expect(redactText('"api_key":"s3cr3t"')).not.toContain('s3cr3t')
    expect(redactText('nothing secret here, 12 people')).toBe('nothing secret here, 12 people')
  })

  test('finds them in errors (message, stack, own fields), URLs and nested objects', () => {
    const out = JSON.stringify(
      planted().map((value) => {
        const copy = redact(value)
        return copy instanceof Error ? { ...copy, message: copy.message, stack: copy.stack } : copy
      }),
    )
    expect(out).not.toContain('3xAmPLEk3y')
    expect(out).not.toContain('opaque-value')
    expect(out).not.toContain('plain-looking-value')
    expect(out).not.toContain('dXNlcjpwYXNz')
    expect(out).toContain('Seam refused')
    expect(redact(planted()[0])).toBeInstanceOf(Error)
  })

  test('the console logger (the harness) redacts too, and keeps recent lines', () => {
    const written: string[] = []
    const logger = consoleLogger((line) => written.push(line))
    for (const value of planted()) logger.error('failed:', value)
    expect(written.join('')).not.toContain('3xAmPLEk3y')
    expect(logger.recent()).toHaveLength(5)
    expect(logger.recent().join('\n')).not.toContain('3xAmPLEk3y')
  })
})

describe('the log file', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'keyholder-logs-'))
  })
  afterEach(() => rm(dir, { recursive: true, force: true }))

  test('electron-log writes one file a day with every secret removed', async () => {
    const instance = log.create({
      logId: `test-${Math.random()}`,
    }) as unknown as ElectronLogLike & {
      transports: { file: { sync?: boolean } }
    }
    instance.transports.console.level = false
    instance.transports.file.sync = true
    let day = new Date('2026-03-01T10:00:00Z')
    const logger = fileLogger(instance, dir, () => day)
    for (const value of planted()) logger.error('Seam call failed:', value)
    day = new Date('2026-03-02T09:00:00Z')
    logger.info('the next day')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const files = (await readdir(dir)).sort()
    expect(files).toEqual(['keyholder-2026-03-01.log', 'keyholder-2026-03-02.log'])
    const first = await readFile(join(dir, files[0]!), 'utf8')
    expect(first).toContain('Seam call failed')
    expect(first).not.toContain('3xAmPLEk3y')
    expect(first).not.toContain('opaque-value')
    expect(await readFile(join(dir, files[1]!), 'utf8')).toContain('the next day')
  })

  test('day files older than two weeks are removed', async () => {
    const now = new Date('2026-03-20T12:00:00Z')
    for (const day of ['2026-03-01', '2026-03-05', '2026-03-06', '2026-03-20']) {
      await writeFile(dailyLogFile(dir, new Date(`${day}T08:00:00Z`)), 'x')
    }
    await writeFile(join(dir, 'keyholder-2026-03-01.old.log'), 'x')
    await writeFile(join(dir, 'other.txt'), 'x')
    pruneLogs(dir, now)
    expect((await readdir(dir)).sort()).toEqual([
      'keyholder-2026-03-06.log',
      'keyholder-2026-03-20.log',
      'other.txt',
    ])
  })
})
