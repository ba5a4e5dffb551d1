/**
 * CSV in and out: an import with the mistakes real spreadsheets have, checked row by row before
 * anything is queued; and an export whose rows are the table's rows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { SeamHttp } from '@seamapi/http'
import Papa from 'papaparse'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { artifactsDir, screenshot } from './support'
import {
  poll,
  dialog,
  peopleShown,
  personRows,
  queueSummary,
  serverGroupNames,
  serverUserByEmail,
  serverUsers,
  systemId,
  openSandboxApp,
  closeSandboxApp,
  type SandboxApp,
} from './ui'

let app: SandboxApp
let page: Page
let seam: SeamHttp

const HARBOUR = 'Harbour View Offices'

beforeAll(async () => {
  app = await openSandboxApp()
  ;({ page, seam } = app)
})
afterAll(() => closeSandboxApp(app))

test('import: the preview shows each bad row, a dry run queues nothing, only good rows go', async () => {
  const harbour = await systemId(seam, HARBOUR)
  const existing = (await serverUsers(seam, harbour)).find((u) => u.email_address)!
  const before = (await serverUsers(seam)).length
  const lines = [
    'Full name,Email,Phone,Access starts,Access ends,Access groups',
    'Imogen Goodrow,imogen.goodrow@import.example,020 7946 0001,2030-01-01,2030-12-31,Office staff',
    'Ivo Goodrow,ivo.goodrow@import.example,+44 20 7946 0002,,,',
    'Bad Email,not-an-email,,,,',
    'Bad Phone,bad.phone@import.example,12,,,',
    'Ends Early,ends.early@import.example,,2030-05-01,2030-04-01,',
    'Unknown Group,unknown.group@import.example,,,,Astronauts',
    // What Seam would refuse: a NUL in a name, an email past RFC 5321's 254 characters.
    'Nul\u0000Name,nul.name@import.example,,,,',
    `Long Email,${'l'.repeat(300)}@example.com,,,,`,
    `Already Here,${existing.email_address},,,,`,
  ]
  mkdirSync(artifactsDir, { recursive: true })
  const file = resolve(artifactsDir, 'import-with-problems.csv')
  writeFileSync(file, lines.join('\n'))

  await page.getByRole('button', { name: 'Import CSV' }).click()
  const importer = dialog(page, 'Add people from a CSV file')
  await importer.getByLabel('Add people to').selectOption({ label: HARBOUR })
  await importer.getByLabel('CSV file').setInputFiles(file)
  const preview = importer.getByRole('table', { name: 'Preview' })
  await poll(() => preview.getByRole('row').count()).toBe(lines.length)
  expect(await importer.textContent()).toContain('2 ready · 6 need fixing · 1 duplicate skipped')

  /** The Status cell of the row for file line `line` (the header is line 1). */
  const status = async (line: number) =>
    (
      (await preview
        .getByRole('row')
        .nth(line - 1)
        .getByRole('cell')
        .last()
        .textContent()) ?? ''
    )
      .replace(/\s+/g, ' ')
      .trim()
  expect(await status(2)).toBe('Ready')
  expect(await status(3)).toBe('Ready')
  expect(await status(4)).toMatch(/^Email: /)
  expect(await status(5)).toMatch(/^Phone: /)
  expect(await status(6)).toBe('Access ends: The end must be after the start.')
  expect(await status(7)).toBe(
    'Access groups: There is no access group “Astronauts” in this system.',
  )
  expect(await status(8)).toBe(
    'Name: The name contains a hidden control character (U+0000) at character 4. Type it again by hand rather than copying it.',
  )
  expect(await status(9)).toBe('Email: The email address is too long: 312 characters, at most 254.')
  expect(await status(10)).toBe('Same email as an existing user. Skipped.')
  await screenshot(page, 'ui-import-preview')

  await importer.getByRole('button', { name: 'Check only (dry run)' }).click()
  await poll(() => importer.textContent()).toContain(
    'Dry run: 2 people would be queued. 6 lines need fixing first. Nothing was changed.',
  )
  expect(await queueSummary(page)).toBe('0 queued · 0 failed · 0 to decide')
  expect(await serverUsers(seam)).toHaveLength(before)

  await importer.getByRole('button', { name: 'Create 2 people' }).click()
  await poll(() => importer.count()).toBe(0)
  await poll(() => page.getByText('2 people will be created.').count()).toBe(1)
  await poll(async () => (await serverUsers(seam)).length, { timeout: 20_000 }).toBe(before + 2)
  const imogen = (await serverUserByEmail(seam, 'imogen.goodrow@import.example'))!
  expect(imogen).toMatchObject({ full_name: 'Imogen Goodrow', phone_number: '+442079460001' })
  expect(imogen.acs_system_id).toBe(harbour)
  // Whole days in London time: from the start of the first day to the end of the last.
  expect(Date.parse(imogen.access_schedule!.starts_at)).toBe(Date.parse('2030-01-01T00:00Z'))
  expect(Date.parse(imogen.access_schedule!.ends_at!)).toBe(Date.parse('2030-12-31T23:59Z'))
  expect(await serverGroupNames(seam, imogen.acs_user_id)).toEqual(['Office staff'])
  const ivo = (await serverUserByEmail(seam, 'ivo.goodrow@import.example'))!
  expect(ivo).toMatchObject({ full_name: 'Ivo Goodrow', phone_number: '+442079460002' })
  for (const bad of ['bad.phone', 'ends.early', 'unknown.group', 'nul.name']) {
    expect(await serverUserByEmail(seam, `${bad}@import.example`)).toBeUndefined()
  }
  expect(
    (await serverUsers(seam)).filter((u) => u.email_address === existing.email_address),
  ).toHaveLength(1)
  await poll(() => queueSummary(page), { timeout: 20_000 }).toBe(
    '0 queued · 0 failed · 0 to decide',
  )
})

