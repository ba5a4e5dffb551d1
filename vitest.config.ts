import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [svelte()],
        test: {
          name: 'unit',
          include: [
            'src/**/*.test.ts',
            'harness/**/*.test.ts',
            'tests/fault/**/*.test.ts',
            'tests/offline/**/*.test.ts',
          ],
          environment: 'node',
          setupFiles: ['tests/support/indexeddb.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
