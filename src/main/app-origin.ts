/**
 * Where the renderer lives: `app://keyholder/`, never `file://`. IndexedDB is per origin, so
 * this must stay the same in every release or every user's cache would vanish.
 */
export const APP_SCHEME = 'app'
export const APP_HOST = 'keyholder'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

/**
 * Whether `url` is one of the app's own pages. Compared by scheme and host, not by
 * `URL.origin`: Node's URL does not know that `app:` is registered as a standard scheme, so it
 * gives every `app://` URL the opaque origin "null".
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
  } catch {
    return false
  }
}
