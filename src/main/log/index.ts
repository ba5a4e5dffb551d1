/**
 * Main's log. In the app, electron-log writes a file a day (see file-log.ts); in the browser
 * harness and tests, lines go to standard error. Either way every line is redacted first and
 * the recent ones are kept for the diagnostics file.
 */
import { format } from 'node:util'
import { redact } from './redact'

export type LogLevel = 'error' | 'warn' | 'info'

export interface Logger {
  error(...data: unknown[]): void
  warn(...data: unknown[]): void
  info(...data: unknown[]): void
  /** The latest lines, already redacted, oldest first. */
  recent(): string[]
  /** Where the log files are, when there are any. */
  readonly directory?: string | undefined
}

/** Keeps the last `size` lines written, for the diagnostics file. */
export class RecentLines {
  readonly #lines: string[] = []
  constructor(readonly size = 500) {}
  push(level: LogLevel, data: unknown[]): void {
    const line = `${new Date().toISOString()} [${level}] ${format(...data.map((d) => redact(d)))}`
    this.#lines.push(line)
    if (this.#lines.length > this.size) this.#lines.shift()
  }
  lines(): string[] {
    return [...this.#lines]
  }
}

/** The harness's (and tests') logger: redacted lines on standard error. */
export function consoleLogger(
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const recent = new RecentLines()
  const at =
    (level: LogLevel) =>
    (...data: unknown[]) => {
      recent.push(level, data)
      write(`${recent.lines().at(-1)}\n`)
    }
  return { error: at('error'), warn: at('warn'), info: at('info'), recent: () => recent.lines() }
}
