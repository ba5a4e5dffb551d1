import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The harness is built beside the Electron entry so both run the very same services.
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          harness: resolve(__dirname, 'harness/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
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
      // Less to parse at every start: the first screenful waits for this bundle.
      minify: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/renderer/index.html'),
          // Served only by the browser harness; loads the IPC shim before the app.
          harness: resolve(__dirname, 'src/renderer/harness.html'),
          // The benchmark page (npm run bench): the offline core without the UI, also harness-only.
          bench: resolve(__dirname, 'src/renderer/bench.html'),
        },
      },
    },
    plugins: [svelte()],
  },
})
