/**
 * Issue 9, cases 1–3: creates (and a suspension) whose outcome the app cannot know, against
 * real parts — the sandbox behind the fault proxy, or Seam's own fake as shipped, with the real
 * main-process services and fake-indexeddb. Each test names what the old core did instead.
 */
import { createFake, type Fake } from '@seamapi/fake-seam-connect'
import { SeamHttp } from '@seamapi/http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createServices, type Services } from '../../src/main/services'
import { createVault } from '../../src/main/vault'
import { memoryCipher, MemoryStore } from '../../src/main/vault/memory'
import type { Api } from '../../src/renderer/lib/sync/api'
import type { ReplayLock } from '../../src/renderer/lib/sync/replay-lock'
import { Abandon } from '../../src/renderer/lib/sync/replayer'
import { startFaultProxy, type Fault, type FaultProxy } from '../fault/proxy'
import { startFaultRig, type FaultRig, type Rule } from '../support/fault-rig'
import {
  openClient,
  pullAll,
  replayUntilSettled,
  type Client,
  type OfflineRig,
} from '../support/offline'

/** Main gives up on a request after this long (short, so a late answer fits in a test). */
const MAIN_TIMEOUT_MS = 2_000

/** Waits until `n` people exist at Seam with that name. */
async function people(seam: SeamHttp, acs_system_id: string, full_name: string) {
  const all = await seam.acs.users.list({ acs_system_id, limit: 10_000 })
  return all.filter((u) => u.full_name === full_name)
}

/** Drops the answer of the first `count` creates (Seam applies them; the app never hears). */
function loseCreateAnswers(count: number, rewrite?: (body: string) => string): Rule {
  let left = count
  return (path, body) => {
    if (!path.startsWith('/acs/users/create') || left === 0) return undefined
    left -= 1
    return { kind: 'drop_response', ...(rewrite && { body: rewrite(body) }) }
  }
}

async function realIdOf(client: Client, temp_id: string) {
  return (await client.db.id_map.get(temp_id))?.acs_user_id
}

