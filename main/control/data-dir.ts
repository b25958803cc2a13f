import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where Tandem keeps its fleet file and node folders. `TANDEM_DATA_DIR` wins so
 * tests and several instances never share a folder; otherwise the caller's
 * choice (Electron: userData) or the XDG data folder (web mode).
 */
export function resolveDataDir(fallback?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TANDEM_DATA_DIR) return env.TANDEM_DATA_DIR
  if (fallback) return fallback
  const xdg = env.XDG_DATA_HOME || join(homedir(), '.local', 'share')
  return join(xdg, 'tandem')
}
