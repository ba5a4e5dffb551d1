// `npm run bench -- [--out FILE] [--only sync,replay,ui,growth] [--users N] [--page-size N]
//                   [--edits N] [--growth-sizes N,N,…] [--profile DIR]`
//
// Runs each benchmark section against the sandbox through the browser harness, in Debian's
// Chromium with one persistent profile, prints a table and, with --out, writes JSON with one
// key per section. A section is a module in scripts/bench/ exporting `run(ctx)` that returns
// `{ row, json, lines? }` (see lib.mjs `judge`; `lines` are printed after the table). The
// growth section starts a sandbox, harness and browser of its own for each size. The build is
// done by the npm script beforehand.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEMO_USERS,
  launchProfile,
  printTable,
  startHarness,
  startSandboxServer,
} from './bench/lib.mjs'
import * as growth from './bench/growth.mjs'
import * as replay from './bench/replay.mjs'
import * as sync from './bench/sync.mjs'
import * as ui from './bench/ui.mjs'

// `ui` reads the cache that `sync` fills in the same browser profile, so it runs after it.
const SECTIONS = { sync, replay, ui, growth }

const USAGE = `Usage: npm run bench -- [--out FILE] [--only ${Object.keys(SECTIONS).join('|')}[,…]]
         [--users N (50000)] [--page-size N (1000)] [--per-transaction N (50000)] [--edits N (1000)]
         [--latency-ms N (25; 0 skips)] [--latency-edits N (300)]
         [--growth-sizes N,N,… (${growth.SIZES.join(',')})]
         [--profile DIR]      writes Chromium CPU profiles there (growth: of its largest size)
         [--no-diagnostics]   skips the reference measurements that are not judged`

function positive(value, flag) {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`Bad ${flag}.\n${USAGE}`)
  return n
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      only: { type: 'string' },
      users: { type: 'string', default: '50000' },
      'page-size': { type: 'string', default: '1000' },
      'per-transaction': { type: 'string', default: '50000' },
      edits: { type: 'string', default: '1000' },
      'latency-ms': { type: 'string', default: '25' },
      'latency-edits': { type: 'string', default: '300' },
      'growth-sizes': { type: 'string', default: growth.SIZES.join(',') },
      profile: { type: 'string' },
      'no-diagnostics': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    process.exit(0)
  }
  const only = values.only ? values.only.split(',') : Object.keys(SECTIONS)
  const unknown = only.filter((name) => !(name in SECTIONS))
  if (unknown.length > 0) throw new Error(`Unknown section ${unknown.join(', ')}.\n${USAGE}`)
  return {
    out: values.out && resolve(values.out),
    only,
    users: positive(values.users, '--users'),
    pageSize: positive(values['page-size'], '--page-size'),
    perTransaction: positive(values['per-transaction'], '--per-transaction'),
    edits: positive(values.edits, '--edits'),
    latencyMs: Number(values['latency-ms']),
    latencyEdits: positive(values['latency-edits'], '--latency-edits'),
    growthSizes: values['growth-sizes'].split(',').map((n) => positive(n, '--growth-sizes')),
    profile: values.profile && resolve(values.profile),
    diagnostics: !values['no-diagnostics'],
  }
}

async function main() {
  const options = parseOptions()
  if (options.profile) await mkdir(options.profile, { recursive: true })
  const profileDir = await mkdtemp(join(tmpdir(), 'keyholder-bench-'))
  let sandbox
  let harness
  let context
  try {
    const log = (line) => console.error(line)
    const results = {}
    const rows = []
    const lines = []
    for (const name of options.only) {
      const section = SECTIONS[name]
      if (!section.ownHarness && !harness) {
        // One sandbox for these sections: the demo users (replay) and a load-test system (sync, ui).
        sandbox = await startSandboxServer([
          '--sandbox-users',
          String(DEMO_USERS),
          '--sandbox-load-users',
          String(options.users),
        ])
        harness = await startHarness(sandbox)
        context = await launchProfile(profileDir)
      }
      const profile = (what) =>
        options.profile ? { path: join(options.profile, `${name}-${what}.cpuprofile`) } : null
      const ctx = { options, context, harness, profileDir, profile, log }
      const result = await section.run(ctx)
      results[name] = result.json
      rows.push(...[result.row].flat())
      lines.push(...(result.lines ?? []))
    }
    if (rows.length > 0) printTable(rows)
    for (const line of lines) console.log(line)
    if (options.out) await writeFile(options.out, `${JSON.stringify(results, null, 2)}\n`)
  } finally {
    await context?.close()
    await harness?.stop()
    await sandbox?.stop()
    await rm(profileDir, { recursive: true, force: true })
  }
}

main().catch((cause) => {
  console.error(cause instanceof Error ? cause.message : cause)
  process.exit(1)
})
