/**
 * Runs one random history against real parts — the sandbox behind the fault proxy, main's
 * services, a fresh fake-indexeddb client — and the sequential model beside it, and says in
 * what the outcome differs from the model.
 */
import { unwrap } from '../../../src/shared/errors'
import { pullSystems, pullUsers } from '../../../src/renderer/lib/sync/pull'
import { Abandon } from '../../../src/renderer/lib/sync/replayer'
import type { KeyholderDb } from '../../../src/renderer/lib/db/schema'
import type { OperationName } from '../../../src/renderer/lib/sync/outbox-types'
import type { Edit } from '../../../src/renderer/lib/sync/outbox'
import { openClient, startRig, type Client, type OfflineRig } from '../../support/offline'
import { startFaultProxy, type Fault, type FaultProxy } from '../proxy'
import {
  EMAILS,
  FIELDS,
  NAMES,
  PHONES,
  SCHEDULES,
  valueOf,
  type FaultKind,
  type Field,
  type History,
  type OurEdit,
  type OutsideWrite,
  type Restart,
  type RestartPoint,
} from './history'
import { Model, same, type PersonState } from './model'
import { decide, deletedElsewhere, reasonOf, waitsForPerson, type PersonContext } from './person'

export interface World {
  rig: OfflineRig
  proxy: FaultProxy
  acs_system_id: string
  groups: string[]
  requestTimeoutMs: number
  /** The faults of the online phase under way; none outside one. */
  plan: { faults: FaultKind[]; next: number; log: string[] } | null
}

export interface Violation {
  /** What kind of promise broke, the same for the same bug (for counting). */
  kind: string
  detail: string
}

export interface Stats {
  histories: number
  ours: Record<string, number>
  outside: Record<string, number>
  faults: Record<string, number>
  restarts: number
  failures: number
  kinds: Record<string, number>
}

export const emptyStats = (): Stats => ({
  histories: 0,
  ours: {},
  outside: {},
  faults: {},
  restarts: 0,
  failures: 0,
  kinds: {},
})

const bump = (record: Record<string, number>, key: string, by = 1) =>
  void (record[key] = (record[key] ?? 0) + by)

/** Requests the plan's faults apply to: what the replayer sends, not the probe or the pull. */
const FAULTED = /^\/acs\/(users\/|access_groups\/list)/

export async function startWorld(requestTimeoutMs: number): Promise<World> {
  const holder: { world?: World } = {}
  let proxy: FaultProxy | undefined
  const rig = await startRig({
    users: 6,
    requestTimeoutMs,
    endpoint: async (sandbox) => {
      proxy = await startFaultProxy(sandbox.endpoint, (url): Fault => {
        const plan = holder.world?.plan
        const path = new URL(url, 'http://proxy').pathname
        if (!plan || !FAULTED.test(path)) return { kind: 'pass' }
        const kind = plan.faults[plan.next++] ?? 'pass'
        if (kind !== 'pass') plan.log.push(`fault: ${kind} on ${path.replace('/acs/', '')}`)
        return toFault(kind, requestTimeoutMs)
      })
      return proxy.url
    },
  })
  // The system with the most access groups: group edits need somewhere to go.
  const systems = await patiently(async () => unwrap(await rig.api.invoke('systems.list', {})))
  let best: { acs_system_id: string; groups: string[] } | undefined
  for (const s of systems) {
    const groups = await patiently(async () =>
      unwrap(await rig.api.invoke('access_groups.list', { acs_system_id: s.acs_system_id })),
    )
    if (!best || groups.length > best.groups.length) {
      best = { acs_system_id: s.acs_system_id, groups: groups.map((g) => g.acs_access_group_id) }
    }
  }
  if (!best || best.groups.length < 2) throw new Error('The sandbox has no system with groups')
  holder.world = { rig, proxy: proxy!, ...best, requestTimeoutMs, plan: null }
  return holder.world
}

export async function stopWorld(world: World): Promise<void> {
  await world.rig.dispose()
  await world.proxy.close()
}

