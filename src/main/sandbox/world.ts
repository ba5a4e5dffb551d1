/**
 * The sandbox's state: Seam's own fake database, plus the little the fake has no room for
 * (user errors / warnings / pending mutations, which doors each access group opens, system
 * time zones). `present*` turn the fake's records into objects of the real API's shape, which
 * the contract tests check against the official schemas.
 */
import type { Database } from '@seamapi/fake-seam-connect'
import type {
  AcsAccessGroup,
  AcsEntrance,
  AcsSystem,
  AcsUser,
  SeamEvent,
} from '../../shared/domain'
import type { UserIssues } from './demo-issues'

/**
 * `fake.database` is typed as the plain state, but at run time it is the fake's (hoisted)
 * zustand store, which also has `setState`: we use that for bulk loads the fake's one-at-a-time
 * helpers would make quadratic.
 */
export type FakeDb = Database & { setState(partial: Partial<Database>): void }

export type FakeUser = Database['acs_users'][number]
export type FakeSystem = Database['acs_systems'][number]
export type FakeGroup = Database['acs_access_groups'][number]
export type FakeEntrance = Database['acs_entrances'][number]
export type FakeIdentity = Database['user_identities'][number]

export interface SystemMeta {
  time_zone: string
  external_type_display_name: string
  /** What the real API calls this brand's users, for users created through the API. */
  user_external_type: NonNullable<AcsUser['external_type']>
}

export class SandboxWorld {
  readonly issues = new Map<string, UserIssues>()
  /** Access group id → the entrances its members may open. */
  readonly groupEntrances = new Map<string, string[]>()
  readonly systems = new Map<string, SystemMeta>()
  readonly lastSync = new Map<string, string>()
  /** Names of linked user identities, which the fake does not copy onto users. */
  readonly identityNames = new Map<string, string>()
  #sortedCache: { source: FakeUser[]; bySystem: Map<string, FakeUser[]> } | undefined

  constructor(
    /** The fake's live database (its getters always read the current state). */
    readonly db: FakeDb,
    readonly workspace_id: string,
  ) {}

  user(acs_user_id: string): FakeUser | undefined {
    return this.db.acs_users.find((u) => u.acs_user_id === acs_user_id)
  }

  system(acs_system_id: string): FakeSystem | undefined {
    return this.db.acs_systems.find((s) => s.acs_system_id === acs_system_id)
  }

  groupsOfUser(acs_user_id: string): FakeGroup[] {
    return this.db.acs_access_groups.filter((g) => g._acs_user_ids.includes(acs_user_id))
  }

  /**
   * Users in a stable order (created_at, then id), per system or all. The fake replaces its
   * users array on every change, so the array itself tells whether the cache is current.
   */
  sortedUsers(acs_system_id: string | undefined): FakeUser[] {
    const source = this.db.acs_users
    if (this.#sortedCache?.source !== source) this.#sortedCache = { source, bySystem: new Map() }
    const key = acs_system_id ?? '*'
    let sorted = this.#sortedCache.bySystem.get(key)
    if (!sorted) {
      sorted = source
        .filter((u) => !acs_system_id || u.acs_system_id === acs_system_id)
        .sort(compareUsers)
      this.#sortedCache.bySystem.set(key, sorted)
    }
    return sorted
  }

  presentUser(user: FakeUser): AcsUser {
    const system = this.system(user.acs_system_id)
    const issues = this.issues.get(user.acs_user_id)
    const identityName = user.user_identity_id
      ? this.identityNames.get(user.user_identity_id)
      : undefined
    return {
      ...user,
      connected_account_id: system?.connected_account_id ?? '',
      errors: issues?.errors ?? [],
      warnings: issues?.warnings ?? [],
      pending_mutations: issues?.pending_mutations ?? [],
      is_managed: true,
      last_successful_sync_at: this.lastSync.get(user.acs_user_id) ?? null,
      ...(identityName !== undefined && { user_identity_full_name: identityName }),
    }
  }

  presentSystem(system: FakeSystem): AcsSystem {
    const meta = this.systems.get(system.acs_system_id)
    const external_type = system.external_type as AcsSystem['external_type']
    return {
      acs_system_id: system.acs_system_id,
      name: system.name,
      created_at: system.created_at,
      workspace_id: system.workspace_id,
      external_type,
      external_type_display_name: meta?.external_type_display_name ?? String(system.external_type),
      system_type: external_type,
      system_type_display_name: meta?.external_type_display_name ?? String(system.external_type),
      is_credential_manager: false,
      location: { time_zone: meta?.time_zone ?? null },
      connected_account_id: system.connected_account_id,
      connected_account_ids: [system.connected_account_id],
      image_url: `https://connect.getseam.com/assets/images/acs_systems/${String(system.external_type)}.png`,
      image_alt_text: `${meta?.external_type_display_name ?? 'Access system'} logo`,
      acs_user_count: this.db.acs_users.filter((u) => u.acs_system_id === system.acs_system_id)
        .length,
      acs_access_group_count: this.db.acs_access_groups.filter(
        (g) => g.acs_system_id === system.acs_system_id,
      ).length,
      errors: [],
      warnings: [],
    }
  }

  presentGroup(group: FakeGroup): AcsAccessGroup {
    const system = this.system(group.acs_system_id)
    const typeName = group.access_group_type.replace(/_/g, ' ')
    return {
      acs_access_group_id: group.acs_access_group_id,
      acs_system_id: group.acs_system_id,
      workspace_id: group.workspace_id,
      connected_account_id: system?.connected_account_id ?? '',
      name: group.name,
      display_name: group.name,
      access_group_type: group.access_group_type,
      access_group_type_display_name: typeName,
      external_type: group.external_type,
      external_type_display_name: typeName,
      created_at: group.created_at,
      errors: [],
      warnings: [],
      pending_mutations: [],
      is_managed: true,
    } as AcsAccessGroup
  }

  presentEntrance(entrance: FakeEntrance): AcsEntrance {
    const system = this.system(entrance.acs_system_id)
    return {
      acs_entrance_id: entrance.acs_entrance_id,
      acs_system_id: entrance.acs_system_id,
      display_name: entrance.display_name,
      created_at: entrance.created_at,
      connected_account_id: system?.connected_account_id ?? '',
      space_ids: [],
      errors: [],
      warnings: [],
    }
  }

  presentEvent(event: Database['events'][number]): SeamEvent {
    return { ...event } as SeamEvent
  }
}

export function compareUsers(a: FakeUser, b: FakeUser): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1
  return a.acs_user_id < b.acs_user_id ? -1 : a.acs_user_id > b.acs_user_id ? 1 : 0
}
