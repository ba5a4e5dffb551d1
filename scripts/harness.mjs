// `npm run harness -- [options]`: builds if needed, then starts the browser harness.
import { buildIfStale, HARNESS_ENTRY, runForeground } from './lib.mjs'

buildIfStale()
runForeground(process.execPath, [HARNESS_ENTRY, ...process.argv.slice(2)])
