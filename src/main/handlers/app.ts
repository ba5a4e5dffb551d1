import type { Handlers } from '../ipc/dispatch'
import { diagnosticsReport } from '../diagnostics'
import type { Logger } from '../log'
import type { Session } from '../session'
import type { Updates } from '../updates'
import type { Vault } from '../vault'

export interface AppPlatform {
  log: Logger
  updates: Updates
  /**
   * Asks where to save (the app: a save dialog) and writes the file; undefined when the person
   * cancelled. The harness writes beside its data instead.
   */
  saveDiagnostics(suggestedName: string, content: string): Promise<string | undefined>
  versions: Record<string, string | undefined>
  crashDumps?: string | undefined
}

/** The desktop app's own channels: the page's log lines, update safety, diagnostics. */
export function appHandlers(
  session: Session,
  vault: Vault,
  platform: AppPlatform,
): Partial<Handlers> {
  const { log, updates } = platform
  return {
    'app.log': ({ level, message }) => {
      log[level]('[page]', message)
      return Promise.resolve({ ok: true as const })
    },
    'app.set_busy': (busy) => Promise.resolve(updates.setBusy(busy)),
    'updates.get': () => Promise.resolve(updates.state()),
    'updates.restart': () => Promise.resolve(updates.restart()),
    'diagnostics.export': async (request) => {
      const content = diagnosticsReport({
        ...request,
        info: await session.info(),
        workspaces: vault.list(),
        update: updates.state(),
        versions: platform.versions,
        recentLog: log.recent(),
        crashDumps: platform.crashDumps,
        logDirectory: log.directory,
      })
      const day = new Date().toISOString().slice(0, 10)
      const path = await platform.saveDiagnostics(`keyholder-diagnostics-${day}.txt`, content)
      if (path) log.info('Diagnostics exported')
      return path ? { saved: true, path } : { saved: false }
    },
  }
}
