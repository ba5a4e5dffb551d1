import { getContext, setContext } from 'svelte'
import type { AppState } from './app.svelte'

const KEY = Symbol('keyholder-app')

/** Makes the app state available to every component below App.svelte. */
export function provideApp(app: AppState): void {
  setContext(KEY, app)
}

export function useApp(): AppState {
  const app = getContext<AppState | undefined>(KEY)
  if (!app) throw new Error('useApp() outside App.svelte')
  return app
}
