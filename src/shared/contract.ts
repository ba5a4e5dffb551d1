/**
 * The one IPC contract. Main registers a handler per channel, the preload (or the harness shim)
 * exposes `window.keyholder` built from the same table, and every request is validated with the
 * schemas here before a handler sees it. Responses are typed by the same table.
 */
import { z } from 'zod'
import {
  workspaceNameProblem,
  type AcsAccessGroup,
  type AcsEntrance,
  type AcsSystem,
  type AcsUser,
  type SeamEvent,
} from './domain'
import { appEventContract, appInvokeContract } from './app-contract'
import { endpointProblem } from './endpoint'
import type { Result } from './errors'
import type { EventNameList } from './ipc-names'
import { e164, emailAddressSchema, fullNameSchema, userIdentityIdSchema } from './user-fields'

export { e164 }

/**
 * How long main waits for Seam before giving a request up as `unreachable` (uncertain). A page
 * that did not hear back must wait longer than this since the request left before it decides
 * what became of it: until then the request may still arrive.
 */
export const REQUEST_TIMEOUT_MS = 20_000

const id = z.string().trim().min(1).max(200)
/** A workspace's name: never one that passes for the practice sandbox. */
const workspaceName = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = workspaceNameProblem(name)
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
  })
const isoDate = z.string().datetime({ offset: true })
const endpoint = z
  .string()
  .trim()
  .superRefine((url, ctx) => {
    const problem = endpointProblem(url)
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem })
  })

export const accessScheduleSchema = z
  .object({ starts_at: isoDate, ends_at: isoDate })
  .refine((s) => Date.parse(s.ends_at) > Date.parse(s.starts_at), {
    message: 'The end must be after the start',
    path: ['ends_at'],
  })

/**
 * Fields a person may change on an existing user (Seam's /acs/users/update). Names, emails and
 * phones follow the same rules as the form and CSV import (`./user-fields`), so a payload that
 * would fail at Seam is refused here even if a screen forgot to check it.
 */
export const userChangesSchema = z
  .object({
    full_name: fullNameSchema,
    email_address: emailAddressSchema,
    phone_number: e164,
    /** null removes the schedule: access with no start or end. */
    access_schedule: accessScheduleSchema.nullable(),
  })
  .partial()
  .strict()

export const createUserSchema = z
  .object({
    acs_system_id: id,
    full_name: fullNameSchema,
    email_address: emailAddressSchema.optional(),
    phone_number: e164.optional(),
    user_identity_id: userIdentityIdSchema.optional(),
    access_schedule: accessScheduleSchema.optional(),
    acs_access_group_ids: z.array(id).max(100).optional(),
  })
  .strict()

export type UserChanges = z.infer<typeof userChangesSchema>
export type CreateUserInput = z.infer<typeof createUserSchema>

export const workspaceSummarySchema = z.object({
  workspace_id: z.string(),
  name: z.string(),
  endpoint: z.string(),
  is_sandbox: z.boolean(),
  /** False when the key lives in memory only (unprotected storage not accepted). */
  persisted: z.boolean(),
})
export type WorkspaceSummary = z.infer<typeof workspaceSummarySchema>

export const storageStatusSchema = z.object({
  /** True when keys are encrypted by the OS keychain. */
  protected: z.boolean(),
  /** The keychain backend (Linux), e.g. `gnome_libsecret`, `basic_text`, or `memory` in the harness. */
  backend: z.string(),
  message: z.string(),
})
export type StorageStatus = z.infer<typeof storageStatusSchema>

export const connectivityStateSchema = z.object({
  state: z.enum(['online', 'offline', 'unauthorized', 'checking']),
  /** When the state was last confirmed. */
  checked_at: z.string(),
  detail: z.string().optional(),
  /**
   * Seam answered 429: reachable, but asks for no requests before this time (ISO). The state
   * stays 'online'.
   */
  busy_until: z.string().optional(),
})
export type ConnectivityState = z.infer<typeof connectivityStateSchema>

export const appInfoSchema = z.object({
  version: z.string(),
  runtime: z.enum(['electron', 'harness']),
  active_workspace: workspaceSummarySchema,
  storage: storageStatusSchema,
})
export type AppInfo = z.infer<typeof appInfoSchema>

/**
 * A record Seam sent that main would not pass on (a field of the wrong type, or too large),
 * and why. `acs_user_id` is null when even the id could not be read, or the problem is the
 * page itself (too many people on it, an unusable marker for the next page).
 */
