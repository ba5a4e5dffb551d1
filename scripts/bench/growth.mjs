// Growth: the sync and ui sections' own measurements at several sizes in one run (5,000,
// 50,000 and 200,000 people by default), each size a cold start of its own (a fresh sandbox,
// harness and browser profile), each with its floors measured beside it. Prints a table and
// returns one JSON row per size.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_USERS, launchProfile, round, startHarness, startSandboxServer } from './lib.mjs'
import { measureAppSync, measureRawPut, measureSdkListing } from './sync.mjs'
import { measureScreen } from './ui.mjs'

export const SIZES = [5_000, 50_000, 200_000]

/** This section starts a sandbox, harness and browser of its own for each size. */
export const ownHarness = true

/** Issue 11's targets, judged at every size; per-person growth is judged against 50,000. */
export const TARGETS = {
  sync_ratio: 1.3,
  sync_per_person_growth: 1.15,
  first_rows_ms: 300,
  search_ready_ms: 8_000,
  keystroke_p95_ms: 16,
  scroll_frame_p95_ms: 16.7,
  heap_mb: 250,
}
const BASE_SIZE = 50_000

async function measureSize(ctx, users, profile) {
  const profileDir = await mkdtemp(join(tmpdir(), 'keyholder-bench-growth-'))
  let sandbox
  let harness
  let context
  try {
    const seeding = performance.now()
    sandbox = await startSandboxServer([
      '--sandbox-users',
      String(DEMO_USERS),
      '--sandbox-load-users',
      String(users),
    ])
    ctx.log(`growth: ${users} people seeded in ${round(performance.now() - seeding)} ms`)
    harness = await startHarness(sandbox)
    context = await launchProfile(profileDir)
    const sized = {
      ...ctx,
      options: { ...ctx.options, users },
      harness,
      context,
      profileDir,
      profile,
    }
    const sdk = await measureSdkListing(sized)
    // Sampled coarsely: a profile of a long sync must cost it little.
    const syncProfile = profile('sync') && { ...profile('sync'), intervalUs: 5_000 }
    const app = await measureAppSync(sized, sdk, syncProfile)
    // The screen right after the sync, so the app finds its listing fresh and does not list
    // again at start; the write floor after it (another origin, so not on the app's disk).
    const screen = await measureScreen(sized)
    const rawPutMs = await measureRawPut(sized, sdk)
    return {
      users,
      people: screen.people,
      sync_ms: round(app.ms),
      sync_per_person_us: Number(((app.ms * 1000) / users).toFixed(1)),
      raw_sdk_ms: round(sdk.ms),
      raw_idb_put_ms: round(rawPutMs),
      sync_ratio: Number((app.ms / Math.max(sdk.ms, rawPutMs)).toFixed(3)),
      first_rows_ms: screen.first_rows_ms,
      search_ready_ms: screen.search_ready_ms,
      raw_idb_getall_ms: screen.raw_idb_getall_ms,
      keystroke_p50_ms: screen.keystroke_p50_ms,
      keystroke_p95_ms: screen.keystroke_p95_ms,
      scroll_frame_p95_ms: screen.scroll_frame_p95_ms,
      heap_mb: screen.heap_mb,
      idb_mb: screen.idb_mb,
      dom_rows_max: screen.dom_rows_max,
      ...(screen.started_offline && { started_offline: true }),
    }
  } finally {
    await context?.close()
    await harness?.stop()
    await sandbox?.stop()
    await rm(profileDir, { recursive: true, force: true })
  }
}

/** The targets a row misses (per-person growth against the 50,000 row, when there is one). */
function judgeRow(row, base) {
  const misses = []
  if (row.sync_ratio > TARGETS.sync_ratio) misses.push('sync_ratio')
  if (base && row.users > base.users) {
    row.sync_per_person_vs_50k = Number(
      (row.sync_per_person_us / base.sync_per_person_us).toFixed(3),
    )
    if (row.sync_per_person_vs_50k > TARGETS.sync_per_person_growth) {
      misses.push('sync_per_person_growth')
    }
  }
  for (const key of [
    'first_rows_ms',
    'search_ready_ms',
    'keystroke_p95_ms',
    'scroll_frame_p95_ms',
    'heap_mb',
  ]) {
    if (row[key] > TARGETS[key]) misses.push(key)
  }
  row.misses = misses
  return row
}

function table(rows) {
  const mark = (row, key, text) => `${text}${row.misses.includes(key) ? ' !' : ''}`
  const lines = [
    [
      'people',
      'sync ms',
      'µs/person',
      'raw SDK',
      'raw IDB put',
      'sync/floor',
      'first rows',
      'search ready',
      'raw getAll',
      'key p95',
      'scroll p95',
      'heap MB',
      'IDB MB',
    ],
    [
      'target',
      '',
      `≤ ${TARGETS.sync_per_person_growth}× @50k`,
      '',
      '',
      `≤ ${TARGETS.sync_ratio}×`,
      `≤ ${TARGETS.first_rows_ms}`,
      `≤ ${TARGETS.search_ready_ms}`,
      '',
      `≤ ${TARGETS.keystroke_p95_ms}`,
      `≤ ${TARGETS.scroll_frame_p95_ms}`,
      `≤ ${TARGETS.heap_mb}`,
      '',
    ],
    ...rows.map((r) => [
      r.users.toLocaleString('en-US'),
      String(r.sync_ms),
      mark(
        r,
        'sync_per_person_growth',
        `${r.sync_per_person_us}${r.sync_per_person_vs_50k ? ` (${r.sync_per_person_vs_50k}×)` : ''}`,
      ),
      String(r.raw_sdk_ms),
      String(r.raw_idb_put_ms),
      mark(r, 'sync_ratio', `${r.sync_ratio.toFixed(2)}×`),
      mark(r, 'first_rows_ms', String(r.first_rows_ms)),
      mark(r, 'search_ready_ms', String(r.search_ready_ms)),
      String(r.raw_idb_getall_ms),
      mark(r, 'keystroke_p95_ms', String(r.keystroke_p95_ms)),
      mark(r, 'scroll_frame_p95_ms', String(r.scroll_frame_p95_ms)),
      mark(r, 'heap_mb', String(r.heap_mb)),
      String(r.idb_mb),
    ]),
  ]
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)))
  return [
    '',
    'growth (ms unless named; ! misses its target):',
    ...lines.map((line) => line.map((cell, i) => cell.padEnd(widths[i])).join('  ')),
    ...rows.filter((r) => r.started_offline).map((r) => `(${r.users}: started offline)`),
  ]
}

export async function run(ctx) {
  const sizes = ctx.options.growthSizes ?? SIZES
  const largest = Math.max(...sizes)
  const rows = []
  for (const users of sizes) {
    // Profiles (with --profile) of the largest size only, where the misses are.
    const profile = (name) => (users === largest ? ctx.profile(`${users}-${name}`) : null)
    rows.push(await measureSize(ctx, users, profile))
  }
  const base = rows.find((r) => r.users === BASE_SIZE)
  for (const row of rows) judgeRow(row, base)
  return { row: [], json: rows, lines: table(rows) }
}
