// electron-builder afterPack hook: flips the fuses (fuses.mjs) in the packaged Electron binary,
// before it is signed.
import { flipFuses } from '@electron/fuses'
import { Arch } from 'electron-builder'
import { join } from 'node:path'
import { FUSES } from './fuses.mjs'

/** Where the Electron binary is inside a packed app, per platform. */
export function electronBinaryPath({ electronPlatformName, appOutDir, packager }) {
  const name = packager.appInfo.productFilename
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${name}.app`, 'Contents', 'MacOS', name)
    case 'win32':
      return join(appOutDir, `${name}.exe`)
    default:
      return join(appOutDir, packager.executableName)
  }
}

export default async function afterPack(context) {
  const binary = electronBinaryPath(context)
  await flipFuses(binary, {
    ...FUSES,
    // Changing an arm64 macOS binary breaks its ad-hoc signature; re-sign it (the real signing
    // comes after this hook when a certificate is configured).
    resetAdHocDarwinSignature:
      context.electronPlatformName === 'darwin' && context.arch === Arch.arm64,
  })
}
