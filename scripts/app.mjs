// `npm start`: runs Keyholder. Uses Electron when its binary is installed; on machines where
// it cannot be downloaded, falls back to the browser harness (same services, same UI).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildIfStale, HARNESS_ENTRY, root, runForeground } from './lib.mjs'

/**
 * The installed Electron binary, if any. Read from the package's own files rather than through
 * `require('electron')`, which tries (and here fails) to download the binary when it is missing.
 */
function electronBinary() {
  const dir = join(root, 'node_modules/electron')
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile)) return undefined
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : undefined
}

const electron = electronBinary()
buildIfStale(electron ? 'app' : 'harness')
if (electron) {
  runForeground(electron, ['.', ...process.argv.slice(2)])
} else {
  console.error(
    'The Electron binary is not installed here; starting the browser harness instead.\n' +
      'Open the URL below in Chromium or Chrome.',
  )
  runForeground(process.execPath, [HARNESS_ENTRY, ...process.argv.slice(2)])
}
