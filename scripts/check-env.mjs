// First step of `npm test`: fail early, with a clear message, when a tool is missing.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const [major, minor] = process.versions.node.split('.').map(Number)
const problems = []
if (major < 22 || (major === 22 && minor < 12)) {
  problems.push(
    `Node ${process.versions.node} is running; Keyholder needs Node >= 22.12. ` +
      'Run the scripts through npm (npm test), which uses the Node 22 that npm ci installs.',
  )
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium) && !process.env.CHROMIUM_PATH && process.getuid?.() === 0) {
  // End-to-end tests drive Debian's Chromium; as root on Debian we can install it ourselves.
  console.error('Chromium is missing; installing it with apt-get…')
  spawnSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
}
if (!existsSync(chromium)) {
  problems.push(
    `Chromium was not found at ${chromium}. Install it with ` +
      '`sudo apt-get install -y chromium` or set CHROMIUM_PATH.',
  )
}
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
