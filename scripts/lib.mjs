// Shared helpers for the project's scripts (plain Node, no build step).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const root = resolve(import.meta.dirname, '..')

/** Newest modification time under the given paths (files or folders). */
function newest(paths) {
  let latest = 0
  const visit = (path) => {
    if (!existsSync(path)) return
    const stat = statSync(path)
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry))
    else latest = Math.max(latest, stat.mtimeMs)
  }
  paths.forEach((p) => visit(join(root, p)))
  return latest
}

/** The browser harness, built by `npm run build:harness` beside (never inside) the app's `out/`. */
export const HARNESS_ENTRY = 'out-harness/main/harness.js'

/**
 * Builds the harness (or, with 'app', the app that Electron runs) unless its output is newer
 * than every source file.
 */
export function buildIfStale(what = 'harness') {
  const output = join(root, what === 'app' ? 'out/main/index.js' : HARNESS_ENTRY)
  const sources = ['src', 'harness', 'electron.vite.config.ts', 'package.json']
  if (existsSync(output) && statSync(output).mtimeMs > newest(sources)) return
  console.error('Building Keyholder…')
  const script = what === 'app' ? 'build' : 'build:harness'
  const result = spawnSync('npm', ['run', script], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

/** Runs a child in the foreground, forwarding signals, and exits with its code. */
export function runForeground(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
