#!/usr/bin/env -S node --max-semi-space-size=2
/**
 * tandem-server's command line: `tandem-server [/path/to/redis.conf] [--option value ...] [-]`.
 *
 * Start-up follows redis-server: load the config (a bad line prints the FATAL
 * CONFIG FILE ERROR block and exits 1), daemonize if asked, write the pidfile,
 * listen, and shut down gracefully on SIGTERM/SIGINT.
 *
 * Node has no fork(): `daemonize yes` re-spawns this script detached with an
 * IPC channel and the DAEMON_CHILD marker; the child reports "ready" or why it
 * failed, then drops the channel, and the parent exits 0 or 1 accordingly.
 *
 * No orphans: when started with an IPC channel by the app (child_process.fork,
 * or Electron's utilityProcess), losing that channel means the parent died,
 * and the server exits at once.
 */
import { spawn } from 'node:child_process'
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Config } from './config/config'
import { ConfigFileError, ConfigOpenError, REDIS_VERSION, loadConfig, parseCommandLine } from './config/load'
import { RedisLogger, formatLogLine, type LogLevel } from './log'
import { createTandemServer, type TandemServer } from './server'
import { loadDataFromDisk } from './persistence/rdb-load'
import { saveBeforeShutdown } from './persistence/rdb-save'

const DAEMON_CHILD_ENV = 'TANDEM_DAEMON_CHILD'

type DaemonMessage = { type: 'ready'; port: number } | { type: 'failed'; reason: string }

