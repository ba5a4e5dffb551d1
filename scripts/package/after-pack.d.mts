import type { AfterPackContext } from 'electron-builder'
export declare function electronBinaryPath(context: AfterPackContext): string
export default function afterPack(context: AfterPackContext): Promise<void>
