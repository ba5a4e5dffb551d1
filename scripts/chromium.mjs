// How every part of the project starts Debian's Chromium (end-to-end and component tests,
// benchmarks, screenshots): the system binary, never a downloaded one, and no background
// networking, since this machine's network is closed to everything but loopback.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
