/**
 * What the desktop app adds around the page: update state and "Restart to update", the
 * shortcuts and diagnostics dialogs, the page's errors sent to main's log, and telling main
 * when a restart would interrupt a send or lose typed input.
 */
import { getContext, setContext } from 'svelte'
import type { UpdateState } from '../../../shared/app-contract'
import type { KeyholderApi } from '../../../shared/contract'

export interface Busy {
  sending: boolean
  unsaved_input: boolean
}

export class DesktopState {
  update = $state<UpdateState>({ status: 'off', safe_to_restart: false })
  shortcutsOpen = $state(false)
  diagnosticsOpen = $state(false)
  #reported: string | undefined
  readonly #api: KeyholderApi

  constructor(api: KeyholderApi) {
    this.#api = api
  }

  /** Subscribes to main; returns the unsubscribe function. */
  start(onNotice: (message: string) => void): () => void {
    const onError = (event: ErrorEvent) =>
      this.log('error', `${event.message} (${event.filename}:${event.lineno})`)
    const onRejection = (event: PromiseRejectionEvent) =>
      this.log(
        'error',
        `Unhandled: ${event.reason instanceof Error ? event.reason.stack : String(event.reason)}`,
      )
    window.addEventListener('error', onError)
    window.addEventListener('unhandledrejection', onRejection)
    let announced = false
    const stops = [
      this.#api.on('update', (state) => {
        announced = true
        this.update = state
      }),
      this.#api.on('app.notice', ({ message }) => onNotice(message)),
      () => window.removeEventListener('error', onError),
      () => window.removeEventListener('unhandledrejection', onRejection),
    ]
    // An event that came meanwhile is newer than this answer.
    void this.#api.invoke('updates.get', {}).then((r) => {
      if (r.ok && !announced) this.update = r.value
    })
    return () => stops.forEach((stop) => stop())
  }

  log(level: 'error' | 'warn' | 'info', message: string): void {
    void this.#api.invoke('app.log', { level, message: message.slice(0, 4000) })
  }

  /** Tells main whether a restart is safe now; only changes are sent. */
  reportBusy(busy: Busy): void {
    const key = `${busy.sending}/${busy.unsaved_input}`
    if (key === this.#reported) return
    this.#reported = key
    void this.#api.invoke('app.set_busy', busy).then((r) => r.ok && (this.update = r.value))
  }

  async restart(): Promise<boolean> {
    const result = await this.#api.invoke('updates.restart', {})
    return result.ok && result.value.restarting
  }
}

const KEY = Symbol('keyholder-desktop')

export function provideDesktop(desktop: DesktopState): void {
  setContext(KEY, desktop)
}

export function useDesktop(): DesktopState {
  const desktop = getContext<DesktopState | undefined>(KEY)
  if (!desktop) throw new Error('useDesktop() outside App.svelte')
  return desktop
}
