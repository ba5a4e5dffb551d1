import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import svelteConfig from './svelte.config.js'

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'out-harness/**',
      'dist/**',
      'node_modules/**',
      'test-results/**',
      'bench-results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, svelteConfig },
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // CommonJS on purpose (the electron stand-in must load the way `electron` does).
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The renderer is a web page: it reaches the system only through window.keyholder.
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'The renderer may not import electron.' },
            {
              group: ['**/main/**', '**/preload/**'],
              message: 'The renderer may not import main or preload code.',
            },
            { group: ['node:*'], message: 'The renderer runs in a browser.' },
          ],
        },
      ],
    },
  },
  {
    // The contract is shared by both sides and depends on neither.
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'src/shared may not import electron.' },
            {
              group: ['**/main/**', '**/renderer/**', '**/preload/**'],
              message: 'src/shared imports neither side.',
            },
          ],
        },
      ],
    },
  },
  {
    // Product code never depends on test code (fixtures live under tests/). A rule of its own
    // (the typescript-eslint twin), so it adds to the per-process import rules above.
    files: ['src/**'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/tests/**', '**/*.test', '**/*.test.ts', '**/test-*'],
              message: 'Product code may not import test code.',
            },
          ],
        },
      ],
    },
  },
)