export const refusedRecordSchema = z.object({
  acs_user_id: z.string().nullable(),
  /** The field at fault, e.g. `full_name`, `errors.0.message`, `next_page_cursor`. */
  field: z.string(),
  /** A sentence naming the record and the field, for the person and for support. */
  message: z.string(),
})
export type RefusedRecord = z.infer<typeof refusedRecordSchema>

const userPageSchema = z.object({
  acs_users: z.array(z.custom<AcsUser>(isRecordWith('acs_user_id'))),
  next_page_cursor: z.string().nullable(),
  /** People on this page that could not be read; the others are in `acs_users`. */
  refused: z.array(refusedRecordSchema),
})
export type UserPage = z.infer<typeof userPageSchema>

function isRecordWith(key: string) {
  return (v: unknown) =>
    typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[key] === 'string'
}

/** The prefix of a temporary id, given to a person created offline until Seam names them. */
export const TEMPORARY_ID_PREFIX = 'tmp_'
/**
 * A person's Seam id. A temporary id never leaves the app: it would ask Seam about a person
 * that does not exist there (or, worse, was never meant to be asked for by that name).
 */
const acsUserId = id.refine((value) => !value.startsWith(TEMPORARY_ID_PREFIX), {
  message:
    'This person has not been created in Seam yet (they still have a temporary id), so Seam cannot be asked about them.',
})
/**
 * The outbox entry's id, sent with every write. Main joins a write asked for again with the
 * same key and the same details to the one already on its way, and answers a repeat of a
 * recent one from memory (see `once-by-key.ts`).
 */
const idempotencyKey = z.string().min(1).max(100)

const none = z.object({}).strict()
const userRef = z.object({ acs_user_id: acsUserId }).strict()
const groupRef = z.object({ acs_user_id: acsUserId, acs_access_group_id: id }).strict()
const userWrite = userRef.extend({ idempotency_key: idempotencyKey.optional() }).strict()
const groupWrite = groupRef.extend({ idempotency_key: idempotencyKey.optional() }).strict()
const ok = z.object({ ok: z.literal(true) })

