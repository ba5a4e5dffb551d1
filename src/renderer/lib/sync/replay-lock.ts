/**
 * One replayer per workspace database, whatever the number of pages: a reload, a second
 * window. Web Locks (`navigator.locks`, in Chromium and Electron) are released by the browser
 * when the page that holds them dies, so a `sending` entry found by the holder of the lock was
 * left by a replayer that is gone, never by one still at work.
 */
export interface ReplayLock {
  /** The lock at once if nobody holds it (a release function), else null. */
  tryAcquire(name: string): Promise<(() => void) | null>
  /** Resolves with a release function once the lock is held; rejects if `signal` aborts first. */
  acquire(name: string, signal: AbortSignal): Promise<() => void>
}

interface LockManagerLike {
  request(
    name: string,
    options: { signal?: AbortSignal; ifAvailable?: boolean },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
}

function webLocks(locks: LockManagerLike): ReplayLock {
  return {
    tryAcquire: (name) =>
      new Promise((answer, refused) => {
        locks
          .request(name, { ifAvailable: true }, (lock) =>
            lock ? new Promise<void>((release) => answer(release)) : Promise.resolve(answer(null)),
          )
          .catch(refused)
      }),
    acquire: (name, signal) =>
      new Promise((granted, refused) => {
        locks
          .request(name, { signal }, () => new Promise<void>((release) => granted(release)))
          .catch(refused)
      }),
  }
}

/**
 * Where there are no Web Locks (Node, in tests): the same rule within one process, which is
 * where every replayer of a test lives.
 */
const held = new Map<string, Promise<void>>()
export const processLock: ReplayLock = {
  tryAcquire(name) {
    return Promise.resolve(held.has(name) ? null : take(name))
  },
  async acquire(name, signal) {
    for (;;) {
      signal.throwIfAborted()
      const current = held.get(name)
      if (!current) break
      await Promise.race([
        current,
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true }),
        ),
      ])
    }
    return take(name)
  },
}

function take(name: string): () => void {
  let release!: () => void
  held.set(name, new Promise<void>((resolve) => (release = resolve)))
  return () => {
    held.delete(name)
    release()
  }
}

export function defaultReplayLock(): ReplayLock {
  const locks = (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks
  return locks ? webLocks(locks) : processLock
}
