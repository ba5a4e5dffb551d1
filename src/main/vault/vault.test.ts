/**
 * The vault with Electron's safeStorage replaced by a stand-in (the OS keychain cannot run
 * here): a real AES-GCM cipher behind the same async interface, with a switchable backend.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { createServices } from '../services'
import { startSandbox } from '../sandbox'
import { electronCipher, type SafeStorageLike } from './electron-cipher'
import { createVault } from './index'
import { MemoryStore } from './memory'

function keychainStandIn(
  backend = 'gnome_libsecret',
  available = true,
): SafeStorageLike & { calls: number } {
  const key = randomBytes(32)
  return {
    calls: 0,
    isAsyncEncryptionAvailable: () => Promise.resolve(available),
    getSelectedStorageBackend: () => backend,
    encryptStringAsync(plain) {
      this.calls += 1
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Promise.resolve(Buffer.concat([iv, cipher.getAuthTag(), body]))
    },
    decryptStringAsync(data) {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12))
      decipher.setAuthTag(data.subarray(12, 28))
      const result = Buffer.concat([decipher.update(data.subarray(28)), decipher.final()]).toString(
        'utf8',
      )
      return Promise.resolve({ result, shouldReEncrypt: false })
    },
  }
}

const KEY = 'seam_live_0123456789abcdef_secret'

describe('the credential vault', () => {
  test('encrypts the key with safeStorage before it reaches the store', async () => {
    const safeStorage = keychainStandIn()
    const store = new MemoryStore()
    const vault = createVault({ cipher: electronCipher(safeStorage, 'linux'), store })
    const added = await vault.add({ name: 'Head office', api_key: KEY })
    expect(added).toMatchObject({ name: 'Head office', persisted: true, is_sandbox: false })
    expect(safeStorage.calls).toBe(1)
    expect(JSON.stringify(store.get('workspaces'))).not.toContain(KEY)
    expect(await vault.getCredentials(added.workspace_id)).toEqual({
      endpoint: 'https://connect.getseam.com',
      apiKey: KEY,
    })
  })

  test('basic_text is not protection: the key stays in memory unless the person accepts', async () => {
    const store = new MemoryStore()
    const vault = createVault({
      cipher: electronCipher(keychainStandIn('basic_text'), 'linux'),
      store,
    })
    expect(await vault.storageStatus()).toMatchObject({ protected: false, backend: 'basic_text' })
    const sessionOnly = await vault.add({ name: 'Temp', api_key: KEY })
    expect(sessionOnly.persisted).toBe(false)
    expect(store.get('workspaces')).toBeUndefined()
    expect((await vault.getCredentials(sessionOnly.workspace_id)).apiKey).toBe(KEY)

    const accepted = await vault.add({
      name: 'Saved',
      api_key: KEY,
      allow_unprotected_storage: true,
    })
    expect(accepted.persisted).toBe(true)
    expect(JSON.stringify(store.get('workspaces'))).not.toContain(KEY)
  })

  test('no keychain at all is reported as such', async () => {
    const vault = createVault({
      cipher: electronCipher(keychainStandIn('unknown', false), 'linux'),
      store: new MemoryStore(),
    })
    expect(await vault.storageStatus()).toMatchObject({ protected: false })
  })

  test('the sandbox is always there; the active workspace survives a restart', async () => {
    const store = new MemoryStore()
    const cipher = electronCipher(keychainStandIn(), 'darwin')
    const vault = createVault({ cipher, store })
    expect(vault.getActive().is_sandbox).toBe(true)
    const added = await vault.add({ name: 'HQ', api_key: KEY, endpoint: 'https://example.test/' })
    vault.setActive(added.workspace_id)
    const again = createVault({ cipher, store })
    expect(again.getActive()).toMatchObject({
      workspace_id: added.workspace_id,
      endpoint: 'https://example.test',
    })
    again.remove(added.workspace_id)
    expect(again.getActive().is_sandbox).toBe(true)
  })

  test('a key the keychain can no longer open asks to be entered again', async () => {
    const store = new MemoryStore()
    const added = await createVault({ cipher: electronCipher(keychainStandIn()), store }).add({
      name: 'HQ',
      api_key: KEY,
    })
    // A different keychain (e.g. a restored profile on another machine) cannot decrypt it.
    const other = createVault({ cipher: electronCipher(keychainStandIn()), store })
    await expect(other.getCredentials(added.workspace_id)).rejects.toMatchObject({
      error: { kind: 'local', message: expect.stringMatching(/Enter the key again/) as unknown },
    })
  })
})

test('no IPC answer ever carries the key', async () => {
  const sandbox = await startSandbox({ users: 5 })
  const vault = createVault({ cipher: electronCipher(keychainStandIn()), store: new MemoryStore() })
  const services = createServices({
    vault,
    runtime: 'harness',
    version: 'test',
    // Its own embedded sandbox, stopped when the workspace below becomes active.
    startSandbox: () => startSandbox({ users: 1 }),
  })
  try {
    const answers: unknown[] = []
    const ask = async (channel: string, payload: unknown) => {
      const result = await services.dispatch(channel, payload)
      answers.push(result)
      return result
    }
    await ask('workspaces.test', { endpoint: sandbox.endpoint, api_key: sandbox.apiKey })
    const added = (await ask('workspaces.add', {
      name: 'Local',
      endpoint: sandbox.endpoint,
      api_key: sandbox.apiKey,
    })) as {
      value: { workspace_id: string }
    }
    await ask('workspaces.activate', { workspace_id: added.value.workspace_id })
    await ask('workspaces.list', {})
    await ask('workspaces.rename', { workspace_id: added.value.workspace_id, name: 'Front desk' })
    await ask('app.info', {})
    await ask('systems.list', {})
    expect(answers.every((a) => (a as { ok: boolean }).ok)).toBe(true)
    expect(JSON.stringify(answers)).not.toContain(sandbox.apiKey)
  } finally {
    await services.dispose()
    await sandbox.stop()
  }
})

describe('keys and endpoints', () => {
  test('a new key follows the same consent rule as a new workspace', async () => {
    const store = new MemoryStore()
    const safeStorage = keychainStandIn('basic_text')
    const vault = createVault({ cipher: electronCipher(safeStorage, 'linux'), store })
    const saved = await vault.add({ name: 'HQ', api_key: KEY, allow_unprotected_storage: true })
    const calls = safeStorage.calls
    const NEW_KEY = 'seam_live_new_key_0000000000'

    const unconsented = await vault.setKey(saved.workspace_id, NEW_KEY)
    expect(safeStorage.calls).toBe(calls)
    expect(unconsented.persisted).toBe(false)
    expect(vault.list().find((w) => w.workspace_id === saved.workspace_id)?.persisted).toBe(false)
    expect((await vault.getCredentials(saved.workspace_id)).apiKey).toBe(NEW_KEY)
    // Written nowhere; after a restart the workspace is still there and asks for its key.
    const after = createVault({ cipher: electronCipher(safeStorage, 'linux'), store })
    expect(after.list().map((w) => w.name)).toContain('HQ')
    await expect(after.getCredentials(saved.workspace_id)).rejects.toMatchObject({
      error: { message: expect.stringMatching(/Enter the key again/) as unknown },
    })

    const consented = await vault.setKey(saved.workspace_id, NEW_KEY, true)
    expect(consented.persisted).toBe(true)
    expect(safeStorage.calls).toBe(calls + 1)
    const restarted = createVault({ cipher: electronCipher(safeStorage, 'linux'), store })
    expect((await restarted.getCredentials(saved.workspace_id)).apiKey).toBe(NEW_KEY)
  })

  test('the set_key channel passes the consent on', async () => {
    const store = new MemoryStore()
    const safeStorage = keychainStandIn('basic_text')
    const vault = createVault({ cipher: electronCipher(safeStorage, 'linux'), store })
    const saved = await vault.add({ name: 'HQ', api_key: KEY, allow_unprotected_storage: true })
    const services = createServices({
      vault,
      runtime: 'harness',
      version: 'test',
      startSandbox: () => startSandbox({ users: 1 }),
    })
    try {
      const answer = await services.dispatch('workspaces.set_key', {
        workspace_id: saved.workspace_id,
        api_key: 'seam_live_other',
      })
      expect(answer).toMatchObject({ ok: true, value: { persisted: false } })
    } finally {
      await services.dispose()
    }
  })

  test('an endpoint that would send the key in clear text is refused by the vault too', async () => {
    const vault = createVault({
      cipher: electronCipher(keychainStandIn()),
      store: new MemoryStore(),
    })
    await expect(
      vault.add({ name: 'HQ', api_key: KEY, endpoint: 'http://seam.example.test' }),
    ).rejects.toMatchObject({
      error: { kind: 'local', message: expect.stringMatching(/https/) as unknown },
    })
    await expect(
      vault.add({ name: 'HQ', api_key: KEY, endpoint: 'https://u:p@seam.example.test' }),
    ).rejects.toBeTruthy()
    expect(vault.list()).toHaveLength(1)
  })
})