describe('the sandbox behind the fault proxy', () => {
  let faults: FaultRig
  let rig: OfflineRig
  let systemId: string

  beforeAll(async () => {
    faults = await startFaultRig({ users: 30, requestTimeoutMs: MAIN_TIMEOUT_MS })
    ;({ rig, systemId } = faults)
  })
  afterAll(() => faults?.dispose())

  test('case 1: a colleague’s identical person without email, added before our send, is never taken for ours', async () => {
    // Old core: matched on exact name + email + phone created up to 5 minutes before the send,
    // so the colleague's Jane Doe was adopted and our suspend landed on her.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    expect(await people(rig.seam, systemId, 'Jane Doe')).toEqual([])
    const colleague = await rig.seam.acs.users.create({
      acs_system_id: systemId,
      full_name: 'Jane Doe',
    })
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Jane Doe' },
    })
    await client.outbox.enqueue({ op: 'suspend', target_id })
    // Our create is cut off on its way: it never reaches Seam, but the app cannot know that.
    let cut = 1
    faults.rule = (path) =>
      path.startsWith('/acs/users/create') && cut-- > 0 ? { kind: 'drop_request' } : undefined
    await replayUntilSettled(client)

    const [asked] = await client.db.outbox.where('status').equals('ask').toArray()
    expect(asked).toMatchObject({ op: 'create', target_id })
    expect(asked!.lookalikes).toContain(colleague.acs_user_id)
    expect(asked!.candidates!.map((c) => c.acs_user_id)).not.toContain(colleague.acs_user_id)
    expect(await realIdOf(client, target_id)).toBeUndefined()
    // The suspend waits for our person: nothing reached the colleague.
    expect((await client.outbox.entriesFor(target_id)).map((e) => e.op)).toEqual([
      'create',
      'suspend',
    ])
    expect(
      (await rig.seam.acs.users.get({ acs_user_id: colleague.acs_user_id })).is_suspended,
    ).toBe(false)

    // The clerk adds them again: ours is a new person, and the suspend reaches ours.
    await client.outbox.createAgain(asked!.id)
    await replayUntilSettled(client)
    expect(await client.db.outbox.count()).toBe(0)
    const ours = await realIdOf(client, target_id)
    expect(ours).toBeDefined()
    expect(ours).not.toBe(colleague.acs_user_id)
    const janes = await people(rig.seam, systemId, 'Jane Doe')
    expect(janes.map((u) => u.acs_user_id).sort()).toEqual([colleague.acs_user_id, ours].sort())
    expect(janes.find((u) => u.acs_user_id === ours)?.is_suspended).toBe(true)
    expect(janes.find((u) => u.acs_user_id === colleague.acs_user_id)?.is_suspended).toBe(false)
    await client.replayer.stop()
    faults.rule = () => undefined
  })

  test('case 1: an email typed in capitals that Seam stores in lower case is found, not added twice', async () => {
    // Old core: compared the email exactly, found nobody, and sent the create again.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const typed = 'Upper.Case@Example.COM'
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Una Uppercase', email_address: typed },
    })
    // Seam writes the email its own way, and the answer is lost.
    faults.rule = loseCreateAnswers(1, (body) => body.replace(typed, typed.toLowerCase()))
    const before = faults.count('/acs/users/create')
    await replayUntilSettled(client)

    expect(await client.db.outbox.count()).toBe(0)
    const found = await people(rig.seam, systemId, 'Una Uppercase')
    expect(found.map((u) => u.email_address)).toEqual(['upper.case@example.com'])
    expect(await realIdOf(client, target_id)).toBe(found[0]!.acs_user_id)
    expect(faults.count('/acs/users/create') - before).toBe(1)
    await client.replayer.stop()
    faults.rule = () => undefined
  })

  test('case 1: a computer clock 6 minutes fast does not make a second person', async () => {
    // Old core: looked for people created after (first attempt by this clock − 5 minutes).
    const ahead = 6 * 60_000
    const client = openClient(rig.api, { now: () => Date.now() + ahead })
    await pullAll(client, rig.api)
    const email = 'clock.ahead@example.com'
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Clement Ahead', email_address: email },
    })
    faults.rule = loseCreateAnswers(1)
    await replayUntilSettled(client)

    expect(await client.db.outbox.count()).toBe(0)
    const found = await people(rig.seam, systemId, 'Clement Ahead')
    expect(found.map((u) => u.email_address)).toEqual([email])
    expect(await realIdOf(client, target_id)).toBe(found[0]!.acs_user_id)
    await client.replayer.stop()
    faults.rule = () => undefined
  })

  test('case 1: someone renamed to the new person’s details after our create was lost on its way is not taken for ours', async () => {
    // Stop 8's core: the renamed person matched every detail sent and looked like nobody
    // before the send, so they were adopted. Seam's time read before the send rules them out:
    // Seam made them long before.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const someone = (await rig.seam.acs.users.list({ acs_system_id: systemId }))[0]!
    const details = { full_name: 'Rena Late', email_address: 'rena.late@example.com' }
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, ...details },
    })
    let cut = 1
    faults.rule = (path) => {
      if (!path.startsWith('/acs/users/create') || cut-- <= 0) return undefined
      // While our create is lost on its way, a colleague renames someone to the same details.
      return rig.seam.acs.users
        .update({ acs_user_id: someone.acs_user_id, ...details })
        .then(() => ({ kind: 'drop_request' }))
    }
    await replayUntilSettled(client)
    faults.rule = () => undefined

    const [asked] = await client.db.outbox.toArray()
    expect(asked).toMatchObject({ op: 'create', status: 'ask', candidates: [] })
    expect(Date.parse(asked!.created_after!)).toBeGreaterThan(Date.parse(someone.created_at))
    expect(await realIdOf(client, target_id)).toBeUndefined()
    await client.outbox.createAgain(asked!.id)
    await replayUntilSettled(client)
    const found = await people(rig.seam, systemId, 'Rena Late')
    expect(found).toHaveLength(2)
    expect(await realIdOf(client, target_id)).not.toBe(someone.acs_user_id)
    expect(found.map((u) => u.acs_user_id)).toContain(await realIdOf(client, target_id))
    await client.replayer.stop()
  })

  test('case 1: a create that sent only a name is asked about, since a namesake added meanwhile would match it', async () => {
    // Our create never arrives; a colleague adds a Jane Roe of their own before we look. By
    // name alone the two cannot be told apart, so nobody is adopted without the clerk.
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Jane Roe' },
    })
    let cut = 1
    let colleague: string | undefined
    faults.rule = (path) => {
      if (!path.startsWith('/acs/users/create') || cut-- <= 0) return undefined
      return rig.seam.acs.users
        .create({ acs_system_id: systemId, full_name: 'Jane Roe' })
        .then((made) => {
          colleague = made.acs_user_id
          return { kind: 'drop_request' }
        })
    }
    await replayUntilSettled(client)
    faults.rule = () => undefined

    const [asked] = await client.db.outbox.toArray()
    expect(asked).toMatchObject({ op: 'create', status: 'ask' })
    expect(asked!.candidates!.map((c) => c.acs_user_id)).toEqual([colleague])
    // A full match by what was sent: the question must not say details differ.
    expect(asked!.candidates!.map((c) => c.strong)).toEqual([true])
    expect(await realIdOf(client, target_id)).toBeUndefined()
    await client.replayer.stop()
  })

  test('case 2: two identical creates whose answers are both lost are both asked about, and cannot claim one person', async () => {
    // Old core: both reconciliations adopted the same Night Cleaner; the second temporary id
    // mapped to the first person, and "both were sent".
    const client = openClient(rig.api)
    await pullAll(client, rig.api)
    const params = { acs_system_id: systemId, full_name: 'Night Cleaner' }
    const first = await client.outbox.enqueue({ op: 'create', params })
    const second = await client.outbox.enqueue({ op: 'create', params })
    // As from one CSV: both leave together (each one looked at Seam before either arrived),
    // both arrive, and both answers are lost.
    const arrived: (() => void)[] = []
    faults.rule = (path) => {
      if (!path.startsWith('/acs/users/create') || arrived.length === 2) return undefined
      return new Promise<Fault>((resolve) => {
        arrived.push(() => resolve({ kind: 'drop_response' }))
        if (arrived.length === 2) for (const go of arrived) go()
      })
    }
    await replayUntilSettled(client)
    faults.rule = () => undefined

    const cleaners = await people(rig.seam, systemId, 'Night Cleaner')
    expect(cleaners).toHaveLength(2)
    const asked = await client.db.outbox.where('status').equals('ask').toArray()
    expect(asked.map((e) => e.target_id).sort()).toEqual([first.target_id, second.target_id].sort())
    for (const entry of asked) {
      expect(entry.candidates!.map((c) => c.acs_user_id).sort()).toEqual(
        cleaners.map((u) => u.acs_user_id).sort(),
      )
    }
    expect(await client.db.id_map.count()).toBe(0)

    const [a, b] = cleaners.map((u) => u.acs_user_id) as [string, string]
    const entryOf = (target: string) => asked.find((e) => e.target_id === target)!.id
    expect(await client.outbox.confirmCreate(entryOf(first.target_id), a)).toBe(true)
    // The second create no longer offers them,
    expect(
      (await client.db.outbox.get(entryOf(second.target_id)))!.candidates!.map(
        (c) => c.acs_user_id,
      ),
    ).toEqual([b])
    // and the same person cannot be the second create's too.
    expect(await client.outbox.confirmCreate(entryOf(second.target_id), a)).toBe(false)
    expect((await client.db.outbox.get(entryOf(second.target_id)))?.status).toBe('ask')
    expect(await client.outbox.confirmCreate(entryOf(second.target_id), b)).toBe(true)

    expect(await client.db.outbox.count()).toBe(0)
    expect(await realIdOf(client, first.target_id)).toBe(a)
    expect(await realIdOf(client, second.target_id)).toBe(b)
    expect(await people(rig.seam, systemId, 'Night Cleaner')).toHaveLength(2)
    await client.replayer.stop()
  })

  test('case 3: a create held past main’s timeout and applied later is waited out, not sent again', async () => {
    // Old core: reconciled a few milliseconds after main gave up, found nobody yet, and sent
    // the create again; the held one landed too: two people.
    let giveUp!: () => void
    const mainGaveUp = new Promise<void>((resolve) => (giveUp = resolve))
    const client = openClient(rig.api, {
      // Longer than main's timeout plus the time the held request takes to land.
      settleAfterMs: MAIN_TIMEOUT_MS + 4_000,
      hooks: { afterSend: () => giveUp() },
    })
    await pullAll(client, rig.api)
    const email = 'held.late@example.com'
    const { target_id } = await client.outbox.enqueue({
      op: 'create',
      params: { acs_system_id: systemId, full_name: 'Hal Late', email_address: email },
    })
    let held = false
    faults.rule = (path) => {
      if (!path.startsWith('/acs/users/create') || held) return undefined
      held = true
      // Seam applies it a second after main stopped waiting for it.
      return mainGaveUp.then(
        () => new Promise<Fault>((resolve) => setTimeout(() => resolve({ kind: 'pass' }), 1_000)),
      )
    }
    const before = faults.count('/acs/users/create')
    await replayUntilSettled(client)
    faults.rule = () => undefined

    const entries = await client.db.outbox.toArray()
    expect(entries.map((e) => `${e.op} ${e.status}`)).toEqual([])
    const found = await people(rig.seam, systemId, 'Hal Late')
    expect(found.map((u) => u.email_address)).toEqual([email])
    expect(await realIdOf(client, target_id)).toBe(found[0]!.acs_user_id)
    expect(faults.count('/acs/users/create') - before).toBe(1)
    await client.replayer.stop()
  })

  test('case 3: a suspend still on its way when the page reloads, then a newer unsuspend, end unsuspended', async () => {
    // Old core: the page after the reload sent the suspend again at once and then the
    // unsuspend; the first suspend landed last and locked the person out.
    const first = openClient(rig.api, {
      hooks: {
        // The page is gone by the time main has an answer: it writes nothing more.
        afterSend: () => {
          throw new Abandon('reloaded')
        },
      },
    })
    await pullAll(first, rig.api)
    const person = (await first.db.acs_users.toArray()).find(
      (u) => u.acs_system_id === systemId && !u.is_suspended && u.errors.length === 0,
    )!
    const target_id = person.acs_user_id
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    faults.rule = (path) =>
      path.startsWith('/acs/users/suspend')
        ? released.then((): Fault => ({ kind: 'pass' }))
        : undefined
    const before = faults.count('/acs/users/suspend')
    await first.outbox.enqueue({ op: 'suspend', target_id })
    first.replayer.start()
    await expect
      .poll(() => faults.count('/acs/users/suspend') - before, { interval: 5, timeout: 10_000 })
      .toBe(1)

    // The reloaded page: the browser released the dead page's lock at once (here that page's
    // promise lingers in this process, so the new one gets a lock of its own).
    const free: ReplayLock = {
      tryAcquire: () => Promise.resolve(() => {}),
      acquire: () => Promise.resolve(() => {}),
    }
    const second = openClient(rig.api, {
      db: first.db,
      lock: free,
      settleAfterMs: MAIN_TIMEOUT_MS + 4_000,
    })
    second.replayer.start()
    // The clerk changes their mind: unsuspend, queued after the suspend still in flight.
    await second.outbox.enqueue({ op: 'unsuspend', target_id })
    // The first suspend reaches Seam only now, after the reload.
    setTimeout(release, 500)
    await replayUntilSettled(second)
    await first.replayer.stop()
    faults.rule = () => undefined

    expect(await second.db.outbox.count()).toBe(0)
    expect((await rig.seam.acs.users.get({ acs_user_id: target_id })).is_suspended).toBe(false)
    // One suspend reached Seam, then the unsuspend.
    expect(faults.count('/acs/users/suspend') - before).toBe(1)
    await second.replayer.stop()
  })
})

