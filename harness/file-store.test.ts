import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { JsonFileStore } from './file-store'

test.skipIf(process.platform === 'win32')(
  'the harness store file is readable by its owner only',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyholder-store-'))
    try {
      const store = new JsonFileStore(dir)
      store.set('workspaces', [])
      expect((await stat(join(dir, 'harness-store.json'))).mode & 0o777).toBe(0o600)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  },
)
