/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { KeyholderApi } from '../shared/contract'

declare global {
  interface Window {
    /** Provided by the preload script (Electron) or the harness shim (browser). */
    readonly keyholder: KeyholderApi
  }
}
