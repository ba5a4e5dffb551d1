import type { EventName, EventOf } from '../../shared/contract'

type Listener = (event: EventName, payload: unknown) => void

/** Main → page events. Transports (Electron windows, harness streams) subscribe here. */
export class EventBus {
  readonly #listeners = new Set<Listener>()

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.#listeners) listener(event, payload)
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }
}
