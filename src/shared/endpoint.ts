/**
 * Which Seam endpoints a workspace may use. A live API key must never travel in clear text, so
 * only `https:` is accepted, except on this computer's own loopback address (the browser
 * harness, tests and a local sandbox). User names, passwords, queries and fragments are refused:
 * they would be sent (or logged) with every request and have no meaning to Seam.
 */
export function endpointProblem(value: string): string | undefined {
  let url: URL
  try {
    url = new URL(value.trim())
  } catch {
    return 'Enter a web address starting with https://.'
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return 'Enter a web address starting with https:// (a key must not travel unencrypted).'
  }
  if (url.username || url.password) return 'Leave the user name and password out of the address.'
  if (url.search || url.hash || value.includes('?') || value.includes('#')) {
    return 'Leave out anything after “?” or “#” in the address.'
  }
  return undefined
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses that never leave this computer. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}
