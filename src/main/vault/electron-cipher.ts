/**
 * safeStorage (the OS keychain) as the vault's cipher. Uses the asynchronous API, which
 * Electron 45 offers and Electron 46 makes the only one. Takes the module as a parameter so
 * this file never imports electron itself and can be tested with a stand-in.
 */
import type { StorageStatus } from '../../shared/contract'
import type { Cipher } from './index'

/** The part of Electron's `safeStorage` we use. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>
  encryptStringAsync(plainText: string): Promise<Buffer>
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>
  /** Linux only; other platforms always use the OS keychain. */
  getSelectedStorageBackend?(): string
}

export function electronCipher(safeStorage: SafeStorageLike, platform = process.platform): Cipher {
  return {
    async status(): Promise<StorageStatus> {
      const available = await safeStorage.isAsyncEncryptionAvailable()
      const backend =
        platform === 'linux'
          ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown')
          : 'os_keychain'
      if (!available) {
        return {
          protected: false,
          backend,
          message:
            'This computer offers no keychain to protect saved API keys. Keys are kept until Keyholder closes unless you choose to save them unprotected.',
        }
      }
      // basic_text means Chromium's hard-coded password: anyone who can read the file can read the key.
      if (backend === 'basic_text' || backend === 'unknown') {
        return {
          protected: false,
          backend,
          message:
            'No password manager (such as GNOME Keyring or KWallet) is running, so a saved key would be readable by anyone who can read your files.',
        }
      }
      return { protected: true, backend, message: 'API keys are encrypted by the system keychain.' }
    },
    async encrypt(plain) {
      return (await safeStorage.encryptStringAsync(plain)).toString('base64')
    },
    async decrypt(encrypted) {
      const { result } = await safeStorage.decryptStringAsync(Buffer.from(encrypted, 'base64'))
      return result
    },
  }
}