/** Request → response for every invoke channel. */
export const invokeContract = {
  'app.info': { request: none, response: appInfoSchema },

  'workspaces.list': { request: none, response: z.array(workspaceSummarySchema) },
  'workspaces.test': {
    request: z
      .object({ endpoint: endpoint.optional(), api_key: z.string().trim().min(1).max(500) })
      .strict(),
    response: z.object({ acs_system_count: z.number().int() }),
  },
  'workspaces.add': {
    request: z
      .object({
        name: workspaceName,
        endpoint: endpoint.optional(),
        api_key: z.string().trim().min(1).max(500),
        /** The person accepted keeping the key in unprotected storage. */
        allow_unprotected_storage: z.boolean().optional(),
      })
      .strict(),
    response: workspaceSummarySchema,
  },
  'workspaces.rename': {
    request: z.object({ workspace_id: id, name: workspaceName }).strict(),
    response: workspaceSummarySchema,
  },
  'workspaces.remove': { request: z.object({ workspace_id: id }).strict(), response: ok },
  /** Replaces a saved workspace's key, e.g. after Seam refused the old one. */
  'workspaces.set_key': {
    request: z
      .object({
        workspace_id: id,
        api_key: z.string().trim().min(1).max(500),
        /** As for `workspaces.add`: without it, an unprotected key is kept for this session only. */
        allow_unprotected_storage: z.boolean().optional(),
      })
      .strict(),
    response: workspaceSummarySchema,
  },
  'workspaces.activate': {
    request: z.object({ workspace_id: id }).strict(),
    response: appInfoSchema,
  },

  'connectivity.get': { request: none, response: connectivityStateSchema },
  'connectivity.check': { request: none, response: connectivityStateSchema },
  /**
   * The page saw the network change (its window's `online` / `offline` event): main probes at
   * once and starts its backoff afresh, rather than waiting up to a minute to notice.
   */
  'connectivity.signal': {
    request: z.object({ reason: z.enum(['online', 'offline']) }).strict(),
    response: connectivityStateSchema,
  },

  /**
   * Seam's time as its latest answer stated it (null before any): a create records it before
   * its first send, so "created after" is judged by Seam's clock, not this computer's.
   */
  'seam.server_time': {
    request: none,
    response: z.object({ server_time: z.string().datetime().nullable() }),
  },

  'systems.list': {
    request: none,
    response: z.array(z.custom<AcsSystem>(isRecordWith('acs_system_id'))),
  },
  'access_groups.list': {
    request: z.object({ acs_system_id: id }).strict(),
    response: z.array(z.custom<AcsAccessGroup>(isRecordWith('acs_access_group_id'))),
  },
  'users.list_page': {
    request: z
      .object({
        acs_system_id: id,
        limit: z.number().int().min(1).max(1000).optional(),
        page_cursor: z.string().max(2000).nullable().optional(),
        /** Seam's free-text search (name, email, phone, ids). */
        search: z.string().trim().min(1).max(200).optional(),
      })
      .strict(),
    response: userPageSchema,
  },
  'users.get': { request: userRef, response: z.custom<AcsUser>(isRecordWith('acs_user_id')) },
  'users.create': {
    /**
     * `idempotency_key`: the outbox entry's id. A create asked for again with the same key
     * while the first is on its way (or after it succeeded) gets the first one's user.
     */
    request: createUserSchema.extend({ idempotency_key: idempotencyKey.optional() }),
    response: z.custom<AcsUser>(isRecordWith('acs_user_id')),
  },
  'users.update': {
    request: z
      .object({
        acs_user_id: acsUserId,
        changes: userChangesSchema,
        idempotency_key: idempotencyKey.optional(),
      })
      .strict(),
    response: ok,
  },
  'users.delete': { request: userWrite, response: ok },
  'users.suspend': { request: userWrite, response: ok },
  'users.unsuspend': { request: userWrite, response: ok },
  'users.add_to_access_group': { request: groupWrite, response: ok },
  'users.remove_from_access_group': { request: groupWrite, response: ok },
  'users.revoke_access_to_all_entrances': { request: userWrite, response: ok },
  'users.list_accessible_entrances': {
    request: userRef,
    response: z.array(z.custom<AcsEntrance>(isRecordWith('acs_entrance_id'))),
  },
  /** The ids of an access group's members (for group membership known offline). */
  'access_groups.list_user_ids': {
    request: z.object({ acs_access_group_id: id }).strict(),
    response: z.array(z.string()),
  },
  'users.list_access_groups': {
    request: userRef,
    response: z.array(z.custom<AcsAccessGroup>(isRecordWith('acs_access_group_id'))),
  },
  'events.list': {
    request: z
      .object({
        acs_system_id: id.optional(),
        acs_user_id: acsUserId.optional(),
        since: isoDate,
        event_types: z.array(z.string().max(100)).max(20).optional(),
      })
      .strict(),
    response: z.array(z.custom<SeamEvent>(isRecordWith('event_id'))),
  },
  /** Only in the sandbox: whether "simulate connection loss" is off (connected) or on. */
  'sandbox.get_connection': { request: none, response: z.object({ connected: z.boolean() }) },
  'sandbox.set_connection': {
    request: z.object({ connected: z.boolean() }).strict(),
    response: z.object({ connected: z.boolean() }),
  },
  ...appInvokeContract,
} as const

/** Main → renderer events. */
export const eventContract = {
  connectivity: connectivityStateSchema,
  'workspace.changed': appInfoSchema,
  ...appEventContract,
} as const

export type InvokeChannel = keyof typeof invokeContract
export type EventName = keyof typeof eventContract
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeContract)[C]['request']>
export type ParsedRequestOf<C extends InvokeChannel> = z.output<
  (typeof invokeContract)[C]['request']
>
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>
export type EventOf<E extends EventName> = z.output<(typeof eventContract)[E]>

export const invokeChannels = Object.keys(invokeContract) as InvokeChannel[]
export const eventNames = Object.keys(eventContract) as EventName[]

export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && Object.hasOwn(invokeContract, value)
}
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(eventContract, value)
}

/**
 * Travels beside a request. `workspace_id`: the workspace the request was made for. Main
 * refuses to send it to Seam once another workspace is active, so an edit queued in one
 * workspace can never reach another (a switch can come while requests are on their way).
 */
export const invokeScopeSchema = z
  .object({ workspace_id: z.string().min(1).max(200) })
  .partial()
  .strict()
export type InvokeScope = z.infer<typeof invokeScopeSchema>

/** The object the preload (or the harness shim) puts on `window.keyholder`. */
export interface KeyholderApi {
  invoke<C extends InvokeChannel>(
    channel: C,
    request: RequestOf<C>,
    scope?: InvokeScope,
  ): Promise<Result<ResponseOf<C>>>
  /** Subscribes to a main-process event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void
}

// The preload's zod-free name list must match the event table exactly.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never
const eventNamesMatch: Same<EventName, EventNameList> = true
void eventNamesMatch
