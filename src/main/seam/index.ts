/**
 * Keyholder's only door to Seam: the official `@seamapi/http` client, wrapped in the few calls
 * the app makes. Every method throws what the SDK throws; `toKeyholderError` turns that into
 * the error union that crosses IPC.
 */
import { SeamHttp, SeamHttpInvalidResponseError, type SeamPageCursor } from '@seamapi/http'
import {
  REQUEST_TIMEOUT_MS,
  type CreateUserInput,
  type ParsedRequestOf,
  type UserChanges,
  type UserPage,
} from '../../shared/contract'
import type {
  AcsAccessGroup,
  AcsEntrance,
  AcsSystem,
  AcsUser,
  SeamEvent,
} from '../../shared/domain'
import { KeyholderFailure } from '../../shared/errors'
import type { ProbeOutcome } from '../connectivity'
import { toKeyholderError } from './errors'
import { ServerClock } from './server-clock'
import { checkList, checkRecord, checkUserPage } from './normalise'

export { toKeyholderError } from './errors'

export const DEFAULT_ENDPOINT = 'https://connect.getseam.com'

export interface SeamCredentials {
  endpoint: string
  apiKey: string
}

export interface SeamClientOptions extends SeamCredentials {
  /** Per-request timeout; a technician on a bad connection should hear "offline" soon. */
  timeoutMs?: number
  /** Timeout of the connectivity probe. */
  probeTimeoutMs?: number
}

/**
 * Nothing Seam sends is taken on trust: every record is checked (`normalise.ts`). A list keeps
 * its readable records; a single record that cannot be read is an error naming the field.
 */
function list<K extends Parameters<typeof checkList>[0]>(kind: K, raw: unknown, what: string) {
  const { values, refused } = checkList(kind, raw)
  // Lists other than people's have no place in the contract for refusals: they are left out,
  // and said so here (ids and field names only, never values).
  for (const r of refused) console.warn(`Keyholder: ${what}: refused ${r.id ?? '?'}: ${r.field}`)
  return values
}

function one<K extends Parameters<typeof checkRecord>[0]>(kind: K, raw: unknown) {
  const checked = checkRecord(kind, raw)
  if (checked.ok) return checked.value
  throw new KeyholderFailure({ kind: 'server', status: 200, message: checked.refusal.message })
}

export type { ProbeOutcome } from '../connectivity'

export type SeamClient = ReturnType<typeof createSeamClient>

