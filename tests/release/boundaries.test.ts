/**
 * The lint rule that keeps test code out of the product: run with the project's own ESLint
 * configuration on a line of product code that imports a test fixture.
 */
import { ESLint } from 'eslint'
import { resolve } from 'node:path'
import { expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const importsFixture =
  "import { testUser } from '../../../tests/fixtures/test-user'\nvoid testUser\n"

async function problems(file: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(importsFixture, { filePath: resolve(root, file) })
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

test('product code may not import test code', async () => {
  for (const file of ['src/renderer/lib/format.ts', 'src/main/menu.ts', 'src/shared/domain.ts']) {
    expect(await problems(file), file).toContainEqual(
      expect.stringMatching(/no-restricted-imports: .*Product code may not import test code/),
    )
  }
}, 60_000)

test('tests may', async () => {
  expect(
    (await problems('src/renderer/lib/csv.test.ts')).filter((p) => p.includes('test code')),
  ).toEqual([])
}, 60_000)
