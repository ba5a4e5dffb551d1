import type { KeyholderApi } from '../../../shared/contract'

/** What sync and replay need from the main process: the invoke half of `window.keyholder`. */
export type Api = Pick<KeyholderApi, 'invoke'>