export function createSeamClient(options: SeamClientOptions) {
  const { endpoint, apiKey, timeoutMs = REQUEST_TIMEOUT_MS, probeTimeoutMs = 5_000 } = options
  // No retries inside the SDK: the outbox and the sync engine own when to try again (backoff,
  // Retry-After, pausing on 401), and a failure must reach the connectivity state at once.
  // The SDK's own would resend reads and idempotent writes up to twice, for as long as a
  // server's Retry-After says, while holding one of the replayer's slots.
  const seam = new SeamHttp({
    apiKey,
    endpoint,
    timeout: timeoutMs,
    axiosRetryOptions: { retries: 0 },
  })
  // The probe must answer quickly.
  const probeClient = new SeamHttp({
    apiKey,
    endpoint,
    timeout: probeTimeoutMs,
    axiosRetryOptions: { retries: 0 },
  })
  const clock = new ServerClock()
  clock.watch(seam.client)
  /** Unknown until the first listing; Seam's own fake, for one, answers without pagination. */
  let paginates: boolean | undefined

  return {
    endpoint,

    /** The latest time Seam's answers stated (see {@link ServerClock}). */
    serverTime: () => clock.now(),

    async probe(): Promise<ProbeOutcome> {
      try {
        // The smallest call the app itself depends on: it proves reachability and the key.
        await probeClient.acs.systems.list()
        return 'online'
      } catch (cause) {
        const error = toKeyholderError(cause)
        switch (error.kind) {
          // The key is refused, or may not even list systems: nothing will work with it.
          case 'unauthorized':
          case 'forbidden':
            return 'unauthorized'
          // Reachable and busy, not offline.
          case 'rate_limited':
            return { busy_ms: error.retry_after_ms }
          case 'unreachable':
          case 'server':
            return 'offline'
          default:
            // Any other answer came from a live server that accepted the key.
            return 'online'
        }
      }
    },

    async listSystems(): Promise<AcsSystem[]> {
      return list('acs_system', await seam.acs.systems.list(), 'systems')
    },

    async listAccessGroups(acs_system_id: string): Promise<AcsAccessGroup[]> {
      return list(
        'acs_access_group',
        await seam.acs.accessGroups.list({ acs_system_id }),
        'access groups',
      )
    },

    async listGroupUserIds(acs_access_group_id: string): Promise<string[]> {
      const users = await seam.acs.accessGroups.listUsers({ acs_access_group_id })
      return list('acs_user', users, 'group members').map((u) => u.acs_user_id)
    },

    async listUserAccessGroups(acs_user_id: string): Promise<AcsAccessGroup[]> {
      return list(
        'acs_access_group',
        await seam.acs.accessGroups.list({ acs_user_id }),
        "a person's access groups",
      )
    },

    /**
     * One page of a system's users through the SDK's paginator. A server that answers without
     * pagination gets one request for everything, remembered so later listings go straight there.
     */
    async listUsersPage(request: ParsedRequestOf<'users.list_page'>): Promise<UserPage> {
      const { acs_system_id, limit, page_cursor, search } = request
      const listing = seam.acs.users.list({
        acs_system_id,
        ...(limit !== undefined && { limit }),
        ...(search !== undefined && { search }),
      })
      if (paginates !== false) {
        try {
          const pages = seam.createPaginator(listing)
          const [users, pagination] = page_cursor
            ? await pages.nextPage(page_cursor as SeamPageCursor)
            : await pages.firstPage()
          paginates = true
          return checkUserPage(users, pagination.hasNextPage ? pagination.nextPageCursor : null)
        } catch (cause) {
          if (!(cause instanceof SeamHttpInvalidResponseError) || paginates === true) throw cause
          paginates = false
        }
      }
      // Without pagination there are no further pages: a cursor can only come from a page
      // that said there were more, which such a server never does.
      if (page_cursor) return { acs_users: [], next_page_cursor: null, refused: [] }
      return checkUserPage(await listing, null)
    },

    async getUser(acs_user_id: string): Promise<AcsUser> {
      return one('acs_user', await seam.acs.users.get({ acs_user_id }))
    },

    async createUser(input: CreateUserInput): Promise<AcsUser> {
      return readCreated(input, await seam.acs.users.create(input))
    },

    async updateUser(acs_user_id: string, changes: UserChanges): Promise<void> {
      await seam.acs.users.update({ acs_user_id, ...changes })
    },

    async deleteUser(acs_user_id: string): Promise<void> {
      await seam.acs.users.delete({ acs_user_id })
    },

    async suspendUser(acs_user_id: string): Promise<void> {
      await seam.acs.users.suspend({ acs_user_id })
    },

    async unsuspendUser(acs_user_id: string): Promise<void> {
      await seam.acs.users.unsuspend({ acs_user_id })
    },

    async addToAccessGroup(acs_user_id: string, acs_access_group_id: string): Promise<void> {
      await seam.acs.users.addToAccessGroup({ acs_user_id, acs_access_group_id })
    },

    async removeFromAccessGroup(acs_user_id: string, acs_access_group_id: string): Promise<void> {
      await seam.acs.users.removeFromAccessGroup({ acs_user_id, acs_access_group_id })
    },

    async revokeAccessToAllEntrances(acs_user_id: string): Promise<void> {
      await seam.acs.users.revokeAccessToAllEntrances({ acs_user_id })
    },

    async listAccessibleEntrances(acs_user_id: string): Promise<AcsEntrance[]> {
      return list(
        'acs_entrance',
        await seam.acs.users.listAccessibleEntrances({ acs_user_id }),
        'entrances',
      )
    },

    async listEvents(request: ParsedRequestOf<'events.list'>): Promise<SeamEvent[]> {
      const { acs_system_id, acs_user_id, since, event_types } = request
      const events = await seam.events.list({
        since,
        ...(acs_system_id !== undefined && { acs_system_id }),
        ...(acs_user_id !== undefined && { acs_user_id }),
        ...(event_types !== undefined && { event_types: event_types as never }),
      })
      return list('event', events, 'events')
    },
  }
}

/**
 * The person Seam just created. They exist now, so an answer that cannot be read in full must
 * not read as a failure (the outbox would create them again): a field that fails the checks is
 * taken from what was sent instead, and the next read shows Seam's own. Only when even the id
 * is unreadable is the outcome unknown, and said so.
 */
export function readCreated(input: CreateUserInput, raw: unknown): AcsUser {
  const checked = checkRecord('acs_user', raw)
  if (checked.ok) return checked.value
  const { id, message } = checked.refusal
  if (id === null) {
    throw new KeyholderFailure({
      kind: 'unreachable',
      uncertain: true,
      message: `${message} Seam may have created the person; Keyholder will look for them.`,
    })
  }
  console.warn(`Keyholder: created ${id}: refused ${checked.refusal.field}; kept what was sent`)
  const salvaged = checkRecord('acs_user', {
    acs_user_id: id,
    acs_system_id: input.acs_system_id,
    full_name: input.full_name,
    display_name: input.full_name,
    ...(input.email_address !== undefined && { email_address: input.email_address }),
    ...(input.phone_number !== undefined && { phone_number: input.phone_number }),
    ...(input.user_identity_id !== undefined && { user_identity_id: input.user_identity_id }),
    ...(input.access_schedule !== undefined && { access_schedule: input.access_schedule }),
  })
  if (salvaged.ok) return salvaged.value
  throw new KeyholderFailure({ kind: 'server', status: 200, message })
}
