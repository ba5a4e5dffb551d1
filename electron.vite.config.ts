import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

/**
 * Two builds from one source. `electron-vite build` (into `out/`) is the app alone, and only it
 * is packaged. `--mode harness` (into `out-harness/`: `npm run build:harness`) adds the
 * browser harness, its IPC shim page and the benchmark page, for `npm run harness`, `npm run
 * bench` and the end-to-end tests: none of them can ever be served by an installed app.
 */
export const HARNESS_MODE = 'harness'

export default defineConfig(({ mode }) => {
  const harness = mode === HARNESS_MODE
  const mainInput: Record<string, string> = harness
    ? // The harness is built from the same services as the Electron entry.
      { harness: resolve(__dirname, 'harness/index.ts') }
    : { index: resolve(__dirname, 'src/main/index.ts') }
  // Absolute, because the renderer's paths are relative to its own root.
  const outDir = (part: string) =>
    harness ? { outDir: resolve(__dirname, 'out-harness', part) } : {}
  return {
    main: {
      build: {
        ...outDir('main'),
        rollupOptions: {
          input: mainInput,
        },
      },
    },
    preload: {
      build: {
        ...outDir('preload'),
        // A sandboxed preload can only require('electron'): bundle everything else in.
        externalizeDeps: false,
        // A CommonJS preload lets the window keep `sandbox: true`.
        rollupOptions: {
          input: { index: resolve(__dirname, 'src/preload/index.ts') },
          output: { format: 'cjs', entryFileNames: '[name].cjs' },
        },
      },
    },
    renderer: {
      root: resolve(__dirname, 'src/renderer'),
      build: {
        ...outDir('renderer'),
        // Less to parse at every start: the first screenful waits for this bundle.
        minify: true,
        rollupOptions: {
          input: {
            index: resolve(__dirname, 'src/renderer/index.html'),
            ...(harness && {
              // Served only by the browser harness; loads the IPC shim before the app.
              harness: resolve(__dirname, 'src/renderer/harness.html'),
              // The benchmark page (npm run bench): the offline core without the UI.
              bench: resolve(__dirname, 'src/renderer/bench.html'),
            }),
          },
        },
      },
      plugins: [svelte()],
    },
  }
})
