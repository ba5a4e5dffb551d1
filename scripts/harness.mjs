// `npm run harness -- [options]`: builds if needed, then starts the browser harness.
import { buildIfStale, runForeground } from './lib.mjs'

buildIfStale()
runForeground(process.execPath, ['out/main/harness.js', ...process.argv.slice(2)])
