/**
 * The desktop app's own channels (menu, updates, logs, diagnostics), kept apart from the Seam
 * ones and spread into the one contract in `contract.ts`.
 */
import { z } from 'zod'

/** What the application menu asks the page to do (it owns the state each one needs). */
export const MENU_COMMANDS = [
  'sync_now',
  'new_user',
  'find',
  'queued_edits',
  'keyboard_shortcuts',
  'export_diagnostics',
] as const
export type MenuCommand = (typeof MENU_COMMANDS)[number]

export const updateStateSchema = z.object({
  /**
   * - `off`: no update feed is configured (the default)
   * - `idle` / `checking` / `downloading`: in the background
   * - `ready`: downloaded; installed by "Restart to update" or at the next quit
   * - `error`: the last check failed (tried again later)
   */
  status: z.enum(['off', 'idle', 'checking', 'downloading', 'ready', 'error']),
  version: z.string().optional(),
  /** False while edits are being sent or a form holds typed input: no restart then. */
  safe_to_restart: z.boolean(),
})
export type UpdateState = z.infer<typeof updateStateSchema>

const none = z.object({}).strict()
const ok = z.object({ ok: z.literal(true) })

export const appInvokeContract = {
  /** A page's message for the log file (redacted like every other line). */
  'app.log': {
    request: z
      .object({ level: z.enum(['error', 'warn', 'info']), message: z.string().max(4000) })
      .strict(),
    response: ok,
  },
  /** The page says whether a restart would lose or interrupt anything. */
  'app.set_busy': {
    request: z.object({ sending: z.boolean(), unsaved_input: z.boolean() }).strict(),
    response: updateStateSchema,
  },
  'updates.get': { request: none, response: updateStateSchema },
  /** Restarts into a downloaded update, unless the page is busy (then `restarting: false`). */
  'updates.restart': { request: none, response: z.object({ restarting: z.boolean() }) },
  /**
   * Writes one diagnostics file for support. The page adds what only it knows: queued edits by
   * state and the kinds of their last errors; `personal` (names, messages) only when the person
   * ticked the box.
   */
  'diagnostics.export': {
    request: z
      .object({
        outbox: z.record(z.string().max(20), z.number().int().min(0)),
        error_kinds: z.array(z.string().max(40)).max(200),
        include_personal: z.boolean(),
        personal: z.array(z.string().max(2000)).max(500).optional(),
      })
      .strict(),
    response: z.object({ saved: z.boolean(), path: z.string().optional() }),
  },
} as const

export const appEventContract = {
  'menu.command': z.object({ command: z.enum(MENU_COMMANDS) }),
  update: updateStateSchema,
  /** Something the person should read, e.g. after the page was reloaded following a crash. */
  'app.notice': z.object({ message: z.string() }),
} as const
