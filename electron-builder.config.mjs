// Installers for Linux (AppImage, .deb), Windows (NSIS) and macOS (dmg): `npm run dist`.
// The version comes from package.json. What goes inside is in scripts/package/rules.mjs, the
// fuses in scripts/package/fuses.mjs; tests/release checks all three without the Electron
// download (set ELECTRON_DIST to an unpacked Electron to build where it cannot be downloaded).
import { APP_FILES, APP_ID, PRODUCT_NAME } from './scripts/package/rules.mjs'

/** @type {import('electron-builder').Configuration} */
const config = {
  appId: APP_ID,
  productName: PRODUCT_NAME,
  copyright: 'Copyright © Keyholder contributors',
  directories: { output: 'dist', buildResources: 'build' },
  files: APP_FILES,
  asar: true,
  ...(process.env.ELECTRON_DIST && { electronDist: process.env.ELECTRON_DIST }),
  afterPack: './scripts/package/after-pack.mjs',
  // Updates: a generic feed given at build time (KEYHOLDER_UPDATE_URL) is written into the
  // app; without one the app never looks for updates (see src/main/updates.ts).
  publish: process.env.KEYHOLDER_UPDATE_URL
    ? [{ provider: 'generic', url: process.env.KEYHOLDER_UPDATE_URL }]
    : null,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icon.png',
    category: 'Office',
    executableName: 'keyholder',
    maintainer: 'Keyholder contributors <keyholder@example.com>',
    synopsis: 'Manage the users of access control systems through Seam',
    desktop: {
      entry: {
        Name: PRODUCT_NAME,
        Comment: 'Manage the users of access control systems, online and offline',
        Categories: 'Office;Security;',
        StartupWMClass: PRODUCT_NAME,
      },
    },
  },
  deb: { depends: ['libsecret-1-0'] },
  win: { target: ['nsis'], icon: 'resources/icon.png' },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
  },
  mac: {
    target: ['dmg'],
    icon: 'resources/icon.png',
    category: 'public.app-category.business',
    // Ready for signing and notarisation: give CSC_LINK / APPLE_ID in the environment.
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'build/entitlements.mac.plist',
    entitlementsInherit: 'build/entitlements.mac.plist',
  },
  dmg: { title: PRODUCT_NAME },
}

export default config
