/**
 * The endpoints our layer answers itself, because Seam's fake lacks them or answers them in a
 * shape the real API does not use: paginated and searchable user listings, access groups,
 * accessible entrances, revoking all access, and events filtered by system and user.
 * Everything reads and writes the fake's own database.
 */
import { z } from 'zod'
import type { SandboxWorld } from './world'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly validation_errors?: Record<string, { _errors: string[] }>,
  ) {
    super(message)
  }
}

export interface RouteContext {
  world: SandboxWorld
  /** The sandbox's own base URL, for `next_page_url`. */
  baseUrl: string
}

export type Route = (params: Record<string, unknown>, context: RouteContext) => unknown

const id = z.string().min(1)
const MAX_LIMIT = 10_000

function parse<T extends z.ZodTypeAny>(schema: T, params: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(params)
  if (result.success) return result.data as z.output<T>
  const validation_errors: Record<string, { _errors: string[] }> = {}
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '_errors')
    ;(validation_errors[key] ??= { _errors: [] })._errors.push(issue.message)
  }
  const first = result.error.issues[0]
  throw new ApiError(
    400,
    'invalid_input',
    `${first?.message ?? 'Invalid input'} for "${String(first?.path[0] ?? '')}"`,
    validation_errors,
  )
}

const userNotFound = () => new ApiError(404, 'acs_user_not_found', 'acs_user not found')

function requireUser(world: SandboxWorld, acs_user_id: string) {
  const user = world.user(acs_user_id)
  if (!user) throw userNotFound()
  return user
}

/** Opaque to clients: the sort key of the last user on the previous page. */
function encodeCursor(created_at: string, acs_user_id: string): string {
  return Buffer.from(JSON.stringify([created_at, acs_user_id])).toString('base64url')
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return value as [string, string]
    }
  } catch {
    // fall through
  }
  throw new ApiError(400, 'invalid_input', 'Invalid page_cursor', {
    page_cursor: { _errors: ['Invalid page_cursor'] },
  })
}

const listUsersParams = z.object({
  acs_system_id: id.optional(),
  user_identity_id: id.optional(),
  user_identity_email_address: z.string().optional(),
  user_identity_phone_number: z.string().optional(),
  search: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(500),
  created_before: z.string().datetime({ offset: true }).optional(),
  page_cursor: z.string().nullish(),
})

const listUsers: Route = (params, { world, baseUrl }) => {
  const p = parse(listUsersParams, params)
  const sorted = world.sortedUsers(p.acs_system_id)
  let start = 0
  if (p.page_cursor) {
    const [created_at, acs_user_id] = decodeCursor(p.page_cursor)
    // Binary search for the first user after the cursor: stable under inserts and deletes.
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const u = sorted[mid]!
      const after =
        u.created_at > created_at || (u.created_at === created_at && u.acs_user_id > acs_user_id)
      if (after) hi = mid
      else lo = mid + 1
    }
    start = lo
  }
  const needle = p.search?.trim().toLowerCase()
  const page = []
  let index = start
  for (; index < sorted.length && page.length < p.limit; index++) {
    const u = sorted[index]!
    if (p.user_identity_id && u.user_identity_id !== p.user_identity_id) continue
    if (
      p.user_identity_email_address &&
      u.user_identity_email_address !== p.user_identity_email_address
    )
      continue
    if (
      p.user_identity_phone_number &&
      u.user_identity_phone_number !== p.user_identity_phone_number
    )
      continue
    if (p.created_before && u.created_at >= p.created_before) continue
    if (needle && !matches(world, u, needle)) continue
    page.push(u)
  }
  const last = page.at(-1)
  const has_next_page = index < sorted.length && last !== undefined
  const next_page_cursor = has_next_page ? encodeCursor(last.created_at, last.acs_user_id) : null
  let next_page_url: string | null = null
  if (next_page_cursor) {
    const url = new URL('/acs/users/list', baseUrl)
    for (const [key, value] of Object.entries(params)) {
      if (key === 'page_cursor') continue
      if (typeof value === 'string' || typeof value === 'number')
        url.searchParams.set(key, String(value))
    }
    url.searchParams.set('page_cursor', next_page_cursor)
    next_page_url = url.toString()
  }
  return {
    acs_users: page.map((u) => world.presentUser(u)),
    pagination: { next_page_cursor, has_next_page, next_page_url },
  }
}

function matches(
  world: SandboxWorld,
  u: ReturnType<SandboxWorld['sortedUsers']>[number],
  needle: string,
) {
  const identityName = u.user_identity_id ? world.identityNames.get(u.user_identity_id) : undefined
  return [
    u.full_name,
    u.phone_number,
    u.email_address,
    u.acs_user_id,
    u.user_identity_id,
    identityName,
    u.user_identity_phone_number,
  ].some((value) => value?.toLowerCase().includes(needle))
}

