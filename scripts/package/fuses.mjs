// Electron fuses, flipped in the packaged binary by after-pack.mjs (see electron-builder
// config). Each one closes a way for another program of the same user to run its own code as
// Keyholder, and so to ask the OS keychain for every stored API key without a prompt.
import { FuseV1Options, FuseVersion } from '@electron/fuses'

/** The one fuse table; tests/release/fuses.test.ts holds it to the checklist. */
export const FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn the installed binary into a plain Node.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS could preload any script into Keyholder.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends would open a debugger into the process holding the keys.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar must be the one that was signed; nothing loaded from beside it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Cookies are encrypted at rest with the OS keychain.
  [FuseV1Options.EnableCookieEncryption]: true,
  // The page is served from app://, never file://: file gets no special powers.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
}
