import { defineConfig } from 'vitest/config'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { playwright } from '@vitest/browser-playwright'
import { chromiumArgs, chromiumPath } from './scripts/chromium.mjs'

/**
 * Svelte component tests, and tests of what only a real browser shows (`*.browser.test.ts`):
 * in Debian's Chromium, never a downloaded browser.
 */
const componentTests = [
  'src/renderer/components/**/*.test.ts',
  'src/renderer/screens/**/*.test.ts',
  'src/renderer/**/*.browser.test.ts',
]

export default defineConfig({
  test: {
    // Failure screenshots of browser tests go where git already ignores them.
    attachmentsDir: 'test-results/vitest-attachments',
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
            'tests/release/**/*.test.ts',
          ],
          exclude: componentTests,
          environment: 'node',
          setupFiles: ['tests/support/indexeddb.ts'],
          testTimeout: 30_000,
        },
      },
      {
        plugins: [svelte()],
        test: {
          name: 'component',
          include: componentTests,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              // Headless is vitest's own setting; the rest as everywhere else.
              launchOptions: {
                executablePath: chromiumPath,
                args: chromiumArgs.filter((arg) => arg !== '--headless'),
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
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
