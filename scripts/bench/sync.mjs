// Full sync of the load-test system into an empty cache: the app's pullUsers in Chromium,
// against the raw SDK listing (Node) and a raw IndexedDB write of the same users (Chromium).
import { SeamHttp } from '@seamapi/http'
import { runLink } from './link.mjs'
import { judge, openBenchPage, round, timed } from './lib.mjs'

const TARGET = 1.3
const RAW_DB = 'keyholder-bench-raw'

export async function run(ctx) {
  const { pageSize, perTransaction } = ctx.options
  const { harness } = ctx
  const seam = new SeamHttp({ endpoint: harness.endpoint, apiKey: harness.apiKey })
  const system = (await seam.acs.systems.list()).find((s) => s.name.includes('(load test)'))
  if (!system) throw new Error('the harness has no load-test system')
  const { acs_system_id } = system

  // The sandbox sorts a system's users on its first listing; neither side should pay for that.
  await seam.acs.users.list({ acs_system_id, limit: 1 })

  const sdk = await timed(() =>
    seam.createPaginator(seam.acs.users.list({ acs_system_id, limit: pageSize })).flattenToArray(),
  )
  const users = sdk.value.length
  ctx.log(`sync: raw SDK listed ${users} users in ${round(sdk.ms)} ms`)

  const page = await openBenchPage(ctx.context, harness)
  // The very database the app opens for this workspace, so the ui section finds these users.
  const db = await page.evaluate(() => window.keyholderBench.appDatabase())
  const cdp = process.env.BENCH_PROFILE ? await ctx.context.newCDPSession(page) : null
  if (cdp) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.start')
  }
  const app = await page.evaluate((options) => window.keyholderBench.sync(options), {
    db,
    acs_system_id,
    pageSize,
  })
  if (cdp) {
    const { profile } = await cdp.send('Profiler.stop')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile))
  }
  await page.close()
  if (app.users !== users || app.cached !== users) {
    throw new Error(`sync cached ${app.cached} of ${users} users (listed ${app.users})`)
  }
  ctx.log(`sync: app synced ${app.users} users (${app.pages} pages) in ${round(app.ms)} ms`)

  // Another origin, so the floor writes into a fresh store, not beside the app's 50,000 users.
  const rawPage = await openBenchPage(ctx.context, harness, { host: 'localhost' })
  const rawPut = (appIndexes) =>
    rawPage.evaluate((options) => window.keyholderBench.rawIdbPut(options), {
      acs_system_id,
      pageSize,
      db: RAW_DB,
      perTransaction,
      appIndexes,
    })
  const raw = await rawPut(false)
  if (raw.records !== users) throw new Error(`raw put wrote ${raw.records} of ${users}`)
  ctx.log(`sync: raw IndexedDB put of ${raw.records} users in ${round(raw.ms)} ms`)
  // Not a floor: the same write of the users as cached, into a store with the app's indexes.
  const indexed = ctx.options.diagnostics ? await rawPut(true) : null
  if (indexed) ctx.log(`sync: the same with the app's indexes in ${round(indexed.ms)} ms`)
  await rawPage.close()

  const row = judge('sync', app.ms, { raw_sdk: sdk.ms, raw_idb_put: raw.ms }, TARGET)
  if (indexed) row.info = { raw_idb_put_app_indexes: indexed.ms }
  const link = await runLink(ctx, acs_system_id)
  return {
    row: [row, link.row],
    json: {
      ...link.json,
      users,
      page_size: pageSize,
      app_ms: round(app.ms),
      raw_sdk_ms: round(sdk.ms),
      raw_idb_put_ms: round(raw.ms),
      ...(indexed && { raw_idb_put_app_indexes_ms: round(indexed.ms) }),
      ratio: Number(row.ratio.toFixed(3)),
      target: TARGET,
      pass: row.pass,
    },
  }
}
