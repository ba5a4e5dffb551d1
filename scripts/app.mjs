// `npm start`: runs Keyholder. Uses Electron when its binary is installed; on machines where
// it cannot be downloaded, falls back to the browser harness (same services, same UI).
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { buildIfStale, runForeground } from './lib.mjs'

buildIfStale()
let electron
try {
  electron = createRequire(import.meta.url)('electron')
} catch {
  electron = undefined
}
if (typeof electron === 'string' && existsSync(electron)) {
  runForeground(electron, ['.', ...process.argv.slice(2)])
} else {
  console.error(
    'The Electron binary is not installed here; starting the browser harness instead.\n' +
      'Open the URL below in Chromium or Chrome.',
  )
  runForeground(process.execPath, ['out/main/harness.js', ...process.argv.slice(2)])
}