const getUser: Route = (params, { world }) => {
  const { acs_user_id } = parse(z.object({ acs_user_id: id }), params)
  return { acs_user: world.presentUser(requireUser(world, acs_user_id)) }
}

const listAccessibleEntrances: Route = (params, { world }) => {
  const { acs_user_id } = parse(z.object({ acs_user_id: id }), params)
  requireUser(world, acs_user_id)
  const viaGroups = new Set(
    world
      .groupsOfUser(acs_user_id)
      .flatMap((g) => world.groupEntrances.get(g.acs_access_group_id) ?? []),
  )
  const entrances = world.db.acs_entrances.filter(
    (e) => viaGroups.has(e.acs_entrance_id) || (e._acs_user_ids ?? []).includes(acs_user_id),
  )
  return { acs_entrances: entrances.map((e) => world.presentEntrance(e)) }
}

/** Takes the user out of every access group and every directly granted entrance. */
const revokeAccessToAllEntrances: Route = (params, { world }) => {
  const { acs_user_id } = parse(z.object({ acs_user_id: id }), params)
  requireUser(world, acs_user_id)
  for (const group of world.groupsOfUser(acs_user_id)) {
    world.db.removeAcsUserFromAcsAccessGroup({
      acs_user_id,
      acs_access_group_id: group.acs_access_group_id,
    })
  }
  world.db.setState({
    acs_entrances: world.db.acs_entrances.map((e) =>
      (e._acs_user_ids ?? []).includes(acs_user_id)
        ? { ...e, _acs_user_ids: e._acs_user_ids.filter((u: string) => u !== acs_user_id) }
        : e,
    ),
  })
  return {}
}

const updateUserParams = z.object({
  acs_user_id: id,
  full_name: z.string().trim().min(1).optional(),
  email_address: z.string().email().optional(),
  email: z.string().email().optional(),
  phone_number: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'Invalid phone number')
    .optional(),
  access_schedule: z
    .object({
      starts_at: z.string().datetime({ offset: true }),
      ends_at: z.string().datetime({ offset: true }),
    })
    .nullable()
    .optional(),
})

/**
 * The fake answers 500 for an unknown user, writes only the deprecated `email`, and refuses
 * `access_schedule: null` (which the real API takes as "no schedule"): answered here instead.
 */
const updateUser: Route = (params, { world }) => {
  const p = parse(updateUserParams, params)
  const user = requireUser(world, p.acs_user_id)
  const email = p.email_address ?? p.email
  const next = {
    ...user,
    ...(p.full_name !== undefined && { full_name: p.full_name, display_name: p.full_name }),
    ...(email !== undefined && { email_address: email, email }),
    ...(p.phone_number !== undefined && { phone_number: p.phone_number }),
    ...(p.access_schedule && { access_schedule: p.access_schedule }),
  }
  if (p.access_schedule === null) delete next.access_schedule
  world.db.setState({ acs_users: world.db.acs_users.map((u) => (u === user ? next : u)) })
  return {}
}

const groupParams = z.object({ acs_user_id: id, acs_access_group_id: id })

function requireGroup(world: SandboxWorld, acs_access_group_id: string) {
  const group = world.db.acs_access_groups.find(
    (g) => g.acs_access_group_id === acs_access_group_id,
  )
  if (!group) throw new ApiError(404, 'acs_access_group_not_found', 'acs_access_group not found')
  return group
}

/** Idempotent, as in the real API (the fake would list the user twice). */
const addToAccessGroup: Route = (params, { world }) => {
  const p = parse(groupParams, params)
  requireUser(world, p.acs_user_id)
  if (!requireGroup(world, p.acs_access_group_id)._acs_user_ids.includes(p.acs_user_id)) {
    world.db.addAcsUserToAcsAccessGroup(p)
  }
  return {}
}

/** Removing someone who is not a member is not an error; an unknown group is. */
const removeFromAccessGroup: Route = (params, { world }) => {
  const p = parse(groupParams, params)
  requireUser(world, p.acs_user_id)
  if (requireGroup(world, p.acs_access_group_id)._acs_user_ids.includes(p.acs_user_id)) {
    world.db.removeAcsUserFromAcsAccessGroup(p)
  }
  return {}
}

