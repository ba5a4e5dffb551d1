// Sync over a poor link, and what an idle workspace costs on the wire. A TCP proxy on
// 127.0.0.1 between the app (a second harness) and the sandbox counts every byte both ways
// (headers, gzip bodies: what a metered link bills) and, when told, cuts every connection a
// fixed time after it opened, as a mobile link that drops does.
import { createConnection, createServer } from 'node:net'
import { SeamHttp } from '@seamapi/http'
import { openBenchPage, round, startHarness } from './lib.mjs'

const CUT_AFTER_MS = 10_000
const TARGET = 1.5
const IDLE_TICKS = 5
/** The connectivity probe's interval while online (src/main/connectivity.ts). */
const PROBE_INTERVAL_MS = 30_000

export async function startLinkProxy(target) {
  const upstream = new URL(target)
  const sockets = new Set()
  const proxy = { bytes: 0, cuts: 0, cutAfterMs: null }
  const server = createServer((client) => {
    const server = createConnection({ host: upstream.hostname, port: Number(upstream.port) })
    const pair = [client, server]
    for (const s of pair) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => undefined)
    }
    client.on('data', (chunk) => (proxy.bytes += chunk.length))
    server.on('data', (chunk) => (proxy.bytes += chunk.length))
    client.pipe(server)
    server.pipe(client)
    client.on('close', () => server.destroy())
    server.on('close', () => client.destroy())
    if (proxy.cutAfterMs !== null) {
      const timer = setTimeout(() => {
        if (client.destroyed) return
        proxy.cuts += 1
        client.destroy()
        server.destroy()
      }, proxy.cutAfterMs)
      client.on('close', () => clearTimeout(timer))
    }
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  })
}

async function counted(proxy, fn) {
  const before = proxy.bytes
  const value = await fn()
  return { bytes: proxy.bytes - before, value }
}

/**
 * Returns the JSON keys for the sync section: `interrupted_ms` (the app's sync with every
 * connection cut after 10 s) beside the same sync uncut through the same proxy, and
 * `idle_bytes_per_hour` of a workspace of this size, online, with nothing changing.
 */
export async function runLink(ctx, acs_system_id) {
  const { pageSize } = ctx.options
  const proxy = await startLinkProxy(ctx.harness.endpoint)
  const harness = await startHarness({ endpoint: proxy.url, apiKey: ctx.harness.apiKey })
  try {
    // What one listing costs raw (as before responses were compressed) and gzipped, from Node.
    const seamVia = (headers) =>
      new SeamHttp({ endpoint: proxy.url, apiKey: ctx.harness.apiKey, axiosOptions: { headers } })
    const listAll = (seam) =>
      seam.createPaginator(seam.acs.users.list({ acs_system_id, limit: pageSize })).flattenToArray()
    const raw = await counted(proxy, () => listAll(seamVia({ 'Accept-Encoding': 'identity' })))
    const gzip = await counted(proxy, () => listAll(seamVia({})))
    const probe = await counted(proxy, () => seamVia({}).acs.systems.list())
    ctx.log(
      `link: one listing of ${raw.value.length} is ${mb(raw.bytes)} raw, ${mb(gzip.bytes)} gzipped`,
    )

    const page = await openBenchPage(ctx.context, harness)
    const db = 'keyholder-bench-link'
    const options = { db, acs_system_id, pageSize }
    const uncut = await counted(proxy, () =>
      page.evaluate((o) => window.keyholderBench.sync(o), options),
    )
    ctx.log(`link: app sync through the proxy ${round(uncut.value.ms)} ms, ${mb(uncut.bytes)}`)

    proxy.cutAfterMs = CUT_AFTER_MS
    const cutsBefore = proxy.cuts
    const cut = await page.evaluate((o) => window.keyholderBench.syncResuming(o), {
      ...options,
      db: `${db}-cut`,
    })
    proxy.cutAfterMs = null
    const cuts = proxy.cuts - cutsBefore
    if (cut.cached !== uncut.value.cached) {
      throw new Error(`the cut sync cached ${cut.cached} of ${uncut.value.cached}`)
    }
    ctx.log(
      `link: app sync with connections cut after ${CUT_AFTER_MS / 1000} s: ${round(cut.ms)} ms ` +
        `(${cuts} cuts, ${cut.runs} run(s))`,
    )

    // Idle: the once-a-minute refresh, measured over a few ticks once the start-up is done.
    let marked = 0
    await page.exposeFunction('keyholderBenchMark', () => {
      marked = proxy.bytes
    })
    const idle = await page.evaluate((o) => window.keyholderBench.idleRefresh(o), {
      db,
      ticks: IDLE_TICKS,
    })
    const tickBytes = (proxy.bytes - marked) / IDLE_TICKS
    if (idle.listed > 0) throw new Error('an idle refresh listed the system again')
    const hour = 3_600_000
    const perHour = {
      refresh: (hour / idle.refresh_interval_ms) * tickBytes,
      probe: (hour / PROBE_INTERVAL_MS) * probe.bytes,
      listing: (hour / idle.listing_max_age_ms) * uncut.bytes,
    }
    const idleBytesPerHour = perHour.refresh + perHour.probe + perHour.listing
    // Before: every 15 minutes a listing of raw JSON, and the same refreshes and probes.
    const beforePerHour = 4 * raw.bytes + perHour.refresh + perHour.probe
    ctx.log(
      `link: idle ${mb(idleBytesPerHour)}/h (refresh ${mb(perHour.refresh)}, probe ` +
        `${mb(perHour.probe)}, listing every ${round(idle.listing_max_age_ms / 60_000)} min ` +
        `${mb(perHour.listing)}); before ${mb(beforePerHour)}/h`,
    )
    await page.close()

    const ratio = cut.ms / uncut.value.ms
    return {
      row: {
        metric: 'sync cut every 10 s',
        app_ms: cut.ms,
        floors: { uncut_via_proxy: uncut.value.ms },
        ratio,
        target: TARGET,
        pass: ratio <= TARGET,
        notes: [
          `idle ${mb(idleBytesPerHour)}/h against one listing ${mb(uncut.bytes)}: ` +
            (idleBytesPerHour <= uncut.bytes ? 'pass' : 'FAIL'),
        ],
      },
      json: {
        interrupted_ms: round(cut.ms),
        interrupted_cuts: cuts,
        interrupted_runs: cut.runs,
        uninterrupted_via_proxy_ms: round(uncut.value.ms),
        interrupted_ratio: Number(ratio.toFixed(3)),
        interrupted_target: TARGET,
        idle_bytes_per_hour: Math.round(idleBytesPerHour),
        idle_bytes_per_hour_parts: {
          refresh: Math.round(perHour.refresh),
          probe: Math.round(perHour.probe),
          listing: Math.round(perHour.listing),
        },
        idle_bytes_per_hour_before: Math.round(beforePerHour),
        listing_bytes: uncut.bytes,
        listing_bytes_raw: raw.bytes,
        listing_max_age_ms: idle.listing_max_age_ms,
        idle_pass: idleBytesPerHour <= uncut.bytes,
      },
    }
  } finally {
    await harness.stop()
    await proxy.close()
  }
}

function mb(bytes) {
  return `${(bytes / 1e6).toFixed(2)} MB`
}
