/**
 * The renderer's only door to main: `window.tandem`, the TandemApi of
 * shared/api.ts over two IPC channels. Kept tiny on purpose (sandboxed
 * preload: electron imports only, shared constants are bundled in).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type ApiEvent, type ApiEvents, type ApiMethod, type ApiParams, type ApiResult, type TandemApi } from '../../shared/api'

/** What main answers on IPC_CALL_CHANNEL: an envelope, so error messages arrive unmangled. */
type CallOutcome = { ok: true; result: unknown } | { ok: false; error: string }

const api: TandemApi = {
  async call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    const outcome = (await ipcRenderer.invoke(IPC_CALL_CHANNEL, method, params)) as CallOutcome
    if (!outcome.ok) throw new Error(outcome.error)
    return outcome.result as ApiResult<M>
  },
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    const handler = (_e: IpcRendererEvent, name: ApiEvent, payload: unknown) => {
      if (name === event) listener(payload as ApiEvents[E])
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  },
}

contextBridge.exposeInMainWorld('tandem', api)