function toFault(kind: FaultKind, timeoutMs: number): Fault {
  switch (kind) {
    case 'pass':
      return { kind: 'pass' }
    case 'drop_request':
    case 'drop_response':
    case 'applied_then_500':
      return { kind }
    case 'hold_then_apply':
      // Past main's timeout, so its SDK gives up; then Seam applies it.
      return { kind: 'hold_then_apply', ms: timeoutMs + 100 }
    case 'rate_limited':
      return { kind: 'status', status: 429, retry_after: 0 }
  }
}

interface Person {
  key: string
  kind: 'existing' | 'ours' | 'outside'
  /** Seam's id, for people made in Seam directly. */
  id?: string
  /** Ours: the temporary id the outbox gave them, and what the create asked for. */
  temp?: string
  params?: Record<string, unknown>
  /** Gone from the person's screen: they deleted them, or their create was cancelled. */
  gone: boolean
}

interface Running {
  client: Client
  abandoned: Promise<void>
  dead: () => boolean
}

/**
 * The test's own reads (not the core's): on a busy machine one may outlast main's short
 * timeout, which is no finding, so they are simply asked again.
 */
async function patiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read()
    } catch (cause) {
      if (attempt >= 5) throw cause
      await sleep(50 * attempt)
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs one history; returns what broke (nothing when the core kept every promise). */
export async function runHistory(
  world: World,
  h: History,
  stats: Stats,
): Promise<{ violations: Violation[]; trace: string[] }> {
  const { rig, proxy, acs_system_id, groups } = world
  const seam = rig.seam
  const violations: Violation[] = []
  /** What happened, in order, for a failure's message. */
  const trace: string[] = []
  const fail = (kind: string, detail: string) => violations.push({ kind, detail })
  const model = new Model()
  const people: Person[] = []
  const faultsBefore = { ...proxy.applied }
  world.plan = null
  proxy.resetCounts()

  const keepMine = (ordinal: number, field: string) =>
    h.decisions[(ordinal + Math.max(0, FIELDS.indexOf(field as Field))) % h.decisions.length]!
  const db: KeyholderDb = openClient(rig.api).db
  let current: Running | undefined
  const stopped: Promise<void>[] = []

  const realId = async (p: Person): Promise<string | undefined> =>
    p.id ?? (p.temp ? (await db.id_map.get(p.temp))?.acs_user_id : undefined)

  try {
    // The people of this history, made in Seam directly.
    for (const [i, seed] of h.people.entries()) {
      const state: PersonState = {
        full_name: NAMES[seed.name]!,
        email_address: seed.email === null ? null : EMAILS[seed.email]!,
        phone_number: seed.phone === null ? null : PHONES[seed.phone]!,
        access_schedule: null,
        is_suspended: seed.suspended,
        groups: new Set(seed.groups.map((g) => groups[g % groups.length]!)),
        deleted: false,
      }
      const user = await seam.acs.users.create({
        acs_system_id,
        full_name: state.full_name,
        ...(state.email_address && { email_address: state.email_address }),
        ...(state.phone_number && { phone_number: state.phone_number }),
        acs_access_group_ids: [...state.groups],
      })
      if (state.is_suspended) await seam.acs.users.suspend({ acs_user_id: user.acs_user_id })
      people.push({ key: `p${i}`, kind: 'existing', id: user.acs_user_id, gone: false })
      model.exists(`p${i}`, state)
    }
    await patiently(() => pullSystems(db, rig.api))
    await patiently(() => pullUsers(db, rig.api, acs_system_id))

    const launch = (plan: Restart | undefined): Running => {
      let calls = 0
      let dead = false
      let signal = () => {}
      const abandoned = new Promise<void>((resolve) => (signal = resolve))
      const hook = (point: RestartPoint) => () => {
        // After the crash, nothing of this replayer goes on (its other requests included).
        if (dead) throw new Abandon('crashed earlier')
        if (plan?.point === point && calls++ === plan.after) {
          dead = true
          signal()
          throw new Abandon(point)
        }
      }
      const client = openClient(rig.api, {
        db,
        hooks: {
          beforeSend: hook('beforeSend'),
          afterMark: hook('afterMark'),
          afterSend: hook('afterSend'),
          beforeCommit: hook('beforeCommit'),
        },
        settleAfterMs: world.requestTimeoutMs * 2,
      })
      client.replayer.start()
      return { client, abandoned, dead: () => dead }
    }

    const ours = async (edit: OurEdit, client: Client) => {
      const outbox = client.outbox
      if (edit.op === 'create') {
        const params = {
          acs_system_id,
          full_name: NAMES[edit.name]!,
          ...(edit.email !== null && { email_address: EMAILS[edit.email]! }),
          ...(edit.phone !== null && { phone_number: PHONES[edit.phone]! }),
          ...(edit.schedule !== null && { access_schedule: SCHEDULES[edit.schedule]! }),
          ...(edit.group !== null && {
            acs_access_group_ids: [groups[edit.group % groups.length]!],
          }),
        } as Extract<Edit, { op: 'create' }>['params']
        const result = await outbox.enqueue({ op: 'create', params })
        const key = `c${people.filter((p) => p.kind === 'ours').length}`
        people.push({ key, kind: 'ours', temp: result.target_id, params, gone: false })
        model.enqueue(
          key,
          'create',
          params,
          {},
          { entry_id: result.entry?.id ?? null, cancelled: false },
        )
        bump(stats.ours, 'create')
        trace.push(
          `ours: create ${key} #${model.ordinalOf(result.entry?.id ?? '')} ${JSON.stringify({ ...params, acs_system_id: undefined })}`,
        )
        return
      }
      const shown = people.filter((p) => !p.gone)
      const person = shown[edit.who % Math.max(1, shown.length)]
      if (!person) return
      const target = person.temp ?? person.id!
      const view = await outbox.view(target)
      // Not on the screen (deleted in Seam and refreshed away, or never pulled): no edit.
      if (!view || view.pending_delete) return
      let op: OperationName
      let params: Record<string, unknown> = {}
      let seen: Partial<Record<Field, unknown>> = {}
      switch (edit.op) {
        case 'update':
          op = 'update'
          for (const f of edit.fields) {
            const shown = (view as unknown as Record<string, unknown>)[f] ?? null
            // The form queues only what the person changed.
            if (same(shown, valueOf(f, edit.value))) continue
            params[f] = valueOf(f, edit.value)
            seen[f] = shown
          }
          if (Object.keys(params).length === 0) return
          break
        case 'toggle_suspend':
          op = view.is_suspended ? 'unsuspend' : 'suspend'
          break
        case 'group':
          op = edit.add ? 'add_to_access_group' : 'remove_from_access_group'
          params = { acs_access_group_id: groups[edit.group % groups.length]! }
          break
        case 'revoke':
          op = 'revoke_access_to_all_entrances'
          break
        case 'delete':
          op = 'delete'
          break
      }
      const result = await outbox.enqueue({ op, target_id: target, params } as Edit)
      if (op !== 'update') seen = {}
      model.enqueue(person.key, op, params, seen, {
        entry_id: result.entry?.id ?? null,
        cancelled: result.cancelled,
      })
      if (op === 'delete') person.gone = true
      bump(stats.ours, op)
      trace.push(
        `ours: ${op} ${person.key} #${model.ordinalOf(result.entry?.id ?? '')}${result.cancelled ? ' (cancelled its create)' : ''} ${JSON.stringify(params)} seen ${JSON.stringify(seen)}`,
      )
    }

    const outside = async (write: OutsideWrite) => {
      if (write.op === 'create_like') {
        const ourCreates = people.filter((p) => p.kind === 'ours')
        const like = ourCreates.length ? ourCreates[write.of % ourCreates.length]! : undefined
        const from = (like?.params as Record<string, string | undefined> | undefined) ?? {
          full_name: NAMES[write.of % NAMES.length],
          email_address: EMAILS[write.of % EMAILS.length],
        }
        const state: PersonState = {
          full_name: from.full_name!,
          email_address: (write.with_email && from.email_address) || null,
          phone_number: from.phone_number ?? null,
          access_schedule: null,
          is_suspended: false,
          groups: new Set(),
          deleted: false,
        }
        const user = await seam.acs.users.create({
          acs_system_id,
          full_name: state.full_name,
          ...(state.email_address && { email_address: state.email_address }),
          ...(state.phone_number && { phone_number: state.phone_number }),
        })
        const key = `o${people.filter((p) => p.kind === 'outside').length}`
        people.push({ key, kind: 'outside', id: user.acs_user_id, gone: false })
        model.exists(key, state)
        bump(stats.outside, write.op)
        trace.push(
          `outside: create ${key} like ${like?.key ?? 'nobody'} ${state.full_name} ${state.email_address} ${state.phone_number}`,
        )
        return
      }
      const inSeam: { person: Person; id: string; state: PersonState }[] = []
      for (const person of people) {
        const state = model.server.get(person.key)
        const id = await realId(person)
        if (state && !state.deleted && id) inSeam.push({ person, id, state })
      }
      const target = inSeam[write.who % Math.max(1, inSeam.length)]
      if (!target) return
      const { id: acs_user_id, person, state } = target
      switch (write.op) {
        case 'set': {
          const value = valueOf(write.field, write.value)
          const changes: Record<string, unknown> = { acs_user_id, [write.field]: value }
          await seam.acs.users.update(changes as Parameters<typeof seam.acs.users.update>[0])
          model.outside(person.key, (s) => {
            ;(s as unknown as Record<string, unknown>)[write.field] = value
          })
          break
        }
        case 'toggle_suspend':
          if (state.is_suspended) await seam.acs.users.unsuspend({ acs_user_id })
          else await seam.acs.users.suspend({ acs_user_id })
          model.outside(person.key, (s) => void (s.is_suspended = !s.is_suspended))
          break
        case 'group': {
          const acs_access_group_id = groups[write.group % groups.length]!
          if (write.add) await seam.acs.users.addToAccessGroup({ acs_user_id, acs_access_group_id })
          else await seam.acs.users.removeFromAccessGroup({ acs_user_id, acs_access_group_id })
          model.outside(person.key, (s) =>
            write.add ? s.groups.add(acs_access_group_id) : s.groups.delete(acs_access_group_id),
          )
          break
        }
        case 'delete':
          await seam.acs.users.delete({ acs_user_id })
          model.outside(person.key, (s) => void (s.deleted = true))
          break
      }
      bump(stats.outside, write.op)
      trace.push(`outside: ${JSON.stringify({ ...write, who: person.key })}`)
    }

    for (const [phaseIndex, phase] of h.phases.entries()) {
      // Offline: our edits queue up, others write to Seam.
      const offline = openClient(rig.api, { db })
      for (const step of phase.offline) {
        if ('ours' in step) await ours(step.ours, offline)
        else await outside(step.outside)
      }

      // Online: replay with faults and crashes, edits still being made meanwhile.
      trace.push(
        `online: faults ${phase.online.faults.join(' ')}; restarts ${JSON.stringify(phase.online.restarts)}`,
      )
      world.plan = { faults: phase.online.faults, next: 0, log: trace }
      const restarts = [...phase.online.restarts]
      current = launch(restarts.shift())
      for (const edit of phase.online.concurrent) await ours(edit, current.client)

      /**
       * Replays (restarting crashed replayers) until nothing can go on its own: 'settled' when
       * nothing waits to be sent, 'blocked' when what waits is behind an entry that waits on the
       * person.
       */
      const untilQuiet = async (): Promise<'settled' | 'blocked' | 'stuck'> => {
        const deadline = Date.now() + 60_000
        for (;;) {
          await Promise.race([current!.client.replayer.idle(), current!.abandoned])
          if (current!.dead()) {
            stats.restarts += 1
            trace.push(`restart`)
            stopped.push(current!.client.replayer.stop())
            current = launch(restarts.shift())
            continue
          }
          const entries = await db.outbox.orderBy('id').toArray()
          const waiting = entries.filter((e) => e.status === 'queued' || e.status === 'sending')
          if (waiting.length === 0) return 'settled'
          const heads = new Map<string, (typeof entries)[number]>()
          for (const e of entries) if (!heads.has(e.target_id)) heads.set(e.target_id, e)
          // One that went ahead and is on its way, or whose outcome is being waited out, is
          // not held back: it goes by itself once that wait is over.
          const onItsWay = (e: (typeof entries)[number]) =>
            e.status === 'sending' || e.next_attempt_at > Date.now()
          if (
            waiting.every(
              (e) =>
                !onItsWay(e) &&
                heads.get(e.target_id) !== e &&
                waitsForPerson(heads.get(e.target_id)!),
            )
          ) {
            for (const e of waiting) {
              // A suspend, revoke or delete must not wait behind an edit the person has to fix
              // (behind a person deleted elsewhere, nothing is held back).
              if (deletedElsewhere(heads.get(e.target_id)!)) continue
              // Nor behind the create of a person added offline: nothing of theirs can go first.
              if (e.target_id.startsWith('tmp_')) continue
              if (
                e.op === 'suspend' ||
                e.op === 'revoke_access_to_all_entrances' ||
                e.op === 'delete'
              ) {
                const head = heads.get(e.target_id)!
                fail(
                  `held-back:${e.op}`,
                  `phase ${phaseIndex}: ${e.op} waits behind ${head.op} ${head.status}`,
                )
              }
            }
            return 'blocked'
          }
          if (Date.now() > deadline) return 'stuck'
          await sleep(10)
        }
      }

      // The person answers what waits on them until nothing does.
      let settled = false
      for (let round = 0; round < 8 && !settled; round++) {
        const quiet = await untilQuiet()
        if (quiet === 'stuck') {
          fail('replay-stuck', `phase ${phaseIndex}: entries still queued or sending after 60 s`)
          break
        }
        // Requests held past the timeout land now, before anyone looks.
        await proxy.quiet()
        const entries = await db.outbox.orderBy('id').toArray()
        if (entries.length === 0) {
          settled = true
          break
        }
        const claimed = new Set((await db.id_map.toArray()).map((m) => m.acs_user_id))
        const context: PersonContext = {
          choose: (entry, field) =>
            keepMine(model.ordinalOf(entry.id) ?? 0, field) ? 'mine' : 'theirs',
          isOurs: (id) => proxy.created.includes(id),
          claimed,
        }
        let decided = 0
        for (const entry of entries) {
          if (!waitsForPerson(entry)) continue
          if (!reasonOf(entry)) {
            fail(
              `no-reason:${entry.status}`,
              `phase ${phaseIndex}: ${entry.op} waits without a reason`,
            )
          }
          const decisions = await decide(current.client.outbox, entry, context)
          for (const d of decisions) {
            trace.push(
              `person: ${d.kind} ${entry.op} #${model.ordinalOf(entry.id)} ${'field' in d ? `${d.field} ${d.choice}` : 'why' in d ? d.why : ''}`,
            )
          }
          decided += decisions.length
        }
        if (decided === 0 && entries.every(waitsForPerson)) break
      }
      if (!settled) {
        const left = await db.outbox.orderBy('id').toArray()
        if (left.length) {
          fail(
            'left-in-outbox',
            `phase ${phaseIndex}: ${left.map((e) => `${e.op} ${e.status} (${reasonOf(e) ?? 'no reason'})`).join('; ')}`,
          )
        }
      }
      world.plan = null
      stopped.push(current.client.replayer.stop())
      await Promise.all(stopped.splice(0))
      await proxy.quiet()
      model.replay(keepMine)
      // Checked after every phase, so a failure names the phase it began in.
      if (violations.length === 0) await check(phaseIndex)
      if (violations.length) break
      // Back online, the screen refreshes: the next offline edits start from what Seam has.
      await patiently(() => pullUsers(db, rig.api, acs_system_id))
    }
  } catch (cause) {
    fail('exception', cause instanceof Error ? (cause.stack ?? cause.message) : String(cause))
  } finally {
    world.plan = null
    if (current) stopped.push(current.client.replayer.stop())
    await Promise.allSettled(stopped)
    await proxy.quiet()
    for (const [kind, n] of Object.entries(proxy.applied)) {
      if (kind !== 'pass') bump(stats.faults, kind, n - (faultsBefore[kind] ?? 0))
    }
    // Independent histories: everyone this one made leaves Seam.
    const made = new Set(proxy.created)
    for (const p of people) if (p.id) made.add(p.id)
    await Promise.allSettled([...made].map((acs_user_id) => seam.acs.users.delete({ acs_user_id })))
    db.close()
    await db.delete().catch(() => undefined)
  }
  stats.histories += 1
  if (violations.length) {
    stats.failures += 1
    for (const kind of new Set(violations.map((v) => v.kind))) bump(stats.kinds, kind)
  }
  return { violations, trace }

  async function check(phaseIndex: number) {
    const at = (kind: string, detail: string) => fail(kind, `after phase ${phaseIndex}: ${detail}`)
    const idMap = await db.id_map.toArray()
    const byReal = new Map<string, string>()
    for (const p of people) {
      const state = model.server.get(p.key)
      const id = await realId(p)
      // The first person with that id: a create matched to someone else's user names them.
      if (id && !byReal.has(id)) byReal.set(id, p.key)
      if (!state) continue
      if (!id) {
        at('create-unconfirmed', `${p.key} (${state.full_name}) has no Seam id`)
        continue
      }
      const user = await seam.acs.users.get({ acs_user_id: id }).catch(() => null)
      if (state.deleted) {
        if (user) at(`state:deleted:${p.kind}`, `${p.key} should be deleted, is in Seam`)
        continue
      }
      if (!user) {
        at(`state:missing:${p.kind}`, `${p.key} (${state.full_name}) is not in Seam`)
        continue
      }
      const actual: Record<string, unknown> = {
        full_name: user.full_name,
        email_address: user.email_address ?? null,
        phone_number: user.phone_number ?? null,
        access_schedule: user.access_schedule ?? null,
        is_suspended: Boolean(user.is_suspended),
      }
      for (const [field, value] of Object.entries(actual)) {
        const expected = (state as unknown as Record<string, unknown>)[field]
        if (!same(value, expected)) {
          at(
            `state:${field}:${p.kind}`,
            `${p.key}.${field}: Seam has ${JSON.stringify(value)}, the model ${JSON.stringify(expected)}`,
          )
        }
      }
      const inGroups = (await seam.acs.accessGroups.list({ acs_user_id: id }))
        .map((g) => g.acs_access_group_id)
        .sort()
      const expectedGroups = [...state.groups].sort()
      if (JSON.stringify(inGroups) !== JSON.stringify(expectedGroups)) {
        at(
          `state:groups:${p.kind}`,
          `${p.key} groups: Seam has [${names(inGroups)}], the model [${names(expectedGroups)}]`,
        )
      }
    }
    // Every create made exactly one user, and it is the one its temporary id stands for.
    const temps = new Map<string, number>()
    for (const m of idMap) temps.set(m.acs_user_id, (temps.get(m.acs_user_id) ?? 0) + 1)
    for (const [id, n] of temps) {
      if (n > 1) at('create-shared', `${n} creates were matched to one user (${byReal.get(id)})`)
      if (!proxy.created.includes(id)) {
        at(
          'create-adopted-other',
          `a create was matched to ${byReal.get(id) ?? 'a user'} Keyholder did not make`,
        )
      }
    }
    for (const id of proxy.created) {
      if (!temps.has(id))
        at('create-duplicate', `Keyholder made a user no create stands for (${NAMESOF(id)})`)
    }
    // No write reached Seam more often than it was queued.
    for (const [key, n] of proxy.applications) {
      const [op, id] = key.split(' ') as [string, string]
      if (op === 'create') continue
      const person = byReal.get(id) ?? 'someone else'
      const intended = model.intended.get(`${op} ${person}`) ?? 0
      if (n > intended) {
        at(`applied-too-often:${op}`, `${op} of ${person} applied ${n}×, queued ${intended}×`)
      }
    }
    function names(ids: string[]) {
      return ids.map((g) => `g${groups.indexOf(g)}`).join(' ')
    }
    function NAMESOF(id: string) {
      return byReal.get(id) ?? id.slice(0, 8)
    }
  }
}

/** A history as text, for a failure message. */
export function describe(h: History): string {
  return JSON.stringify(h)
}
