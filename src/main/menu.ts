import { Menu, type MenuItemConstructorOptions } from 'electron'

/**
 * Keyholder's application menu. Electron's default one reloads the page on Ctrl+R, which in
 * Keyholder means "Sync now" (the page handles it): a reload would throw away a half-typed
 * form. So the menu has no reload and no developer tools, only what a desktop app offers.
 */
export function applicationMenu(platform: NodeJS.Platform): Menu {
  const template: MenuItemConstructorOptions[] = [
    platform === 'darwin' ? { role: 'appMenu' } : { label: 'File', submenu: [{ role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}
