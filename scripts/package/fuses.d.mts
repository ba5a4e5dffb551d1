import type { FuseV1Config } from '@electron/fuses'
export declare const FUSES: FuseV1Config
