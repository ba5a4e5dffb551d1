import type { ConnectivitySignals } from './connectivity'

/** The part of Electron's `powerMonitor` we use; typed here so this file never loads Electron. */
export interface PowerMonitorLike {
  on(event: 'resume', listener: () => void): unknown
  off(event: 'resume', listener: () => void): unknown
}

/**
 * The computer woke from sleep: its network has probably changed, so connectivity probes at
 * once. (The harness has no power monitor; there the page's `online` / `offline` events, sent
 * as `connectivity.signal`, do the same.)
 */
export function powerSignals(monitor: PowerMonitorLike): ConnectivitySignals {
  return {
    subscribe(listener) {
      const onResume = () => listener('resume')
      monitor.on('resume', onResume)
      return () => void monitor.off('resume', onResume)
    },
  }
}
