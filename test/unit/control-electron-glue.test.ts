/**
 * The thin Electron glue (main/app) with Electron mocked: Electron itself
 * cannot run here. Checks what a user relies on: a sandboxed window with the
 * CJS preload, `window.tandem` implementing TandemApi over IPC, errors that
 * arrive with their message, and servers stopped before the app quits.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type TandemApi } from '../../shared/api'

type Listener = (...args: unknown[]) => void

const electron = vi.hoisted(() => {
  const appListeners = new Map<string, ((...args: unknown[]) => void)[]>()
  const windows: { options: { webPreferences: Record<string, unknown> }; webContents: { send: (...a: unknown[]) => void } }[] = []
  const state = {
    appListeners,
    windows,
    handlers: new Map<string, (...args: unknown[]) => unknown>(),
    exposed: new Map<string, unknown>(),
    rendererListeners: new Map<string, Set<(...args: unknown[]) => void>>(),
    invoke: vi.fn(),
    quit: vi.fn(),
  }
  class BrowserWindow {
    static getAllWindows = () => windows
    webContents = { send: vi.fn(), setWindowOpenHandler: vi.fn() }
    constructor(readonly options: { webPreferences: Record<string, unknown> }) {
      windows.push(this)
    }
    once() {}
    on() {}
    loadFile = vi.fn(async () => {})
    loadURL = vi.fn(async () => {})
    isDestroyed = () => false
    isMinimized = () => false
  }
  return {
    state,
    module: {
      app: {
        isPackaged: false,
        requestSingleInstanceLock: () => true,
        whenReady: () => Promise.resolve(),
        getPath: () => '/nonexistent-userData',
        on: (event: string, l: (...args: unknown[]) => void) => {
          appListeners.set(event, [...(appListeners.get(event) ?? []), l])
        },
        quit: state.quit,
        exit: vi.fn(),
      },
      BrowserWindow,
      ipcMain: { handle: (channel: string, h: (...args: unknown[]) => unknown) => state.handlers.set(channel, h) },
      shell: { openExternal: vi.fn() },
      utilityProcess: { fork: vi.fn() },
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => state.exposed.set(key, api) },
      ipcRenderer: {
        invoke: state.invoke,
        on: (channel: string, l: (...args: unknown[]) => void) => {
          const set = state.rendererListeners.get(channel) ?? new Set()
          set.add(l)
          state.rendererListeners.set(channel, set)
        },
        removeListener: (channel: string, l: (...args: unknown[]) => void) => state.rendererListeners.get(channel)?.delete(l),
      },
    },
  }
})
vi.mock('electron', () => ({ ...electron.module, default: electron.module }))

describe('preload: window.tandem', () => {
  let api: TandemApi
  beforeAll(async () => {
    await import('../../main/app/preload')
    api = electron.state.exposed.get('tandem') as TandemApi
  })

  it('is exposed and calls main over the call channel', async () => {
    expect(api).toBeDefined()
    electron.state.invoke.mockResolvedValueOnce({ ok: true, result: [] })
    await expect(api.call('fleet.list', {})).resolves.toEqual([])
    expect(electron.state.invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, 'fleet.list', {})
  })

  it('turns main’s error envelope into a rejected promise with the same message', async () => {
    electron.state.invoke.mockResolvedValueOnce({ ok: false, error: 'invalid port 0: must be an integer from 1 to 65535' })
    await expect(api.call('node.create', { port: 0 })).rejects.toThrow('invalid port 0: must be an integer from 1 to 65535')
  })

  it('delivers events by name until unsubscribed', () => {
    const seen: unknown[] = []
    const off = api.on('fleet.changed', (list) => seen.push(list))
    const emit = (...args: unknown[]) => electron.state.rendererListeners.get(IPC_EVENT_CHANNEL)?.forEach((l) => l({}, ...args))
    emit('fleet.changed', ['a'])
    emit('something.else', ['b'])
    off()
    emit('fleet.changed', ['c'])
    expect(seen).toEqual([['a']])
  })
})

describe('main: window, IPC and quit', () => {
  let dataDir: string
  const before = new Set<Listener>(process.listeners('uncaughtException') as Listener[])

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tandem-glue-'))
    vi.stubEnv('TANDEM_DATA_DIR', dataDir)
    await import('../../main/app/index')
    await vi.waitFor(() => expect(electron.state.windows.length).toBe(1))
  })

  afterAll(() => {
    for (const l of process.listeners('uncaughtException') as Listener[]) if (!before.has(l)) process.off('uncaughtException', l)
    vi.unstubAllEnvs()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('opens a sandboxed, isolated window with the CommonJS preload', () => {
    const prefs = electron.state.windows[0].options.webPreferences
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false })
    expect(String(prefs.preload)).toMatch(/preload[/\\]index\.cjs$/)
  })

  it('answers IPC calls from its window only, errors as messages', async () => {
    const handle = electron.state.handlers.get(IPC_CALL_CHANNEL)!
    const sender = electron.state.windows[0].webContents
    await expect(handle({ sender }, 'fleet.list', {})).resolves.toEqual({ ok: true, result: [] })
    await expect(handle({ sender }, 'node.start', { id: 'nope' })).resolves.toEqual({ ok: false, error: 'unknown node id "nope"' })
    await expect(handle({ sender: {} }, 'fleet.list', {})).resolves.toEqual({ ok: false, error: 'unknown sender' })
  })

  it('stops the servers before quitting', async () => {
    const [beforeQuit] = electron.state.appListeners.get('before-quit')!
    const event = { preventDefault: vi.fn() }
    beforeQuit(event)
    expect(event.preventDefault).toHaveBeenCalled()
    await vi.waitFor(() => expect(electron.state.quit).toHaveBeenCalled())
  })
})
