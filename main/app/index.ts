/**
 * Electron main: one window, the control plane behind two IPC channels, and
 * tandem-server children started as utility processes. Thin on purpose: all
 * behaviour lives in main/control, which web mode serves too.
 */
import { app, BrowserWindow, ipcMain, shell } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { API_EVENTS, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api'
import { createControlPlane, type ControlPlane } from '../control/control-plane'
import { resolveDataDir } from '../control/data-dir'
import { killAllServersNow } from '../control/node-process'
import { utilityLauncher } from './utility-launcher'

const here = dirname(fileURLToPath(import.meta.url))
// Packaged: out/server/** is unpacked from the asar so the utility process can load it from disk.
const SERVER_SCRIPT = join(here, '..', 'server', 'cli.js').replace(/app\.asar([\\/])/, 'app.asar.unpacked$1')
const PRELOAD = join(here, '..', 'preload', 'index.cjs')
const RENDERER_HTML = join(here, '..', 'renderer', 'index.html')

let control: ControlPlane | null = null
let mainWindow: BrowserWindow | null = null

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Tandem',
    show: false,
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false },
  })
  mainWindow = win
  win.once('ready-to-show', () => win.show())
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
  })
  // Links open in the user's browser, never inside the app window.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:/.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  const devUrl = process.env.ELECTRON_RENDERER_URL
  if (!app.isPackaged && devUrl) void win.loadURL(devUrl)
  else void win.loadFile(RENDERER_HTML)
}

function wireIpc(plane: ControlPlane): void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, method: unknown, params: unknown) => {
    if (!mainWindow || event.sender !== mainWindow.webContents) return { ok: false, error: 'unknown sender' }
    if (typeof method !== 'string') return { ok: false, error: 'method must be a string' }
    try {
      return { ok: true, result: await plane.dispatch(method, params) }
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) }
    }
  })
  for (const event of API_EVENTS) {
    plane.on(event, (payload) => {
      if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT_CHANNEL, event, payload)
    })
  }
}

if (!app.requestSingleInstanceLock()) {
  // A second Tandem would fight the first over the same nodes and ports.
  app.quit()
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore()
      mainWindow.focus()
    }
  })

  process.on('uncaughtException', (err) => {
    console.error('Tandem crashed:', err)
    killAllServersNow()
    app.exit(1)
  })

  void app.whenReady().then(() => {
    control = createControlPlane({ dataDir: resolveDataDir(app.getPath('userData')), launch: utilityLauncher(SERVER_SCRIPT) })
    wireIpc(control)
    createWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  let closing = false
  app.on('before-quit', (event) => {
    if (!control || closing) return
    // Stop the servers gracefully (they save their data) before the app goes.
    closing = true
    event.preventDefault()
    const plane = control
    void plane.close().finally(() => {
      control = null
      app.quit()
    })
  })
}