const listAccessGroups: Route = (params, { world }) => {
  const p = parse(
    z.object({
      acs_system_id: id.optional(),
      acs_user_id: id.optional(),
      search: z.string().optional(),
    }),
    params,
  )
  const needle = p.search?.toLowerCase()
  const groups = world.db.acs_access_groups.filter(
    (g) =>
      (!p.acs_system_id || g.acs_system_id === p.acs_system_id) &&
      (!p.acs_user_id || g._acs_user_ids.includes(p.acs_user_id)) &&
      (!needle || g.name.toLowerCase().includes(needle)),
  )
  return { acs_access_groups: groups.map((g) => world.presentGroup(g)) }
}

const getAccessGroup: Route = (params, { world }) => {
  const { acs_access_group_id } = parse(z.object({ acs_access_group_id: id }), params)
  const group = world.db.acs_access_groups.find(
    (g) => g.acs_access_group_id === acs_access_group_id,
  )
  if (!group) throw new ApiError(404, 'acs_access_group_not_found', 'acs_access_group not found')
  return { acs_access_group: world.presentGroup(group) }
}

const listGroupUsers: Route = (params, { world }) => {
  const { acs_access_group_id } = parse(z.object({ acs_access_group_id: id }), params)
  const members = new Set(requireGroup(world, acs_access_group_id)._acs_user_ids)
  return {
    acs_users: world.db.acs_users
      .filter((u) => members.has(u.acs_user_id))
      .map((u) => world.presentUser(u)),
  }
}

const listSystems: Route = (params, { world }) => {
  const { connected_account_id } = parse(z.object({ connected_account_id: id.optional() }), params)
  const systems = world.db.acs_systems.filter(
    (s) =>
      s.workspace_id === world.workspace_id &&
      (!connected_account_id || s.connected_account_id === connected_account_id),
  )
  return { acs_systems: systems.map((s) => world.presentSystem(s)) }
}

const getSystem: Route = (params, { world }) => {
  const { acs_system_id } = parse(z.object({ acs_system_id: id }), params)
  const system = world.system(acs_system_id)
  if (!system) throw new ApiError(404, 'acs_system_not_found', 'acs_system not found')
  return { acs_system: world.presentSystem(system) }
}

const listEventsParams = z.object({
  since: z.string().datetime({ offset: true }).optional(),
  between: z
    .array(z.string().datetime({ offset: true }))
    .length(2)
    .optional(),
  event_type: z.string().optional(),
  event_types: z.array(z.string()).optional(),
  acs_system_id: id.optional(),
  acs_system_ids: z.array(id).optional(),
  acs_user_id: id.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(500),
})

const listEvents: Route = (params, { world }) => {
  const p = parse(listEventsParams, params)
  if (!p.since && !p.between) {
    throw new ApiError(400, 'invalid_input', 'Must specify either since or between', {
      since: { _errors: ['Must specify either since or between'] },
    })
  }
  const types = new Set([...(p.event_types ?? []), ...(p.event_type ? [p.event_type] : [])])
  const systems = new Set([
    ...(p.acs_system_ids ?? []),
    ...(p.acs_system_id ? [p.acs_system_id] : []),
  ])
  const [from, to] = p.between ?? [p.since!, undefined]
  const events = world.db.events
    .filter((e) => {
      const extra = e as { acs_system_id?: string; acs_user_id?: string }
      return (
        e.workspace_id === world.workspace_id &&
        e.occurred_at >= from! &&
        (to === undefined || e.occurred_at <= to) &&
        (types.size === 0 || types.has(e.event_type)) &&
        (systems.size === 0 ||
          (extra.acs_system_id !== undefined && systems.has(extra.acs_system_id))) &&
        (!p.acs_user_id || extra.acs_user_id === p.acs_user_id)
      )
    })
    // Newest first, as Seam lists them.
    .sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : a.occurred_at > b.occurred_at ? -1 : 0))
    .slice(0, p.limit)
  return { events: events.map((e) => world.presentEvent(e)) }
}

export const routes: Record<string, Route> = {
  '/acs/users/list': listUsers,
  '/acs/users/get': getUser,
  '/acs/users/update': updateUser,
  '/acs/users/add_to_access_group': addToAccessGroup,
  '/acs/users/remove_from_access_group': removeFromAccessGroup,
  '/acs/users/list_accessible_entrances': listAccessibleEntrances,
  '/acs/users/revoke_access_to_all_entrances': revokeAccessToAllEntrances,
  '/acs/access_groups/list': listAccessGroups,
  '/acs/access_groups/get': getAccessGroup,
  '/acs/access_groups/list_users': listGroupUsers,
  '/acs/systems/list': listSystems,
  '/acs/systems/get': getSystem,
  '/events/list': listEvents,
}

/** Query-string parameters that are arrays (`foo=a&foo=b`, as the Seam SDK sends them). */
export const ARRAY_PARAMS = new Set([
  'between',
  'event_types',
  'acs_system_ids',
  'device_ids',
  'acs_access_group_ids',
])
