/**
 * In-memory stand-ins used by the browser harness and by tests, where there is no OS keychain.
 * The memory cipher reports itself as unprotected, so the vault keeps keys for the session
 * only unless told otherwise; what it "encrypts" never leaves the process.
 */
import type { StorageStatus } from '../../shared/contract'
import type { Cipher, VaultStore } from './index'

export function memoryCipher(): Cipher {
  const status: StorageStatus = {
    protected: false,
    backend: 'memory',
    message:
      'This is the browser harness: API keys are kept in memory and forgotten when it stops.',
  }
  // Opaque handles, so nothing resembling the key is ever written anywhere.
  const secrets = new Map<string, string>()
  return {
    status: () => Promise.resolve(status),
    encrypt: (plain) => {
      const handle = `mem:${secrets.size}:${Math.random().toString(36).slice(2)}`
      secrets.set(handle, plain)
      return Promise.resolve(handle)
    },
    decrypt: (encrypted) => {
      const plain = secrets.get(encrypted)
      return plain === undefined
        ? Promise.reject(new Error('unknown handle'))
        : Promise.resolve(plain)
    },
  }
}

export class MemoryStore implements VaultStore {
  readonly #data = new Map<string, unknown>()
  get(key: string): unknown {
    return structuredClone(this.#data.get(key))
  }
  set(key: string, value: unknown): void {
    this.#data.set(key, structuredClone(value))
  }
  delete(key: string): void {
    this.#data.delete(key)
  }
}
