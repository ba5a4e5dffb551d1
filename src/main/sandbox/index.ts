/**
 * The embedded sandbox: Seam's own fake server (`@seamapi/fake-seam-connect`), seeded with
 * practice data, behind our thin layer on 127.0.0.1 that makes it answer like the real API
 * where Keyholder depends on it (see server.ts and routes.ts). It is what the app talks to when
 * no Seam workspace is configured, and what the tests and benchmarks run against.
 *
 * Sealed: the fake itself has no TCP port. It listens on a socket file in a folder only this
 * user can open (a named pipe on Windows), and only the layer talks to it, after checking the
 * sandbox key. The fake and faker are large: they are imported when the sandbox is chosen, not
 * when the app starts.
 */
import type { Database } from '@seamapi/fake-seam-connect'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { DemoSystem, DemoUser } from './demo-data'
import type { PlacedUser } from './demo-issues'
import { startLayer } from './server'
import { SandboxWorld, type FakeDb, type FakeIdentity, type FakeUser } from './world'

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number
  /** People spread over the three demo buildings. */
  users?: number
  /** People in one extra "load test" system, for trying the app with a very large list. */
  loadTestUsers?: number
  seed?: number
  /** Milliseconds added to every answer: a real server's distance, for benchmarks. */
  latencyMs?: number
  /**
   * The key it accepts (random unless given): a sandbox stopped and started again with the same
   * key (and port) is the same server to an app pointed at it, as after a real outage.
   */
  apiKey?: string
}

export interface Sandbox {
  endpoint: string
  apiKey: string
  world: SandboxWorld
  readonly connected: boolean
  /** Simulated connection loss: while false, every connection to the sandbox is cut. */
  setConnected(connected: boolean): void
  /** Where the fake behind the layer listens: a socket path, never a TCP port. */
  fakeAddress(): string | AddressInfo | null
  stop(): Promise<void>
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const { port = 0, users = 200, loadTestUsers = 0, seed = 1 } = options
  const [{ createFake }, { DEMO_SYSTEMS, demoUsers, LOAD_TEST_SYSTEM }, { placeIssues }] =
    await Promise.all([
      import('@seamapi/fake-seam-connect'),
      import('./demo-data'),
      import('./demo-issues'),
    ])
  const fake = await createFake()
  const db = fake.database as FakeDb
  // The real API's ids are UUIDs (and the official schemas insist); the fake counts by default.
  // The practice data gets the same ids on every start, so a cache (and edits queued offline)
  // from an earlier run still point at the same people; what is created later gets random ids,
  // so it can never be mistaken for something created in an earlier run.
  const uuid = seededUuid(seed)
  db.setState({ _getNextId: uuid })

  const workspace = db.addWorkspace({
    name: 'Keyholder sandbox',
    workspace_id: uuid(),
    is_sandbox: true,
  })
  const apiKey = options.apiKey ?? `seam_sandbox_${randomBytes(16).toString('hex')}`
  db.addApiKey({ name: 'Keyholder', token: apiKey, workspace_id: workspace.workspace_id })
  const world = new SandboxWorld(db, workspace.workspace_id)

  const now = Date.now()
  const systems = [...DEMO_SYSTEMS, ...(loadTestUsers > 0 ? [LOAD_TEST_SYSTEM] : [])]
  const ids = new Map(systems.map((s) => [s.key, addSystem(db, world, s, now)]))
  const allSystems = [...DEMO_SYSTEMS, LOAD_TEST_SYSTEM]
  const people = [
    ...demoUsers({ count: users, seed, now }),
    ...demoUsers({ count: loadTestUsers, seed: seed + 1, now, onlySystem: LOAD_TEST_SYSTEM }),
  ]
  const placed = addUsers(db, world, people, ids, allSystems)
  const demo = placed.filter((p) => p.system !== LOAD_TEST_SYSTEM.key)
  for (const [acs_user_id, issues] of placeIssues(demo, (key) => ids.get(key)?.groups ?? [], now)) {
    world.issues.set(acs_user_id, issues)
  }

  db.setState({ _getNextId: () => randomUUID() })

