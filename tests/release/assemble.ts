/**
 * Assembles app.asar the way electron-builder does, from the very same `files` rules
 * (scripts/package/rules.mjs), without the Electron download: the app's own files that the
 * rules select, plus the production dependency tree (package.json `dependencies` and their
 * dependencies), filtered by the rules' `!` patterns.
 */
import { createPackageFromFiles, listPackage, statFile } from '@electron/asar'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, matchesGlob, relative, sep } from 'node:path'
import { APP_FILES } from '../../scripts/package/rules.mjs'

/** electron-builder's rule: patterns in order, a later match decides; `!` excludes. */
export function selected(path: string, patterns: readonly string[], initially = false): boolean {
  let state = initially
  for (const pattern of patterns) {
    if (pattern.startsWith('!')) {
      if (matchesGlob(path, pattern.slice(1))) state = false
    } else if (matchesGlob(path, pattern)) state = true
  }
  return state
}

function walk(dir: string, root: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name)
    if (entry.isDirectory()) walk(full, root, into)
    else if (entry.isFile()) into.push(relative(root, full).split(sep).join('/'))
  }
  return into
}

/** The package folders (relative to `root`) of the production dependency tree. */
export function productionPackages(root: string): string[] {
  const found = new Set<string>()
  const visit = (fromDir: string, manifest: string) => {
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, string>
      optionalDependencies?: Record<string, string>
    }
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      // Node's lookup: the nearest node_modules upwards from the depending package.
      let dir = fromDir
      let location: string | undefined
      for (;;) {
        const candidate = join(dir, 'node_modules', name)
        if (existsSync(join(candidate, 'package.json'))) {
          location = candidate
          break
        }
        if (dir === root) break
        dir = dirname(dir)
      }
      if (!location) continue // an optional dependency for another platform
      const rel = relative(root, location).split(sep).join('/')
      if (found.has(rel)) continue
      found.add(rel)
      visit(location, join(location, 'package.json'))
    }
  }
  visit(root, join(root, 'package.json'))
  return [...found].sort()
}

export interface Assembled {
  asar: string
  /** The folder packed into app.asar: an installed app's files, unpacked. */
  stage: string
  files: string[]
  bytes: number
}

/**
 * Stages and packs app.asar into `workDir`. `buildDir` holds the production build (`out/`
 * contents: main, preload, renderer); everything else comes from the project at `root`.
 */
export async function assembleAsar(root: string, buildDir: string, workDir: string) {
  const stage = join(workDir, 'app')
  mkdirSync(stage, { recursive: true })
  const own = [
    'package.json',
    'resources/icon.png',
    ...walk(buildDir, buildDir).map((f) => `out/${f}`),
  ]
  for (const file of own.filter((f) => selected(f, APP_FILES))) {
    const from = file.startsWith('out/') ? join(buildDir, file.slice(4)) : join(root, file)
    mkdirSync(dirname(join(stage, file)), { recursive: true })
    cpSync(from, join(stage, file))
  }
  for (const pkg of productionPackages(root)) {
    for (const file of walk(join(root, pkg), root)) {
      // Nested node_modules are packages of their own, visited (or not) by the tree walk.
      if (file.slice(pkg.length).includes('/node_modules/')) continue
      if (!selected(file, APP_FILES, true)) continue
      mkdirSync(dirname(join(stage, file)), { recursive: true })
      cpSync(join(root, file), join(stage, file))
    }
  }
  const asar = join(workDir, 'app.asar')
  const staged = walk(stage, stage).map((f) => join(stage, f))
  await createPackageFromFiles(stage, asar, staged)
  const files = listPackage(asar, { isPack: false })
    .filter((entry) => !('files' in statFile(asar, entry.replace(/^[/\\]/, ''))))
    .map((entry) =>
      entry
        .replace(/^[/\\]/, '')
        .split(sep)
        .join('/'),
    )
  return { asar, stage, files, bytes: statSync(asar).size } satisfies Assembled
}
