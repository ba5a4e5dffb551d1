import type { SeamHttp } from '@seamapi/http'

/**
 * Seam's own time, as its answers state it (the HTTP `Date` header). A create whose answer was
 * lost is looked for among people Seam created after this time read before the first send, so
 * this computer's clock, which may be minutes off, never decides it.
 *
 * It is the Date of the last successful answer to arrive, not the highest ever seen: one answer
 * with a clock far ahead (a proxy, a captive portal) would otherwise hold the time ahead for
 * the rest of the session, and a create's own person could then count as made before it was
 * sent. An answer that arrives late with an older time only widens the window, the safe way.
 * Error answers are left out: a gateway's error page states the gateway's clock.
 */
export class ServerClock {
  #latest: number | null = null

  /**
   * Records the `Date` of the client's answers (through axios's body transform, which sees
   * every answer's headers and status before the SDK's own handling).
   */
  watch(client: SeamHttp['client']): void {
    const given = client.defaults.transformResponse ?? []
    client.defaults.transformResponse = [
      ...(Array.isArray(given) ? given : [given]),
      (data: unknown, headers, status) => {
        if (status !== undefined && status >= 200 && status < 300) this.observe(headers?.['date'])
        return data
      },
    ]
  }

  observe(date: unknown): void {
    if (typeof date !== 'string') return
    const time = Date.parse(date)
    if (Number.isFinite(time)) this.#latest = time
  }

  /** The time Seam's last answer stated, or null before its first. */
  now(): string | null {
    return this.#latest === null ? null : new Date(this.#latest).toISOString()
  }
}