  // The fake passes `port` straight to `server.listen`, which takes a socket path as well: it
  // never gets a TCP port (it would bind every interface, as it names no host).
  const socketDir = await mkdtemp(join(tmpdir(), 'keyholder-sandbox-'))
  const fakeSocket =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\keyholder-sandbox-${randomBytes(16).toString('hex')}`
      : join(socketDir, 'fake.sock')
  const fakeServer = await fake.startServer({
    port: fakeSocket as unknown as number,
    baseUrl: 'http://localhost',
  })
  const layer = await startLayer({
    world,
    fakeSocket,
    port,
    ...(options.latencyMs && { latencyMs: options.latencyMs }),
  })

  return {
    endpoint: layer.url,
    apiKey,
    world,
    get connected() {
      return layer.connected
    },
    setConnected: (connected) => layer.setConnected(connected),
    fakeAddress: () => fakeServer.server.address(),
    stop: async () => {
      await layer.close()
      fakeServer.server.closeAllConnections?.()
      await new Promise<void>((resolve) => fakeServer.server.close(() => resolve()))
      await rm(socketDir, { recursive: true, force: true })
    },
  }
}

interface SystemIds {
  acs_system_id: string
  connected_account_id: string
  groups: string[]
  entrances: string[]
}

function addSystem(db: FakeDb, world: SandboxWorld, system: DemoSystem, now: number): SystemIds {
  const account = db.addConnectedAccount({
    provider: system.provider,
    workspace_id: world.workspace_id,
    user_identifier: { email: `facilities@${system.key}.example.com` },
    connected_account_id: db._getNextId('connected_account'),
    created_at: new Date(now - 800 * 86_400_000).toISOString(),
  })
  const added = db.addAcsSystem({
    // The fake's type lists only the brands it knows; the real API has these too.
    external_type: system.external_type as Parameters<Database['addAcsSystem']>[0]['external_type'],
    name: system.name,
    workspace_id: world.workspace_id,
    connected_account_id: account.connected_account_id,
    created_at: new Date(now - 800 * 86_400_000).toISOString(),
  })
  world.systems.set(added.acs_system_id, {
    time_zone: system.time_zone,
    external_type_display_name: system.external_type_display_name,
    user_external_type: system.user_external_type,
  })
  const entrances = system.entrances.map(
    (display_name) =>
      db.addAcsEntrance({ acs_system_id: added.acs_system_id, display_name }).acs_entrance_id,
  )
  const groups = system.groups.map((group) => {
    const { acs_access_group_id } = db.addAcsAccessGroup({
      acs_system_id: added.acs_system_id,
      external_type: group.type as Parameters<Database['addAcsAccessGroup']>[0]['external_type'],
      name: group.name,
      workspace_id: world.workspace_id,
    })
    world.groupEntrances.set(
      acs_access_group_id,
      group.entrances.map((name) => entrances[system.entrances.indexOf(name)]!),
    )
    return acs_access_group_id
  })
  return {
    acs_system_id: added.acs_system_id,
    connected_account_id: account.connected_account_id,
    groups,
    entrances,
  }
}

/**
 * Adds people through the fake's own `addAcsUser` and `addUserIdentity`, so records have exactly
 * its shape. Each of those copies its whole array on every call, so we let them work on short
 * batches (the array emptied before each) and write everything into the store once at the end:
 * seeding then takes time in proportion to the number of people.
 */
function addUsers(
  db: FakeDb,
  world: SandboxWorld,
  people: DemoUser[],
  ids: Map<string, SystemIds>,
  systems: DemoSystem[],
): PlacedUser[] {
  const systemOf = (person: DemoUser) => systems.find((s) => s.key === person.system)!
  const added: FakeUser[] = []
  const identities: FakeIdentity[] = []
  /** Access group or entrance id → the people added to it, in order. */
  const members = new Map<string, string[]>()
  const addMember = (id: string, acs_user_id: string) => {
    const list = members.get(id)
    if (list) list.push(acs_user_id)
    else members.set(id, [acs_user_id])
  }
  const placed: PlacedUser[] = []
  const existing = { acs_users: db.acs_users, user_identities: db.user_identities }
  const BATCH = 500
  for (let i = 0; i < people.length; i += BATCH) {
    db.setState({ acs_users: [], user_identities: [] })
    for (const person of people.slice(i, i + BATCH)) {
      const system = ids.get(person.system)!
      let identity: FakeIdentity | undefined
      if (person.identity) {
        identity = db.addUserIdentity({
          workspace_id: world.workspace_id,
          full_name: person.full_name,
          email_address: person.email_address,
          ...(person.phone_number && { phone_number: person.phone_number }),
        })
        identities.push(identity)
        world.identityNames.set(identity.user_identity_id, person.full_name)
      }
      const user = db.addAcsUser({
        external_type: systemOf(person).user_external_type as FakeUser['external_type'],
        acs_system_id: system.acs_system_id,
        workspace_id: world.workspace_id,
        full_name: person.full_name,
        email_address: person.email_address,
        created_at: person.created_at,
        is_suspended: person.is_suspended,
        ...(person.phone_number && { phone_number: person.phone_number }),
        ...(person.access_schedule && { access_schedule: person.access_schedule }),
        ...(identity && {
          user_identity_id: identity.user_identity_id,
          user_identity_email_address: person.email_address,
          ...(person.phone_number && { user_identity_phone_number: person.phone_number }),
        }),
      })
      added.push(user)
      world.lastSync.set(user.acs_user_id, person.last_successful_sync_at)
      const group_ids = person.groups.map((g) => system.groups[g]!)
      for (const group of group_ids) addMember(group, user.acs_user_id)
      for (const e of person.direct_entrances) addMember(system.entrances[e]!, user.acs_user_id)
      placed.push({ ...person, acs_user_id: user.acs_user_id, group_ids })
    }
  }
  db.setState({
    acs_users: existing.acs_users.concat(added),
    user_identities: existing.user_identities.concat(identities),
    acs_access_groups: db.acs_access_groups.map((g) => ({
      ...g,
      _acs_user_ids: g._acs_user_ids.concat(members.get(g.acs_access_group_id) ?? []),
    })),
    acs_entrances: db.acs_entrances.map((e) => ({
      ...e,
      _acs_user_ids: (e._acs_user_ids ?? []).concat(members.get(e.acs_entrance_id) ?? []),
    })),
    events: db.events.concat(
      added.map((u) => ({
        event_id: db._getNextId('event'),
        event_type: 'acs_user.created',
        workspace_id: world.workspace_id,
        created_at: u.created_at,
        occurred_at: u.created_at,
        event_description: 'An access system user was created.',
        acs_user_id: u.acs_user_id,
        acs_system_id: u.acs_system_id,
        connected_account_id: world.system(u.acs_system_id)?.connected_account_id,
      })),
    ),
  })
  return placed
}

/** Version-4-shaped UUIDs from a seeded generator (mulberry32): the same seed, the same ids. */
function seededUuid(seed: number): () => string {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
  return () => {
    const hex = Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join('')
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
  }
}
