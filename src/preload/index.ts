/**
 * The only bridge between the page and the main process: one object, `window.keyholder`,
 * with a typed invoke and typed event subscriptions. No raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { KeyholderApi } from '../shared/contract'
import { EVENT_NAMES, IPC_INVOKE, ipcEventChannel } from '../shared/ipc-names'

const api = {
  invoke: (channel, request, scope) => ipcRenderer.invoke(IPC_INVOKE, channel, request, scope),
  on: (event, listener) => {
    if (!(EVENT_NAMES as readonly string[]).includes(event)) {
      throw new Error(`Unknown event "${event}"`)
    }
    const channel = ipcEventChannel(event)
    const wrapped = (_: IpcRendererEvent, payload: unknown) => listener(payload as never)
    ipcRenderer.on(channel, wrapped)
    return () => void ipcRenderer.removeListener(channel, wrapped)
  },
} satisfies KeyholderApi

contextBridge.exposeInMainWorld('keyholder', api)