/** Clicks Export CSV and reads the download (without the BOM Excel needs). */
async function exportShown(): Promise<{ name: string; rows: Record<string, string>[] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ])
  const path = resolve(artifactsDir, download.suggestedFilename())
  await download.saveAs(path)
  const text = readFileSync(path, 'utf8')
  expect(text.startsWith('\uFEFF')).toBe(true)
  const parsed = Papa.parse<Record<string, string>>(text.slice(1), {
    header: true,
    skipEmptyLines: true,
  })
  return { name: download.suggestedFilename(), rows: parsed.data }
}

test('export: the downloaded rows are the rows of the table', async () => {
  // Everyone: as many rows as the table says it holds.
  const all = await exportShown()
  expect(all.rows).toHaveLength(await peopleShown(page))

  // A filtered view small enough that every row is on screen (the table is virtualised), to
  // compare cell by cell.
  await page
    .getByRole('navigation', { name: 'Access systems' })
    .getByRole('button', { name: /^Northgate Campus/ })
    .click()
  await page.getByRole('checkbox', { name: 'Has warnings' }).check()
  await poll(() => personRows(page).count()).toBe(await peopleShown(page))
  const digits = (phone: string) => phone.replace(/\D/g, '')
  const table = []
  for (const row of await personRows(page).all()) {
    // Name, Email, Phone, Status, Needs attention, Access schedule (no System column here).
    const [name, email, phone, status, , schedule] = (
      await row.getByRole('gridcell').allTextContents()
    ).map((t) => t.trim())
    table.push({ name, email, phone: digits(phone!), status, schedule })
  }
  expect(table.length).toBeGreaterThan(0)

  const some = await exportShown()
  expect(some.name).toMatch(/^keyholder-northgate-campus-\d{4}-\d{2}-\d{2}\.csv$/)
  expect(
    some.rows.map((r) => ({
      name: r['Full name'],
      email: r.Email,
      phone: digits(r.Phone ?? ''),
      status: r.Suspended === 'yes' ? 'Suspended' : 'Active',
      schedule: r.Schedule,
    })),
  ).toEqual(table)
  for (const row of some.rows) {
    expect(row.System).toBe('Northgate Campus')
    expect(row.Warnings).not.toBe('')
  }
})
