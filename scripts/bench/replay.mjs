// Replay of queued updates to the sandbox's demo users: the app's replayer in Chromium, from
// start until the outbox is empty, against the same updates sent one by one with the raw SDK.
import { SeamHttp } from '@seamapi/http'
import {
  DEMO_USERS,
  judge,
  openBenchPage,
  profiled,
  round,
  startHarness,
  startSandboxServer,
  timed,
} from './lib.mjs'

/**
 * On loopback the server answers at once: the app's own work per edit shows, against a floor
 * that does nothing but send. With a real server's distance, sending several people's edits at
 * once must beat sending one after another by far.
 */
const TARGET = 1.5
const TARGET_WITH_LATENCY = 0.25
const DB = 'keyholder-bench-replay'

/** Every user, round after round, as a person working through a list would edit them. */
function edits(users, count, tag) {
  return Array.from({ length: count }, (_, i) => {
    const user = users[i % users.length]
    return {
      acs_user_id: user.acs_user_id,
      full_name: `${user.full_name ?? 'Person'} (${tag} ${Math.floor(i / users.length) + 1})`,
    }
  })
}

/** The demo systems: the load-test one is the sync section's. */
async function demoSystems(seam) {
  return (await seam.acs.systems.list()).filter((s) => !s.name.includes('(load test)'))
}

async function allUsers(seam) {
  const users = []
  for (const { acs_system_id } of await demoSystems(seam)) {
    users.push(...(await seam.acs.users.list({ acs_system_id, limit: 1000 })))
  }
  return users.sort((a, b) => (a.acs_user_id < b.acs_user_id ? -1 : 1))
}

/**
 * One measurement on one sandbox: `count` updates sent one by one with the raw SDK, then the
 * same number queued in the app and replayed; the server must end where the edits left it.
 */
async function measure(ctx, harness, count, label, target = TARGET) {
  const seam = new SeamHttp({ endpoint: harness.endpoint, apiKey: harness.apiKey })
  const users = await allUsers(seam)
  if (users.length !== DEMO_USERS) throw new Error(`expected ${DEMO_USERS} demo users`)

  // Both paths run through the same sandbox routes; warm them (and this process) up first.
  for (const edit of edits(users, 20, 'warm-up')) await seam.acs.users.update(edit)

  // How much CPU the server itself spends (it runs alone in its process): with 2 requests per
  // edit (the read before each update, then the update) against the floor's 1, this tells what
  // the server alone needs of the wall-clock time on this machine.
  const serverCpu = harness.sandbox.cpuMs
  const cpuSince = (before) => {
    const now = serverCpu()
    return now === null || before === null ? null : now - before
  }
  const floorEdits = edits(users, count, 'sdk')
  const cpuBefore = serverCpu()
  const sdk = await timed(async () => {
    for (const edit of floorEdits) await seam.acs.users.update(edit)
  })
  const sdkServerMs = cpuSince(cpuBefore)
  ctx.log(`${label}: raw SDK sent ${count} updates in ${round(sdk.ms)} ms`)

  const appEdits = edits(users, count, 'app')
  const page = await openBenchPage(ctx.context, harness)
  const db = `${DB}-${label.replace(/\W+/g, '-')}`
  const { app, appServerMs } = await profiled(
    ctx,
    page,
    ctx.profile?.(label.replace(/\W+/g, '-')),
    async () => {
      await page.evaluate((options) => window.keyholderBench.prepareReplay(options), {
        db,
        edits: appEdits,
        systems: (await demoSystems(seam)).map((s) => s.acs_system_id),
      })
      const appCpuBefore = serverCpu()
      const app = await page.evaluate((options) => window.keyholderBench.replay(options), { db })
      return { app, appServerMs: cpuSince(appCpuBefore) }
    },
  )
  await page.close()
  ctx.log(`${label}: app replayed ${app.edits} queued updates in ${round(app.ms)} ms`)
  for (const [channel, { count: n, ms }] of Object.entries(app.calls)) {
    ctx.log(`${label}: ${n} × ${channel}, ${(ms / n).toFixed(1)} ms each on average`)
  }
  const requests = Object.values(app.calls).reduce((sum, c) => sum + c.count, 0)
  const server =
    sdkServerMs === null || appServerMs === null
      ? null
      : { sdk_ms: sdkServerMs, sdk_requests: count, app_ms: appServerMs, app_requests: requests }
  if (server) {
    ctx.log(
      `${label}: the server's own CPU: ${server.sdk_ms} ms for the floor's ${count} requests, ` +
        `${server.app_ms} ms for the app's ${requests}`,
    )
  }

  const wanted = new Map(appEdits.map((e) => [e.acs_user_id, e.full_name]))
  const wrong = (await allUsers(seam)).filter((u) => wanted.get(u.acs_user_id) !== u.full_name)
  if (wrong.length > 0) throw new Error(`${wrong.length} users do not show their last edit`)

  const row = judge(label, app.ms, { raw_sdk: sdk.ms }, target)
  row.notes = [`${(requests / count).toFixed(2)} requests per edit`]
  if (server) row.notes.push(`server CPU ${server.app_ms} ms for the app's ${requests} requests`)
  return {
    row,
    json: {
      edits: count,
      users: users.length,
      app_ms: round(app.ms),
      raw_sdk_ms: round(sdk.ms),
      // Requests the app made per queued edit: the writes, plus the reads that check them.
      requests_per_edit: Number((requests / count).toFixed(3)),
      ...(server && { server_cpu: server }),
      ratio: Number(row.ratio.toFixed(3)),
      target,
      pass: row.pass,
    },
  }
}

export async function run(ctx) {
  // On loopback the server answers at once, so this measures the work each edit costs here.
  const loopback = await measure(ctx, ctx.harness, ctx.options.edits, 'replay')
  if (!ctx.options.latencyMs) return loopback
  // With a real server's distance (the sandbox answering N ms late), waiting dominates and
  // sending several people's edits at once pays off: reported beside, with the same target.
  const sandbox = await startSandboxServer([
    '--sandbox-users',
    String(DEMO_USERS),
    '--sandbox-latency-ms',
    String(ctx.options.latencyMs),
  ])
  const harness = await startHarness(sandbox)
  try {
    const distant = await measure(
      ctx,
      harness,
      ctx.options.latencyEdits,
      `replay @${ctx.options.latencyMs}ms`,
      TARGET_WITH_LATENCY,
    )
    return {
      row: [loopback.row, distant.row],
      json: {
        ...loopback.json,
        with_latency: { latency_ms: ctx.options.latencyMs, ...distant.json },
      },
    }
  } finally {
    await harness.stop()
    await sandbox.stop()
  }
}
