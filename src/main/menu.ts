import type { MenuItemConstructorOptions } from 'electron'
import type { MenuCommand } from '../shared/app-contract'

/** The app's keyboard shortcuts, shown in the menu; the page handles the same keys itself. */
export const MENU_ACCELERATORS: Record<Exclude<MenuCommand, 'export_diagnostics'>, string> = {
  sync_now: 'CmdOrCtrl+R',
  new_user: 'CmdOrCtrl+N',
  find: 'CmdOrCtrl+F',
  queued_edits: 'CmdOrCtrl+Shift+E',
  keyboard_shortcuts: 'CmdOrCtrl+/',
}

export interface MenuActions {
  /** Hands a command to the page, which owns the state it needs (dialogs, forms, search). */
  send(command: MenuCommand): void
  openLogFolder(): void
}

/**
 * Keyholder's application menu. Electron's default one reloads the page on Ctrl+R, which in
 * Keyholder means "Sync now": a reload would throw away a half-typed form. So the menu has no
 * reload and no developer tools, only what a desktop app offers.
 *
 * The page also handles these keys (the browser harness has no menu), so the accelerators are
 * shown but not registered on Windows and Linux: one key press, one action. (macOS always
 * registers them; every command here does the same thing when asked twice.)
 */
export function applicationMenuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const command = (label: string, name: keyof typeof MENU_ACCELERATORS) => ({
    label,
    accelerator: MENU_ACCELERATORS[name],
    registerAccelerator: platform === 'darwin',
    click: () => actions.send(name),
  })
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        command('New user…', 'new_user'),
        command('Sync now', 'sync_now'),
        ...(platform === 'darwin'
          ? []
          : [{ type: 'separator' as const }, { role: 'quit' as const }]),
      ],
    },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
        { type: 'separator' },
        command('Find', 'find'),
      ],
    },
    {
      label: 'View',
      submenu: [
        command('Queued edits', 'queued_edits'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        command('Keyboard shortcuts', 'keyboard_shortcuts'),
        { type: 'separator' },
        { label: 'Export diagnostics…', click: () => actions.send('export_diagnostics') },
        { label: 'Open log folder', click: () => actions.openLogFolder() },
      ],
    },
  ]
}
