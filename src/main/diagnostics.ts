/**
 * The diagnostics file a technician sends to support (Help → Export diagnostics…): versions,
 * system, settings without secrets, queued edits by state and the kinds of their last errors,
 * and the recent log. Nothing personal (names, emails, messages about people) unless the
 * person ticked the box; no key ever, whatever was planted where: everything passes
 * {@link redact} on the way out.
 */
import { arch, platform, release } from 'node:os'
import type { UpdateState } from '../shared/app-contract'
import type { AppInfo, WorkspaceSummary } from '../shared/contract'
import { redact, redactText } from './log/redact'

export interface DiagnosticsInput {
  info: AppInfo
  workspaces: WorkspaceSummary[]
  update: UpdateState
  /** `process.versions`: node, chrome and electron in the app. */
  versions: Record<string, string | undefined>
  outbox: Record<string, number>
  error_kinds: string[]
  include_personal: boolean
  personal?: string[] | undefined
  recentLog: string[]
  /** Where crash dumps are written (they stay on this computer). */
  crashDumps?: string | undefined
  logDirectory?: string | undefined
  now?: Date
}

/** Where a workspace's traffic goes, without anything but scheme, host and port. */
function origin(endpoint: string): string {
  try {
    return new URL(endpoint).origin
  } catch {
    return 'embedded'
  }
}

export function diagnosticsReport(input: DiagnosticsInput): string {
  const { info, versions } = input
  const kindCounts: Record<string, number> = {}
  for (const kind of input.error_kinds) kindCounts[kind] = (kindCounts[kind] ?? 0) + 1
  const report = {
    created_at: (input.now ?? new Date()).toISOString(),
    app: { version: info.version, runtime: info.runtime },
    versions: {
      electron: versions.electron,
      chrome: versions.chrome,
      node: versions.node,
      v8: versions.v8,
    },
    system: { platform: platform(), release: release(), arch: arch() },
    settings: {
      active_workspace: info.active_workspace.is_sandbox ? 'sandbox' : 'Seam workspace',
      active_endpoint: origin(info.active_workspace.endpoint),
      workspaces: input.workspaces.filter((w) => !w.is_sandbox).length,
      key_storage: {
        protected: info.storage.protected,
        backend: info.storage.backend,
      },
      updates: input.update.status === 'off' ? 'off (no update feed configured)' : 'on',
      ...(input.include_personal && {
        workspace_names: input.workspaces.map((w) => w.name),
      }),
    },
    updates: input.update,
    outbox: input.outbox,
    last_error_kinds: kindCounts,
    crash_dumps: input.crashDumps ?? 'not collected here',
    log_directory: input.logDirectory ?? 'standard error (browser harness)',
    personal: input.include_personal
      ? (input.personal ?? [])
      : 'not included (tick "Include names and messages" to add them)',
  }
  const log = input.recentLog
    .map((line) => redactText(line))
    .map((line) => (input.include_personal ? line : withoutContactDetails(line)))
    .join('\n')
  return `${JSON.stringify(redact(report), null, 2)}\n\n--- recent log ---\n${log}\n`
}

/** Without the box ticked, emails and phone numbers in log lines are masked too. */
function withoutContactDetails(line: string): string {
  return line
    .replace(/[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g, '[email]')
    .replace(/\+\d[\d ()-]{6,}\d/g, '[phone]')
}
