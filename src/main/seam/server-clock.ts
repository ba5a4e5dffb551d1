import type { SeamHttp } from '@seamapi/http'

/**
 * Seam's own time, as its answers state it (the HTTP `Date` header): the latest one seen. A
 * create whose answer was lost is looked for among people Seam created after this time read
 * before the first send, so this computer's clock, which may be minutes off, never decides it.
 */
export class ServerClock {
  #latest: number | null = null

  /**
   * Records the `Date` of every answer the client gets, refusals included (the SDK turns an
   * error answer into its own error before any interceptor of ours would see its headers,
   * while axios transforms every answer's body, with its headers, first).
   */
  watch(client: SeamHttp['client']): void {
    const given = client.defaults.transformResponse ?? []
    client.defaults.transformResponse = [
      ...(Array.isArray(given) ? given : [given]),
      (data: unknown, headers) => {
        this.observe(headers?.['date'])
        return data
      },
    ]
  }

  observe(date: unknown): void {
    if (typeof date !== 'string') return
    const time = Date.parse(date)
    if (Number.isFinite(time) && (this.#latest === null || time > this.#latest)) {
      this.#latest = time
    }
  }

  /** The latest time Seam stated, or null before its first answer. */
  now(): string | null {
    return this.#latest === null ? null : new Date(this.#latest).toISOString()
  }
}
