/**
 * tandem-server children in Electron: `utilityProcess.fork` (child_process.fork
 * would need the runAsNode fuse, which hardened builds turn off).
 */
import { utilityProcess } from 'electron'
import type { LaunchServer } from '../control/server-launcher'
import { SERVER_NODE_FLAGS } from '../../shared/server-node-flags'

export function utilityLauncher(serverScript: string): LaunchServer {
  return (confPath, { cwd }) => {
    const child = utilityProcess.fork(serverScript, [confPath], { cwd, stdio: 'pipe', serviceName: 'tandem-server', execArgv: [...SERVER_NODE_FLAGS] })
    return {
      get pid() {
        return child.pid
      },
      stdout: child.stdout,
      stderr: child.stderr,
      kill(force = false) {
        const pid = child.pid
        if (force && pid !== undefined) {
          try {
            process.kill(pid, 'SIGKILL')
          } catch {
            // already gone
          }
        } else child.kill()
      },
      onExit(listener) {
        child.once('exit', (code) => listener(code, null))
      },
    }
  }
}
