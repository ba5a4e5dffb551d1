/**
 * The installer configuration (electron-builder.config.mjs), read and validated by
 * electron-builder's own loader and schema, and the fuse table with the afterPack hook that
 * flips it, run on a stand-in binary: a file carrying Electron's fuse wire (the real binary
 * cannot be downloaded here), read back with @electron/fuses.
 */
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util'
import type { AfterPackContext, Configuration } from 'electron-builder'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, test } from 'vitest'
import afterPack, { electronBinaryPath } from '../../scripts/package/after-pack.mjs'
import { FUSES } from '../../scripts/package/fuses.mjs'
import { APP_FILES } from '../../scripts/package/rules.mjs'
import raw from '../../electron-builder.config.mjs'

const root = resolve(import.meta.dirname, '../..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string
  scripts: Record<string, string>
  devDependencies: Record<string, string>
}

async function loadConfig(): Promise<Configuration> {
  const config = await getConfig(root, 'electron-builder.config.mjs', null)
  await validateConfiguration(config, new DebugLogger(false))
  return config
}

describe('installers', () => {
  test('the configuration passes electron-builder’s own validation', async () => {
    await expect(loadConfig()).resolves.toBeTruthy()
  })

  test('names the app, takes the version from package.json, packs an asar of the build', async () => {
    const config = await loadConfig()
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/)
    expect(config.productName).toBe('Keyholder')
    expect((config.extraMetadata as { version?: string } | undefined)?.version).toBeUndefined()
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+/)
    expect(config.asar).toBe(true)
    // The very rules the asar test assembles from (electron-builder wraps them in a filter).
    expect(raw.files).toBe(APP_FILES)
    expect(config.files).toEqual([{ filter: [...APP_FILES] }])
    expect(APP_FILES.filter((p) => !p.startsWith('!')).sort()).toEqual(
      [
        'out/main/**/*',
        'out/preload/**/*',
        'out/renderer/**/*',
        'package.json',
        'resources/icon.png',
      ].sort(),
    )
    expect(pkg.scripts.dist).toMatch(/electron-vite build && electron-builder/)
  })

  test('Linux AppImage and .deb with a desktop entry and icon; Windows NSIS; macOS dmg', async () => {
    const config = await loadConfig()
    const targets = (value: unknown) => [value].flat().map((t) => (typeof t === 'string' ? t : ''))
    expect(targets(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(config.linux?.desktop).toMatchObject({ entry: { Name: 'Keyholder' } })
    expect(targets(config.win?.target)).toEqual(['nsis'])
    expect(targets(config.mac?.target)).toEqual(['dmg'])
    for (const icon of [config.linux?.icon, config.win?.icon, config.mac?.icon]) {
      expect(icon && existsSync(join(root, icon)), String(icon)).toBe(true)
    }
  })

  test('macOS: hardened runtime with entitlements, ready for signing', async () => {
    const config = await loadConfig()
    expect(config.mac?.hardenedRuntime).toBe(true)
    const entitlements = await readFile(join(root, config.mac!.entitlements!), 'utf8')
    expect(entitlements).toContain('com.apple.security.cs.allow-jit')
    // Nothing that would let another program inject code into the signed app.
    expect(entitlements).not.toMatch(/disable-library-validation|allow-dyld-environment/)
  })

  test('the afterPack hook is the one that flips the fuses', async () => {
    const config = await loadConfig()
    const hook = (await import(pathToFileURL(join(root, config.afterPack as string)).href)) as {
      default: unknown
    }
    expect(hook.default).toBe(afterPack)
  })
})

test('Electron is pinned exactly, at 45.6.1 (the newest 45.x when this was written) or later', () => {
  const version = pkg.devDependencies.electron!
  expect(version).toMatch(/^45\.\d+\.\d+$/)
  const [, minor, patch] = version.split('.').map(Number) as [number, number, number]
  expect(minor * 1000 + patch).toBeGreaterThanOrEqual(6 * 1000 + 1)
})

describe('fuses', () => {
  test('the table closes every way to run other code as Keyholder', () => {
    expect(FUSES).toEqual({
      version: '1',
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    })
  })

  test('afterPack flips them in the packed binary', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keyholder-fuses-'))
    try {
      const context = {
        electronPlatformName: 'linux',
        appOutDir: dir,
        arch: 1,
        packager: { appInfo: { productFilename: 'Keyholder' }, executableName: 'keyholder' },
      } as unknown as AfterPackContext
      const binary = electronBinaryPath(context)
      expect(binary).toBe(join(dir, 'keyholder'))
      // Electron's defaults: RunAsNode, NODE_OPTIONS, inspect, file privileges and WASM trap
      // handlers on; cookie encryption, asar integrity, asar-only and the V8 snapshot off.
      const wire = '1011000110'
      await writeFile(
        binary,
        Buffer.concat([
          Buffer.alloc(4096, 7),
          Buffer.from('dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'),
          Buffer.from([1, wire.length]),
          Buffer.from(wire),
          Buffer.alloc(4096, 7),
        ]),
      )
      await afterPack(context)
      const fuses = await getCurrentFuseWire(binary)
      const on = (fuse: FuseV1Options) => fuses[fuse] === FuseState.ENABLE
      expect(on(FuseV1Options.RunAsNode)).toBe(false)
      expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false)
      expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false)
      expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true)
      expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true)
      expect(on(FuseV1Options.EnableCookieEncryption)).toBe(true)
      expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe(false)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  test('the binary is found where each platform packs it', () => {
    const at = (electronPlatformName: string) =>
      electronBinaryPath({
        electronPlatformName,
        appOutDir: '/o',
        packager: { appInfo: { productFilename: 'Keyholder' }, executableName: 'keyholder' },
      } as unknown as AfterPackContext)
    expect(at('darwin')).toBe(join('/o', 'Keyholder.app', 'Contents', 'MacOS', 'Keyholder'))
    expect(at('win32')).toBe(join('/o', 'Keyholder.exe'))
    expect(at('linux')).toBe(join('/o', 'keyholder'))
  })
})
