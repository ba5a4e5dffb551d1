/**
 * The app's log file, written by electron-log: one file a day (`keyholder-YYYY-MM-DD.log`, kept
 * for {@link KEEP_DAYS} days), every message redacted by a hook before any transport sees it.
 * Takes the electron-log instance, so tests run it with `electron-log/node` on a real folder.
 */
import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { LogFunctions, LogMessage } from 'electron-log'
import { RecentLines, type Logger } from './index'
import { redact } from './redact'

export const KEEP_DAYS = 14

/** The few electron-log parts used here (the same in `electron-log/main` and `/node`). */
export interface ElectronLogLike extends LogFunctions {
  hooks: ((message: LogMessage) => LogMessage | false)[]
  transports: {
    file: {
      resolvePathFn: (variables: never, message?: LogMessage) => string
      maxSize: number
      level: false | string
    }
    console: { level: false | string }
  }
}

export function dailyLogFile(directory: string, day: Date): string {
  return join(directory, `keyholder-${day.toISOString().slice(0, 10)}.log`)
}

/** Deletes the day files older than `keepDays` (rotated `.old` parts too). */
export function pruneLogs(directory: string, now: Date, keepDays = KEEP_DAYS): void {
  const oldest = new Date(now.getTime() - keepDays * 86_400_000).toISOString().slice(0, 10)
  let names: string[]
  try {
    names = readdirSync(directory)
  } catch {
    return
  }
  for (const name of names) {
    const day = /^keyholder-(\d{4}-\d{2}-\d{2})\.(?:old\.)?log$/.exec(name)?.[1]
    if (day && day < oldest) rmSync(join(directory, name), { force: true })
  }
}

export function fileLogger(
  log: ElectronLogLike,
  directory: string,
  now: () => Date = () => new Date(),
): Logger {
  const recent = new RecentLines()
  // First of all hooks: no transport (file, console) ever sees a secret.
  log.hooks.unshift((message) => ({ ...message, data: message.data.map((d) => redact(d)) }))
  // Asked for each message: the first line after midnight opens the next day's file.
  log.transports.file.resolvePathFn = () => dailyLogFile(directory, now())
  // A day's file that grows past this is rotated to `.old.log` within the day.
  log.transports.file.maxSize = 5 * 1024 * 1024
  pruneLogs(directory, now())
  const at =
    (level: 'error' | 'warn' | 'info') =>
    (...data: unknown[]) => {
      recent.push(level, data)
      log[level](...data)
    }
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    recent: () => recent.lines(),
    directory,
  }
}
