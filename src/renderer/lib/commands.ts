import type { MenuCommand } from '../../shared/app-contract'
import type { AppState } from './state/app.svelte'
import type { DesktopState } from './state/desktop.svelte'

/** Every shortcut, as the menu and the shortcuts dialog show it. */
export const SHORTCUTS: { command: MenuCommand | 'close'; keys: string; what: string }[] = [
  { command: 'sync_now', keys: 'Ctrl+R or F5', what: 'Sync now' },
  { command: 'new_user', keys: 'Ctrl+N', what: 'New user' },
  { command: 'find', keys: 'Ctrl+F or /', what: 'Find people' },
  { command: 'queued_edits', keys: 'Ctrl+Shift+E', what: 'Queued edits' },
  { command: 'keyboard_shortcuts', keys: 'Ctrl+/', what: 'Keyboard shortcuts' },
  { command: 'close', keys: 'Escape', what: 'Close the person’s panel or a dialog' },
]

/**
 * One command, whether it came from the menu (through main) or a key press. Asking twice does
 * no harm (macOS may deliver both).
 */
export function runCommand(command: MenuCommand, app: AppState, desktop: DesktopState): void {
  const inDialog = document.querySelector('dialog[open]') !== null
  switch (command) {
    case 'sync_now':
      if (!inDialog) void app.syncNow()
      return
    case 'new_user':
      if (!inDialog && app.systems.length) app.newUserOpen = true
      return
    case 'find':
      if (!inDialog) document.getElementById('search')?.focus()
      return
    case 'queued_edits':
      if (!inDialog) app.outboxOpen = true
      return
    case 'keyboard_shortcuts':
      if (!inDialog) desktop.shortcutsOpen = true
      return
    case 'export_diagnostics':
      if (!inDialog) desktop.diagnosticsOpen = true
      return
  }
}
