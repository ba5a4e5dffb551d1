import type { MenuItemConstructorOptions } from 'electron'
import { expect, test } from 'vitest'
import { MENU_COMMANDS, type MenuCommand } from '../shared/app-contract'
import { applicationMenuTemplate } from './menu'

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((top) => [top, ...(Array.isArray(top.submenu) ? items(top.submenu) : [])])
}

test('every menu command reaches the page; shortcuts are shown, and registered only on macOS', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    const sent: MenuCommand[] = []
    const all = items(
      applicationMenuTemplate(platform, { send: (c) => sent.push(c), openLogFolder: () => {} }),
    )
    for (const item of all) if (item.label && item.click) (item.click as () => void)()
    expect(new Set(sent)).toEqual(new Set(MENU_COMMANDS))
    for (const item of all.filter((i) => i.accelerator)) {
      expect(item.registerAccelerator).toBe(platform === 'darwin')
    }
    const roles = all.map((i) => i.role)
    expect(roles).not.toContain('reload')
    expect(roles).not.toContain('forceReload')
    expect(roles).not.toContain('toggleDevTools')
  }
})
