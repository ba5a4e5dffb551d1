/**
 * The page's Content Security Policy, the same in Electron and in the harness: only our own
 * scripts and styles, no inline script, no remote origin. The Seam API is reached from the
 * main process only, so the page needs no network beyond its own origin (the harness IPC).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')