function tandemVersion(): string {
  try {
    const here = dirname(fileURLToPath(import.meta.url))
    const pkg = JSON.parse(readFileSync(join(here, '..', '..', 'package.json'), 'utf8')) as { version?: string }
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

function versionLine(): string {
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0000000000000000 tandem=${tandemVersion()}`
}

function usage(): string {
  const me = 'tandem-server'
  return [
    `Usage: ./${me} [/path/to/redis.conf] [options] [-]`,
    `       ./${me} - (read config from stdin)`,
    `       ./${me} -v or --version`,
    `       ./${me} -h or --help`,
    '',
    'Examples:',
    `       ./${me} (run the server with default conf)`,
    `       echo 'maxmemory 128mb' | ./${me} -`,
    `       ./${me} /etc/redis/6379.conf`,
    `       ./${me} --port 7777`,
    `       ./${me} --port 7777 --replicaof 127.0.0.1 8888`,
    `       ./${me} /etc/myredis.conf --loglevel verbose -`,
    `       ./${me} /etc/myredis.conf --loglevel verbose`,
    '',
  ].join('\n')
}

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  if (code === 'ENOENT') return 'No such file or directory'
  if (code === 'EACCES') return 'Permission denied'
  if (code === 'EISDIR') return 'Is a directory'
  return e instanceof Error ? e.message : String(e)
}

/** Loads the config or ends the process the way redis-server does. */
function loadOrExit(args: string[], log: RedisLogger): Config {
  try {
    const config = loadConfig(parseCommandLine(args), {
      onUnimplemented: (name) => log.notice(`Config directive '${name}' accepted without effect (not implemented by tandem-server)`),
    })
    const logfile = config.get('logfile') ?? ''
    if (logfile !== '') {
      try {
        appendFileSync(logfile, '')
      } catch (e) {
        process.stderr.write(`\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\nCan't open the log file: ${errnoText(e)}\n`)
        process.exit(1)
      }
    }
    return config
  } catch (e) {
    if (e instanceof ConfigFileError) process.stderr.write(e.format())
    else if (e instanceof ConfigOpenError) process.stderr.write(`${formatLogLine(process.pid, 'C', 'warning', e.message)}\n`)
    else process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`)
    process.exit(1)
  }
}

/** Parent side of `daemonize yes`: start the detached child and wait for its verdict. */
function daemonize(args: string[]): void {
  const script = process.argv[1]
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    env: { ...process.env, [DAEMON_CHILD_ENV]: '1' },
  })
  let settled = false
  const finish = (code: number, message?: string): void => {
    if (settled) return
    settled = true
    if (message) process.stderr.write(`${message}\n`)
    child.unref()
    if (child.connected) child.disconnect()
    process.exit(code)
  }
  child.on('message', (m: DaemonMessage) => {
    if (m.type === 'ready') finish(0)
    else finish(1, `tandem-server: daemon failed to start: ${m.reason}`)
  })
  child.on('exit', (code, signal) => finish(1, `tandem-server: daemon exited before it was ready (${signal ?? `code ${code}`})`))
  child.on('error', (e) => finish(1, `tandem-server: cannot start the daemon: ${e.message}`))
}

function writePidFile(path: string, log: RedisLogger): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`)
    return true
  } catch (e) {
    log.warning(`Failed to write PID file: ${errnoText(e)}`)
    return false
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args[0] === '-v' || args[0] === '--version') {
    process.stdout.write(`${versionLine()}\n`)
    return
  }
  if (args[0] === '-h' || args[0] === '--help') {
    process.stdout.write(usage())
    return
  }

  const isDaemonChild = process.env[DAEMON_CHILD_ENV] === '1'
  const log = new RedisLogger()
  const config = loadOrExit(args, log)
  if (config.bool('daemonize') && !isDaemonChild) {
    daemonize(args)
    return
  }
  // Resolves once the message is handed to the channel, so exiting right after loses nothing.
  const report = (m: DaemonMessage): Promise<void> =>
    new Promise((res) => {
      if (isDaemonChild && process.send) process.send(m, undefined, undefined, () => res())
      else res()
    })

  log.level = (config.get('loglevel') ?? 'notice') as LogLevel
  log.file = config.get('logfile') ?? ''
  config.onChange((name, value) => {
    if (name === 'loglevel') log.level = value as LogLevel
    // Redis chdir()s on `dir`: relative dbfilename, pidfile and include paths follow it.
    if (name === 'dir') process.chdir(value)
  })
  process.chdir(config.get('dir') ?? process.cwd())

  log.warning('oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo')
  log.warning(`Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${process.pid}, just started`)
  if (args.length === 0) {
    log.warning('Warning: no config file specified, using the default config. In order to specify a config file use tandem-server /path/to/redis.conf')
  } else {
    log.warning('Configuration loaded')
  }
  log.role = () => ((config.get('replicaof') ?? '') === '' ? 'M' : 'S')

  const pidfile = config.get('pidfile') ?? ''
  let pidWritten = false
  let server: TandemServer | undefined
  let exiting = false
  const exit = (code: number): void => {
    if (exiting) return
    exiting = true
    if (pidWritten) rmSync(pidfile, { force: true })
    process.exit(code)
  }
  const gracefulShutdown = (signal: string): void => {
    log.raw(`${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) Received ${signal} scheduling shutdown...`)
    log.warning('User requested shutdown...')
    // As prepareForShutdown: save when save points are set; a failed save keeps the server running.
    if (server && !saveBeforeShutdown(server.context, undefined)) {
      log.warning('SIGTERM received but errors trying to shut down the server, check the logs for more information')
      return
    }
    if (pidWritten) log.notice('Removing the pid file.')
    log.warning('Redis is now ready to exit, bye bye...')
    void (server?.close() ?? Promise.resolve()).finally(() => exit(0))
  }
  process.on('SIGTERM', () => gracefulShutdown('SIGTERM'))
  process.on('SIGINT', () => gracefulShutdown('SIGINT'))

  // Spawned by the app (fork's IPC channel, or Electron utilityProcess's parentPort): never outlive it.
  const parentGone = (why: string): void => {
    log.warning(`Parent process gone (${why}), exiting.`)
    void (server?.close() ?? Promise.resolve()).finally(() => exit(0))
    setTimeout(() => exit(0), 1000).unref()
  }
  const hasParentPort = (process as { parentPort?: unknown }).parentPort !== undefined
  if ((process.send || hasParentPort) && !isDaemonChild) {
    process.on('disconnect', () => parentGone('IPC channel closed'))
    // parentPort gives no reliable close event when the app is killed: being re-parented tells it.
    const ppid = process.ppid
    setInterval(() => {
      if (process.ppid !== ppid) parentGone('re-parented')
    }, 1000).unref()
  }

  log.notice(`Running mode=standalone, port=${config.number('port')}.`)
  if (pidfile !== '') pidWritten = writePidFile(resolve(pidfile), log)
  try {
    server = createTandemServer({
      config,
      log,
      configFile: config.configFile,
      onShutdown: () => exit(0),
    })
    // REPLICAOF / NO ONE switch the role at run time: the log letter follows the server, not the start-up config.
    const context = server.context
    log.role = () => (context.core.role === 'replica' || (config.get('replicaof') ?? '') !== '' ? 'S' : 'M')
    // loadDataFromDisk: a refused file logged why (file, offset, reason); the server must not start on it.
    if (!loadDataFromDisk(server.context)) {
      await report({ type: 'failed', reason: 'could not load the RDB file (see the log)' })
      exit(1)
      return
    }
    await server.listen()
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    log.warning(`Failed listening on port ${config.number('port')} (tcp), aborting.`)
    await report({ type: 'failed', reason })
    exit(1)
    return
  }

  if (isDaemonChild) {
    await report({ type: 'ready', port: server.port })
    process.disconnect?.()
  } else if (process.send) {
    process.send({ type: 'ready', port: server.port })
  } else {
    ;(process as { parentPort?: { postMessage(m: unknown): void } }).parentPort?.postMessage({ type: 'ready', port: server.port })
  }
}

void main()
