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
import type { ProbeOutcome } from '../connectivity'
import { toKeyholderError } from './errors'

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
 * The SDK ships its own, newer copy of the API types; Keyholder's domain types come from the
 * `@seamapi/types` release the registry here offers. The JSON is the same; only the two
 * snapshots of its description differ (a few enum members, an undocumented field), so results
 * are re-labelled here, at the one boundary, rather than throughout the app.
 */
const as = <T>(value: unknown): T => value as T

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
  /** Unknown until the first listing; Seam's own fake, for one, answers without pagination. */
  let paginates: boolean | undefined

  return {
    endpoint,

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
      return as<AcsSystem[]>(await seam.acs.systems.list())
    },

    async listAccessGroups(acs_system_id: string): Promise<AcsAccessGroup[]> {
      return as<AcsAccessGroup[]>(await seam.acs.accessGroups.list({ acs_system_id }))
    },

    async listGroupUserIds(acs_access_group_id: string): Promise<string[]> {
      const users = await seam.acs.accessGroups.listUsers({ acs_access_group_id })
      return users.map((u) => u.acs_user_id)
    },

    async listUserAccessGroups(acs_user_id: string): Promise<AcsAccessGroup[]> {
      return as<AcsAccessGroup[]>(await seam.acs.accessGroups.list({ acs_user_id }))
    },

    /**
     * One page of a system's users through the SDK's paginator. A server that answers without
     * pagination gets one request for everything, remembered so later listings go straight there.
     */
    async listUsersPage(request: ParsedRequestOf<'users.list_page'>): Promise<UserPage> {
      const { acs_system_id, limit, page_cursor, search } = request
      const list = seam.acs.users.list({
        acs_system_id,
        ...(limit !== undefined && { limit }),
        ...(search !== undefined && { search }),
      })
      if (paginates !== false) {
        try {
          const pages = seam.createPaginator(list)
          const [users, pagination] = page_cursor
            ? await pages.nextPage(page_cursor as SeamPageCursor)
            : await pages.firstPage()
          paginates = true
          return {
            acs_users: as<AcsUser[]>(users),
            next_page_cursor: pagination.hasNextPage ? pagination.nextPageCursor : null,
          }
        } catch (cause) {
          if (!(cause instanceof SeamHttpInvalidResponseError) || paginates === true) throw cause
          paginates = false
        }
      }
      // Without pagination there are no further pages: a cursor can only come from a page
      // that said there were more, which such a server never does.
      if (page_cursor) return { acs_users: [], next_page_cursor: null }
      return { acs_users: as<AcsUser[]>(await list), next_page_cursor: null }
    },

    async getUser(acs_user_id: string): Promise<AcsUser> {
      return as<AcsUser>(await seam.acs.users.get({ acs_user_id }))
    },

    async createUser(input: CreateUserInput): Promise<AcsUser> {
      return as<AcsUser>(await seam.acs.users.create(input))
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
      return as<AcsEntrance[]>(await seam.acs.users.listAccessibleEntrances({ acs_user_id }))
    },

    async listEvents(request: ParsedRequestOf<'events.list'>): Promise<SeamEvent[]> {
      const { acs_system_id, acs_user_id, since, event_types } = request
      const events = await seam.events.list({
        since,
        ...(acs_system_id !== undefined && { acs_system_id }),
        ...(acs_user_id !== undefined && { acs_user_id }),
        ...(event_types !== undefined && { event_types: event_types as never }),
      })
      return as<SeamEvent[]>(events)
    },
  }
}
