// Full sync of the load-test system into an empty cache: the app's pullUsers in Chromium,
// against the raw SDK listing (Node) and a raw IndexedDB write of the same users (Chromium).
// The measuring functions are shared with the growth section, which calls them at each size.
import { SeamHttp } from '@seamapi/http'
import { runLink } from './link.mjs'
import { judge, openBenchPage, profiled, round, timed } from './lib.mjs'

const TARGET = 1.3
const RAW_DB = 'keyholder-bench-raw'

/**
 * The raw SDK listing of the load-test system (the network floor), from this Node process.
 * Returns the system's id, how many people it has and how long listing them took.
 */
export async function measureSdkListing(ctx) {
  const { pageSize } = ctx.options
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
  return { acs_system_id, users, ms: sdk.ms }
}

/**
 * The app's full sync of the system into the very database the app opens for this workspace
 * (so the ui measurement finds these users). With `profile`, a CPU profile of the bench page
 * is written meanwhile (sampling every `profileIntervalUs`).
 */
export async function measureAppSync(ctx, { acs_system_id, users }, profile = null) {
  const { pageSize } = ctx.options
  const page = await openBenchPage(ctx.context, ctx.harness)
  const db = await page.evaluate(() => window.keyholderBench.appDatabase())
  const app = await profiled(ctx, page, profile, () =>
    page.evaluate((options) => window.keyholderBench.sync(options), {
      db,
      acs_system_id,
      pageSize,
    }),
  )
  await page.close()
  if (app.users !== users || app.cached !== users) {
    throw new Error(`sync cached ${app.cached} of ${users} users (listed ${app.users})`)
  }
  ctx.log(`sync: app synced ${app.users} users (${app.pages} pages) in ${round(app.ms)} ms`)
  return app
}

/**
 * The write floor: the same users put raw into a fresh store of another origin (so not beside
 * the app's cache). With `appIndexes`, not a floor but a diagnostic: the users as cached, into
 * a store with the app's indexes.
 */
export async function measureRawPut(ctx, { acs_system_id, users }, { appIndexes = false } = {}) {
  const { pageSize, perTransaction } = ctx.options
  const rawPage = await openBenchPage(ctx.context, ctx.harness, { host: 'localhost' })
  const raw = await rawPage.evaluate((options) => window.keyholderBench.rawIdbPut(options), {
    acs_system_id,
    pageSize,
    db: RAW_DB,
    perTransaction,
    appIndexes,
  })
  await rawPage.close()
  if (raw.records !== users) throw new Error(`raw put wrote ${raw.records} of ${users}`)
  ctx.log(
    `sync: raw IndexedDB put of ${raw.records} users${appIndexes ? " with the app's indexes" : ''} in ${round(raw.ms)} ms`,
  )
  return raw.ms
}

export async function run(ctx) {
  const sdk = await measureSdkListing(ctx)
  const app = await measureAppSync(ctx, sdk, ctx.profile?.('sync'))
  const rawMs = await measureRawPut(ctx, sdk)
  const indexedMs = ctx.options.diagnostics
    ? await measureRawPut(ctx, sdk, { appIndexes: true })
    : null

  const row = judge('sync', app.ms, { raw_sdk: sdk.ms, raw_idb_put: rawMs }, TARGET)
  if (indexedMs !== null) row.info = { raw_idb_put_app_indexes: indexedMs }
  const link = await runLink(ctx, sdk.acs_system_id)
  return {
    row: [row, link.row],
    json: {
      ...link.json,
      users: sdk.users,
      page_size: ctx.options.pageSize,
      app_ms: round(app.ms),
      raw_sdk_ms: round(sdk.ms),
      raw_idb_put_ms: round(rawMs),
      ...(indexedMs !== null && { raw_idb_put_app_indexes_ms: round(indexedMs) }),
      ratio: Number(row.ratio.toFixed(3)),
      target: TARGET,
      pass: row.pass,
    },
  }
}
