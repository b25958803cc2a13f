/**
 * How a server child is started. control/ never imports Electron: web mode and
 * tests use child_process (fork for tandem-server, spawn for any other
 * command such as redis-server); Electron injects a utilityProcess launcher.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { SERVER_NODE_FLAGS } from '../../shared/server-node-flags'

export interface ServerChild {
  readonly pid: number | undefined
  readonly stdout: NodeJS.ReadableStream | null
  readonly stderr: NodeJS.ReadableStream | null
  /** Polite stop (SIGTERM); `force` means SIGKILL where the platform has it. */
  kill(force?: boolean): void
  onExit(listener: (code: number | null, signal: string | null) => void): void
}

export type LaunchServer = (confPath: string, options: { cwd: string }) => ServerChild

function wrapChildProcess(child: ChildProcess): ServerChild {
  // A failed spawn (missing binary) reports 'error' and maybe never 'exit': turn it into an exit.
  const exitListeners: ((code: number | null, signal: string | null) => void)[] = []
  let exited = false
  const fire = (code: number | null, signal: string | null) => {
    if (exited) return
    exited = true
    for (const l of exitListeners) l(code, signal)
  }
  // 'close' (not 'exit'): by then all output has been read, so the log holds the last words.
  child.once('close', (code, signal) => fire(code, signal))
  child.once('error', (err) => {
    child.stderr?.emit('data', Buffer.from(`cannot start server: ${err.message}\n`))
    if (child.pid === undefined) fire(127, null)
  })
  return {
    get pid() {
      return child.pid
    },
    stdout: child.stdout,
    stderr: child.stderr,
    kill(force = false) {
      if (child.exitCode === null && child.signalCode === null) child.kill(force ? 'SIGKILL' : 'SIGTERM')
    },
    onExit(listener) {
      exitListeners.push(listener)
    },
  }
}

/**
 * tandem-server through `child_process.fork`: the IPC channel fork opens is
 * the lifeline — the server exits when it disconnects, so servers die with
 * this process even when it is SIGKILLed.
 */
export function forkLauncher(serverScript: string, extraArgs: readonly string[] = []): LaunchServer {
  return (confPath, { cwd }) =>
    wrapChildProcess(
      fork(serverScript, [confPath, ...extraArgs], {
        cwd,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        execArgv: [...SERVER_NODE_FLAGS],
      }),
    )
}

/** Any redis-compatible binary that takes the config path as first argument (e.g. /usr/bin/redis-server). */
export function spawnLauncher(command: string, extraArgs: readonly string[] = []): LaunchServer {
  return (confPath, { cwd }) => wrapChildProcess(spawn(command, [confPath, ...extraArgs], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }))
}

/**
 * The launcher the environment asks for: TANDEM_SERVER_COMMAND names another
 * redis-compatible binary (e.g. /usr/bin/redis-server, to develop the app
 * against the reference server); otherwise tandem-server is forked.
 */
export function launcherFromEnv(serverScript: string, env: NodeJS.ProcessEnv = process.env): LaunchServer {
  const command = env.TANDEM_SERVER_COMMAND?.trim()
  return command ? spawnLauncher(command) : forkLauncher(serverScript)
}