describe('Seam’s own fake as shipped', () => {
  let fake: Fake
  let proxy: FaultProxy
  let services: Services
  let api: Api
  let seam: SeamHttp
  let systemId: string
  let lose = 0

  beforeAll(async () => {
    fake = await createFake()
    const seed = await fake.seed()
    systemId = fake.database.addAcsSystem({
      external_type: 'salto_site',
      name: 'Plain fake site',
      workspace_id: seed.seed_workspace_1,
      connected_account_id: seed.john_connected_account_id,
    }).acs_system_id
    const server = await fake.startServer({ port: 0 })
    const endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
    proxy = await startFaultProxy(endpoint, (path) =>
      path.startsWith('/acs/users/create') && lose-- > 0
        ? { kind: 'drop_response' }
        : { kind: 'pass' },
    )
    const vault = createVault({ cipher: memoryCipher(), store: new MemoryStore() })
    services = createServices({
      vault,
      runtime: 'harness',
      version: 'test',
      startSandbox: () => Promise.reject(new Error('no sandbox in this test')),
    })
    const workspace = await vault.add({
      name: 'Plain fake',
      endpoint: proxy.url,
      api_key: seed.seam_apikey1_token,
      allow_unprotected_storage: true,
    })
    await services.session.activate(workspace.workspace_id)
    api = {
      invoke: (channel, request, scope) => services.dispatch(channel, request, scope) as never,
    }
    seam = new SeamHttp({ apiKey: seed.seam_apikey1_token, endpoint })
  })
  afterAll(async () => {
    await services?.dispose()
    await proxy?.close()
    await fake?.stopServer()
  })

  test('case 1: people created without email, whom the fake gives an invented email, are each created once', async () => {
    // Old core: matched the invented `acs_user_…@example.com` against "no email", found
    // nobody, and created each again: four people for two creates.
    const client = openClient(api)
    await pullAll(client, api)
    const names = ['Robin Quayle', 'Sam Noemail']
    const temps: string[] = []
    for (const full_name of names) {
      const { target_id } = await client.outbox.enqueue({
        op: 'create',
        params: { acs_system_id: systemId, full_name },
      })
      temps.push(target_id)
    }
    lose = 2
    await replayUntilSettled(client)

    // Each create named the person only by name, so a namesake added meanwhile would match
    // too: the clerk is asked, shown the one person Seam made, and confirms.
    const asked = await client.db.outbox.orderBy('id').toArray()
    expect(asked.map((e) => `${e.op} ${e.status}`)).toEqual(['create ask', 'create ask'])
    for (const [i, entry] of asked.entries()) {
      expect(entry.candidates!.map((c) => c.full_name)).toEqual([names[i]])
      expect(await client.outbox.confirmCreate(entry.id, entry.candidates![0]!.acs_user_id)).toBe(
        true,
      )
    }
    expect(await client.db.outbox.count()).toBe(0)
    const everyone = await seam.acs.users.list({ acs_system_id: systemId })
    for (const [i, full_name] of names.entries()) {
      const found = everyone.filter((u) => u.full_name === full_name)
      expect(found).toHaveLength(1)
      // The fake did invent an email: what the test is about.
      expect(found[0]!.email_address).toMatch(/^acs_user_.*@example\.com$/)
      expect(await realIdOf(client, temps[i]!)).toBe(found[0]!.acs_user_id)
    }
    await client.replayer.stop()
  })
})
