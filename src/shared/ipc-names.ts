/**
 * Channel names only, free of zod, so the sandboxed preload bundle stays tiny.
 * `contract.ts` checks at compile time that these match its tables.
 */
export const IPC_INVOKE = 'keyholder:invoke'
export const EVENT_NAMES = [
  'connectivity',
  'workspace.changed',
  'menu.command',
  'update',
  'app.notice',
] as const
export type EventNameList = (typeof EVENT_NAMES)[number]
export const ipcEventChannel = (event: EventNameList) => `keyholder:event:${event}`
