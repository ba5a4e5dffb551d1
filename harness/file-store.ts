import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { VaultStore } from '../src/main/vault'

/**
 * The harness's stand-in for electron-store when `--data-dir` is given: one JSON file,
 * replaced atomically on every write. It only ever holds what the vault chooses to store.
 */
export class JsonFileStore implements VaultStore {
  readonly #file: string
  #data: Record<string, unknown>

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true })
    this.#file = join(dir, 'harness-store.json')
    try {
      this.#data = JSON.parse(readFileSync(this.#file, 'utf8')) as Record<string, unknown>
    } catch {
      this.#data = {}
    }
  }

  get(key: string): unknown {
    return this.#data[key]
  }

  set(key: string, value: unknown): void {
    this.#data[key] = value
    this.#flush()
  }

  delete(key: string): void {
    delete this.#data[key]
    this.#flush()
  }

  #flush(): void {
    // Owner only, as electron-store's vault file in the app: it names endpoints and workspaces.
    writeFileSync(`${this.#file}.tmp`, JSON.stringify(this.#data, null, 2), { mode: 0o600 })
    renameSync(`${this.#file}.tmp`, this.#file)
  }
}
