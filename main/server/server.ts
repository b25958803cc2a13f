/**
 * tandem-server's accept loop and client lifecycle. cli.ts builds the config
 * and logger and calls `createTandemServer`; everything else starts here.
 *
 * Like Redis, one event loop does everything: a socket's bytes are parsed and
 * every complete command runs at once, in order; the replies of a client are
 * gathered and written with one socket write when the turn ends
 * (setImmediate), so a pipeline of N commands costs one write, not N.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { randomBytes } from 'node:crypto'
import { resolve } from 'node:path'
import type { ConfigView, Logger, ServerContext, ServerStats } from './context'
import type { ClientHandle, InfoSectionRenderer, MasterClientHandle, MasterClientHooks, ReplicaConnection, ServerCore, ShutdownRequest } from './core'
import { Client, isLoopback } from './client'
import { BlockingService } from './blocking'
import { PubSubRegistry } from './pubsub'
import { SlowLog } from './slowlog'
import { PersistenceState } from './persistence/state'
import { saveBeforeShutdown } from './persistence/rdb-save'
import { startSaveCron } from './persistence/save-points'
import { installPersistenceInfo } from './persistence/persistence-info'
import { flagTransaction, forgetTransaction, queuedCount, watchTouched } from './commands/transactions'
import { monitorLine, monitorShows, redactedArgv } from './monitor'
import type { CommandSpec } from './commands/types'
import type { ClientState } from './context'
import { CommandTable, dispatch } from './dispatch'
import { allCommands } from './commands'
import { createDatabases, type Database } from './store/database'
import { MemoryManager } from './store/memory'
import { Propagation } from './replication/propagation'
import { Replication } from './replication/replication'
import { AofEngine } from './persistence/aof'
import { ProtocolError } from './protocol/parser'
import type { Reply } from './protocol/reply'
import { NO_REPLY, error } from './protocol/replies'

export interface TandemServerOptions {
  config: ConfigView & { set?(...args: never[]): unknown }
  log: Logger
  /** Called after SHUTDOWN (or a fatal error) once clients are closed; the cli exits the process. */
  onShutdown?: (reason: string) => void
  /** Path of the config file the server was started with (INFO config_file). */
  configFile?: string
}

export interface TandemServer {
  listen(): Promise<void>
  close(): Promise<void>
  readonly port: number
  /** The server's context, for work before listen() (the start-up load of the RDB/AOF). */
  readonly context: ServerContext
}

const DENIED_PROTECTED_MODE =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n'

const MAX_CLIENTS_REACHED = '-ERR max number of clients reached\r\n'
export const DEFAULT_BIND = '* -::*'
const DEFAULT_PROTO_MAX_BULK_LEN = 512 * 1024 * 1024

function emptyStats(): ServerStats {
  return {
    totalConnectionsReceived: 0,
    totalCommandsProcessed: 0,
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    evictedKeys: 0,
    rejectedConnections: 0,
    totalNetInputBytes: 0,
    totalNetOutputBytes: 0,
  }
}

/** One listening address from `bind`: `*` is every IPv4 address, `::*` every IPv6 one; `-` marks it optional. */
interface BindAddress {
  host: string
  optional: boolean
  ipv6Only: boolean
}

export function parseBind(bind: string): BindAddress[] {
  return bind
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const optional = word.startsWith('-')
      const name = optional ? word.slice(1) : word
      if (name === '*') return { host: '0.0.0.0', optional, ipv6Only: false }
      if (name === '::*') return { host: '::', optional, ipv6Only: true }
      return { host: name, optional, ipv6Only: name.includes(':') }
    })
}

class TandemServerImpl implements TandemServer, ServerContext, ServerCore {
  readonly stats = emptyStats()
  readonly databases: readonly Database[]
  readonly memory: MemoryManager
  readonly commands = new CommandTable(allCommands())
  readonly config: ConfigView
  readonly log: Logger
  readonly startedAt = Date.now()
  readonly runId = randomBytes(20).toString('hex')
  readonly configFile: string
  dirty = 0
  port: number

  private cachedNow = Date.now()
  private nextClientId = 1
  private readonly clientsById = new Map<number, Client>()
  private readonly listeners: Server[] = []
  private readonly dirtyClients = new Set<Client>()
  private flushScheduled = false
  private cronTimer: NodeJS.Timeout | undefined
  /** Stops the `save` points cron and any running BGSAVE (persistence/save-points.ts). */
  private stopSaveCron: (() => void) | undefined
  private readonly infoSections = new Map<string, InfoSectionRenderer>()
  private shuttingDown = false
  /** MONITOR clients, in the order they started (server.monitors). */
  private readonly monitors = new Set<Client>()
  /** CLIENT PAUSE in force: until when, and whether only writes wait. */
  private pause: { until: number; mode: 'write' | 'all' } | undefined
  /** FAILOVER's write pause (PAUSE_DURING_FAILOVER): no deadline, lifted only by the failover, untouched by CLIENT UNPAUSE. */
  private failoverPause = false
  private pauseTimer: NodeJS.Timeout | undefined
  /** Clients whose next command waits for the pause to end (BLOCKED_POSTPONE), with that command. */
  private readonly postponed = new Map<Client, Buffer[]>()

  constructor(private readonly options: TandemServerOptions) {
    this.config = options.config
    this.log = options.log
    this.port = options.config.number('port')
    this.configFile = options.configFile ? resolve(options.configFile) : ''
    const count = Math.max(1, options.config.number('databases') || 16)
    this.databases = createDatabases(count, this)
    this.memory = new MemoryManager({
      databases: this.databases,
      config: this.config,
      stats: this.stats,
      now: () => this.cachedNow,
      ignoresMaxmemory: () => this.role === 'replica' && this.config.bool('replica-ignore-maxmemory'),
    })
    this.propagation.attach(this.databases, this.memory)
    // CONFIG SET appendonly yes/no switches the AOF at once (startAppendOnly / stopAppendOnly); throwing refuses the SET.
    const live = options.config as { onChange?: (listener: (name: string, value: string) => void) => unknown }
    live.onChange?.((name, value) => {
      if (name === 'appendonly') this.aof.setEnabled(value === 'yes')
      this.refreshHotConfig()
    })
    // Without change notifications (a bare ConfigView) the values are read per request instead.
    this.hotConfigFollowed = live.onChange !== undefined
    this.refreshHotConfig()
    if (this.hotConfigFollowed) this.memory.followConfigChanges()
  }

  /** Directives read for every request, parsed once per change instead of per request (CONFIG SET notifies). */
  private hotConfigFollowed = false
  private hotMaxBulkLen = DEFAULT_PROTO_MAX_BULK_LEN
  private hotSlowerThanUs = 10000
  private hotSlowlogMaxLen = 128

  private refreshHotConfig(): void {
    this.hotMaxBulkLen = this.config.number('proto-max-bulk-len') || DEFAULT_PROTO_MAX_BULK_LEN
    this.hotSlowerThanUs = this.config.number('slowlog-log-slower-than')
    this.hotSlowlogMaxLen = this.config.number('slowlog-max-len')
    this.memory.configChanged()
  }

  readonly pubsub = new PubSubRegistry((target, reply) => {
    const client = target as Client
    if (client.closed) return
    client.queue(reply)
    this.scheduleFlush(client)
  })

  readonly slowlog = new SlowLog()

  /** LASTSAVE, rdb_* counters, BGSAVE state (persistence/state.ts). */
  readonly persistence = new PersistenceState(this.startedAt)

  /** Write effects for the AOF and replicas (replication/propagation.ts). */
  readonly propagation = new Propagation(this)

  /** The append-only file (persistence/aof.ts); a BGREWRITEAOF waits for a running BGSAVE. */
  readonly aof: AofEngine = new AofEngine(this, { otherChildActive: () => this.persistence.bgsaveInProgress })

  /** Replication ids, backlog, replica links and the link to our master (replication/replication.ts). */
  readonly replication: Replication = new Replication(this)

  get replId(): string {
    return this.replication.replId
  }

  get replId2(): string {
    return this.replication.replId2
  }

  get role(): 'master' | 'replica' {
    return this.replication.replica.isReplica ? 'replica' : 'master'
  }

  readonly blocking = new BlockingService({
    unblocked: (blocked, reply) => {
      const client = blocked as Client
      client.queue(reply)
      this.scheduleFlush(client)
      // Its waiting commands run after the command that served it, as Redis's processUnblockedClients.
      queueMicrotask(() => {
        if (!client.closed && !this.blocking.isBlocked(client)) this.processInput(client)
      })
    },
  })

  get core(): ServerCore {
    return this
  }

  get context(): ServerContext {
    return this
  }

  get tcpPort(): number {
    return this.port
  }

  now(): number {
    return this.cachedNow
  }

  resetStats(): void {
    Object.assign(this.stats, emptyStats())
  }

  password(): string {
    return this.config.get('requirepass') ?? ''
  }

  clients(): readonly ClientHandle[] {
    return [...this.clientsById.values()]
  }

  describeClient(client: ClientHandle | { id: number }): string {
    const c = this.clientsById.get(client.id)
    if (!c) return ''
    return c.describe(this.cachedNow, {
      sub: this.pubsub.channelCount(c),
      psub: this.pubsub.patternCount(c),
      multi: queuedCount(c),
      blocked: this.blocking.isBlocked(c) || this.postponed.has(c),
      dirtyCas: watchTouched(c),
    })
  }

  /** INFO blocked_clients: clients waiting on keys and clients held by CLIENT PAUSE, as blockClient counts both. */
  blockedClientCount(): number {
    return this.blocking.blockedCount + this.postponed.size
  }

  // ---- MONITOR ---------------------------------------------------------------

  startMonitor(client: ClientState): boolean {
    const c = this.clientsById.get(client.id)
    if (!c || c.monitor) return false
    c.monitor = true
    this.monitors.add(c)
    return true
  }

  isMonitor(client: ClientState): boolean {
    if (this.monitors.size === 0) return false
    return this.clientsById.get(client.id)?.monitor === true
  }

  feedMonitors(client: ClientState, argv: readonly Buffer[], spec: CommandSpec): void {
    if (this.monitors.size === 0 || !monitorShows(spec)) return
    const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000)
    const addr = this.clientsById.get(client.id)?.addr ?? '?:0'
    const line: Reply = { t: 'raw', v: monitorLine(nowUs, client.db, addr, redactedArgv(spec, argv)) }
    for (const monitor of this.monitors) {
      if (monitor.closed) continue
      monitor.queue(line)
      this.scheduleFlush(monitor)
    }
  }

  // ---- CLIENT PAUSE / NO-EVICT / RESET -----------------------------------------

  pauseClients(untilMs: number, mode: 'write' | 'all', purpose: 'client' | 'failover' = 'client'): void {
    if (purpose === 'failover') {
      this.failoverPause = true
      return
    }
    // pauseClients: a pause only ever grows, in length and in strength.
    const current = this.pause
    this.pause = {
      until: Math.max(untilMs, current?.until ?? 0),
      mode: current?.mode === 'all' || mode === 'all' ? 'all' : 'write',
    }
    if (this.pauseTimer) clearTimeout(this.pauseTimer)
    this.pauseTimer = setTimeout(() => this.unpauseClients(), Math.max(0, this.pause.until - Date.now()))
  }

  unpauseClients(purpose: 'client' | 'failover' = 'client'): void {
    if (purpose === 'failover') {
      this.failoverPause = false
    } else {
      if (this.pauseTimer) clearTimeout(this.pauseTimer)
      this.pauseTimer = undefined
      this.pause = undefined
    }
    // Each purpose lifts only its own pause (unpauseClients(purpose)); held clients wait while another remains.
    if (this.pause || this.failoverPause) return
    this.cachedNow = Date.now()
    // Held clients run in the order they were held, as unblockPostponedClients walks its list.
    for (const [client, argv] of [...this.postponed]) {
      this.postponed.delete(client)
      if (client.closed || client.closeAfterReply) continue
      client.lastInteraction = this.cachedNow
      this.execute(client, argv)
      this.processInput(client)
    }
  }

  setNoEvict(client: ClientState, on: boolean): void {
    const c = this.clientsById.get(client.id)
    if (c) c.noEvict = on
  }

  resetClientState(client: ClientState): void {
    const c = this.clientsById.get(client.id)
    if (!c) return
    c.monitor = false
    c.noEvict = false
    this.monitors.delete(c)
  }

  /** processCommand's pause step: replicas and monitors are never held; WRITE holds only commands that may replicate. */
  private mustWait(client: Client, argv: readonly Buffer[]): boolean {
    const pause = this.pause ?? (this.failoverPause ? { mode: 'write' } : undefined)
    if (!pause || client.monitor || client.kind === 'replica' || client.kind === 'master') return false
    const spec = this.commands.lookup(argv)
    // Unknown commands and wrong arity are refused before the pause check.
    if (!spec || (spec.arity > 0 ? argv.length !== spec.arity : argv.length < -spec.arity)) return false
    if (pause.mode === 'all') return true
    return spec.flags.includes('write') || spec.flags.includes('may_replicate')
  }

  killClient(client: { id: number }): void {
    const c = this.clientsById.get(client.id)
    if (!c) return
    c.closeAfterReply = true
    // Redis frees a killed client at once: it must vanish from CLIENT LIST/KILL and maxclients before its socket finishes closing.
    this.clientsById.delete(c.id)
    this.blocking.remove(c)
    this.postponed.delete(c)
    this.monitors.delete(c)
    this.scheduleFlush(c)
  }

  setInfoSection(name: string, render: InfoSectionRenderer): void {
    this.infoSections.set(name.toLowerCase(), render)
  }

  infoSection(name: string): InfoSectionRenderer | undefined {
    return this.infoSections.get(name.toLowerCase())
  }

  shutdown(request: ShutdownRequest): Reply {
    if (request.abort) return error('ERR No shutdown in progress.')
    this.log.warning('User requested shutdown...')
    if (!saveBeforeShutdown(this, request.save) && !request.force) return error('ERR Errors trying to SHUTDOWN. Check logs.')
    this.log.warning('Redis is now ready to exit, bye bye...')
    this.shuttingDown = true
    void this.close().then(() => this.options.onShutdown?.('shutdown'))
    return NO_REPLY
  }

  // ---- replication links -------------------------------------------------------

  becomeReplica(client: ClientState): ReplicaConnection {
    const c = this.clientsById.get(client.id)
    if (!c) throw new Error(`becomeReplica: no client ${client.id}`)
    c.kind = 'replica'
    const closeListeners: (() => void)[] = []
    c.socket.once('close', () => {
      for (const listener of closeListeners.splice(0)) listener()
    })
    const ip = c.addr.startsWith('[') ? c.addr.slice(1, c.addr.lastIndexOf(']')) : c.addr.slice(0, c.addr.lastIndexOf(':'))
    return {
      client: c,
      ip,
      write: (bytes: Buffer) => {
        if (c.closed) return
        // Replies queued before (an error to an earlier command) keep their place ahead of the stream.
        if (!c.out.isEmpty) this.flush(c)
        this.stats.totalNetOutputBytes += bytes.length
        c.socket.write(bytes)
      },
      get pendingBytes() {
        return c.socket.writableLength + c.out.length
      },
      close: () => {
        this.killClient(c)
        c.closed = true
        c.socket.destroy()
      },
      onClose: (listener: () => void) => {
        if (c.closed || c.socket.destroyed) listener()
        else closeListeners.push(listener)
      },
    }
  }

  attachMasterClient(socket: Socket, hooks: MasterClientHooks): MasterClientHandle {
    const client = new Client(this.nextClientId++, socket, { maxBulkLen: () => Number.MAX_SAFE_INTEGER, authRequired: () => false }, this.cachedNow, true)
    client.kind = 'master'
    this.clientsById.set(client.id, client)
    let fed = 0
    return {
      client,
      feed: (chunk: Buffer) => {
        if (client.closed) return
        this.cachedNow = Date.now()
        client.lastInteraction = this.cachedNow
        fed += chunk.length
        client.parser.feed(chunk)
        for (;;) {
          const request = client.parser.next()
          if (request === null) break
          if (request instanceof ProtocolError) {
            this.log.warning(`Protocol error from MASTER: ${request.message}`)
            client.closed = true
            socket.destroy()
            break
          }
          this.execute(client, request)
          hooks.commandDone(fed - client.parser.pendingBytes)
          if (client.closed) break
        }
      },
      detach: () => {
        this.forget(client)
      },
    }
  }

  // ---- lifecycle -----------------------------------------------------------

  async listen(): Promise<void> {
    const addresses = parseBind(this.config.get('bind') ?? DEFAULT_BIND)
    for (const address of addresses) {
      try {
        await this.listenOn(address)
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code
        if (address.optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue
        this.log.warning(`Warning: Could not create server TCP listening socket ${address.host}:${this.port}: ${(e as Error).message}`)
        await this.close()
        throw e
      }
    }
    const hz = Math.min(500, Math.max(1, this.config.number('hz') || 10))
    this.cronTimer = setInterval(() => this.cron(hz), Math.round(1000 / hz))
    this.cronTimer.unref()
    installPersistenceInfo(this)
    this.setInfoSection('replication', () => this.replication.infoLines())
    this.stopSaveCron = startSaveCron(this)
    this.replication.replica.start()
    this.log.notice('Server initialized')
    this.log.notice('Ready to accept connections')
  }

  private listenOn(address: BindAddress): Promise<void> {
    return new Promise((res, rej) => {
      const server = createServer({ noDelay: true }, (socket) => this.accept(socket))
      server.once('error', rej)
      server.listen({ host: address.host, port: this.port, ipv6Only: address.ipv6Only }, () => {
        server.off('error', rej)
        server.on('error', (e) => this.log.warning(`Accept error: ${e.message}`))
        const bound = server.address()
        if (this.port === 0 && bound && typeof bound === 'object') this.port = bound.port
        this.listeners.push(server)
        res()
      })
    })
  }

  async close(): Promise<void> {
    // What the AOF gathered reaches the file and the disk before the process goes.
    this.aof.close()
    this.replication.replica.close()
    this.replication.master.disconnectReplicas()
    if (this.cronTimer) clearInterval(this.cronTimer)
    this.cronTimer = undefined
    this.stopSaveCron?.()
    this.stopSaveCron = undefined
    if (this.pauseTimer) clearTimeout(this.pauseTimer)
    const closing = this.listeners.splice(0).map((s) => new Promise<void>((res) => s.close(() => res())))
    for (const client of this.clientsById.values()) {
      this.flush(client)
      client.socket.destroy()
    }
    await Promise.all(closing)
  }

  // ---- clients -------------------------------------------------------------

  private accept(socket: Socket): void {
    this.cachedNow = Date.now()
    if (this.shuttingDown) {
      socket.destroy()
      return
    }
    socket.setNoDelay(true)
    const maxClients = this.config.number('maxclients') || 10000
    if (this.clientsById.size >= maxClients) {
      this.stats.rejectedConnections++
      socket.end(MAX_CLIENTS_REACHED)
      return
    }
    if (this.protectedModeDenies(socket)) {
      this.stats.rejectedConnections++
      socket.end(DENIED_PROTECTED_MODE)
      return
    }
    // Redis counts a connection as received only once protected mode let it in.
    this.stats.totalConnectionsReceived++
    const client: Client = new Client(
      this.nextClientId++,
      socket,
      {
        maxBulkLen: () => (this.hotConfigFollowed ? this.hotMaxBulkLen : this.config.number('proto-max-bulk-len') || DEFAULT_PROTO_MAX_BULK_LEN),
        authRequired: (): boolean => !client.authenticated && this.password() !== '',
      },
      this.cachedNow,
      this.password() === '',
    )
    this.clientsById.set(client.id, client)
    socket.on('data', (chunk: Buffer) => this.onData(client, chunk))
    socket.on('error', () => socket.destroy())
    socket.on('close', () => this.forget(client))
  }

  /** Redis 7.0 (clientAcceptHandler) applies protected mode whatever `bind` says: only the password or protected-mode no lift it. */
  private protectedModeDenies(socket: Socket): boolean {
    if (!this.config.bool('protected-mode') || this.password() !== '') return false
    return !isLoopback(socket.remoteAddress)
  }

  private forget(client: Client): void {
    this.blocking.remove(client)
    this.pubsub.forget(client)
    forgetTransaction(client)
    this.monitors.delete(client)
    this.postponed.delete(client)
    client.closed = true
    this.clientsById.delete(client.id)
    this.dirtyClients.delete(client)
  }

  private onData(client: Client, chunk: Buffer): void {
    if (client.closeAfterReply) return
    this.cachedNow = Date.now()
    client.lastInteraction = this.cachedNow
    this.stats.totalNetInputBytes += chunk.length
    client.parser.feed(chunk)
    this.processInput(client)
  }

  /** Run the client's complete commands, stopping while it is blocked (blocking.ts). */
  private processInput(client: Client): void {
    while (!client.closeAfterReply && (this.blocking.blockedCount === 0 || !this.blocking.isBlocked(client)) && (this.postponed.size === 0 || !this.postponed.has(client))) {
      const request = client.parser.next()
      if (request === null) break
      if (request instanceof ProtocolError) {
        client.queue(error(`ERR Protocol error: ${request.message}`))
        client.closeAfterReply = true
        this.log.verbose(`Protocol error (${request.message}) from client: id=${client.id} addr=${client.addr}`)
        break
      }
      if (this.mustWait(client, request)) {
        this.postponed.set(client, request)
        break
      }
      this.execute(client, request)
    }
    this.scheduleFlush(client)
  }

  private execute(client: Client, argv: Buffer[]): void {
    let argvBytes = 0
    for (let i = 0; i < argv.length; i++) argvBytes += argv[i].length
    client.argvBytes = argvBytes
    const db = this.databases[client.db] ?? this.databases[0]
    const authRequired = !client.authenticated && this.password() !== ''
    // Like c->lastcmd, set before the handler runs so CLIENT INFO names itself.
    const spec = this.commands.lookup(argv)
    if (spec) client.lastCommand = spec.name
    const started = performance.now()
    const result = dispatch(this.commands, { argv, client, server: this, db }, authRequired, spec)
    if (result.executed) {
      this.stats.totalCommandsProcessed++
      this.recordSlow(client, argv, performance.now() - started, result.spec)
    }
    // rejectCommand: a command refused before running makes a pending EXEC fail with EXECABORT.
    else if (result.reply.t === 'error') flagTransaction(client)
    client.argvBytes = 0
    client.queue(result.reply)
    // call() feeds monitors after the command's reply is queued (a monitor running PING sees +PONG first).
    if (result.executed && result.spec) this.feedMonitors(client, argv, result.spec)
    if (this.blocking.hasReadyKeys) this.blocking.serveReady()
  }

  /** slowlogPushEntryIfNeeded after call(): the duration in whole microseconds. */
  private recordSlow(client: Client, argv: readonly Buffer[], elapsedMs: number, spec: CommandSpec | undefined): void {
    const slowerThanUs = this.hotConfigFollowed ? this.hotSlowerThanUs : this.config.number('slowlog-log-slower-than')
    const durationUs = Math.floor(elapsedMs * 1000)
    if (!(slowerThanUs >= 0) || durationUs < slowerThanUs || spec?.flags.includes('skip_slowlog')) return
    this.slowlog.record(
      { slowerThanUs, maxLen: this.hotConfigFollowed ? this.hotSlowlogMaxLen : this.config.number('slowlog-max-len') },
      { time: Math.floor(this.cachedNow / 1000), durationUs, argv, addr: client.addr, name: client.name },
    )
  }

  private scheduleFlush(client: Client): void {
    this.dirtyClients.add(client)
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      // beforeSleep's order: the AOF is written (and fsynced with `always`) before any reply of this turn goes out.
      this.aof.flush()
      const clients = [...this.dirtyClients]
      this.dirtyClients.clear()
      for (const c of clients) this.flush(c)
    })
  }

  private flush(client: Client): void {
    if (client.closed) return
    if (!client.out.isEmpty) {
      const bytes = client.out.take()
      this.stats.totalNetOutputBytes += bytes.length
      client.socket.write(bytes)
    }
    if (client.closeAfterReply) {
      client.closed = true
      client.socket.end(() => client.socket.destroy())
    }
  }

  // ---- cron ----------------------------------------------------------------

  /** When replicationCron last ran (it runs once per second whatever `hz` says). */
  private lastReplicationCron = 0

  private cron(hz: number): void {
    this.cachedNow = Date.now()
    this.aof.cron()
    if (this.cachedNow - this.lastReplicationCron >= 1000) {
      this.lastReplicationCron = this.cachedNow
      this.replication.cron(this.cachedNow)
    }
    // Redis gives active expiry 25% of each cron period.
    const budget = (1000 / hz) * 0.25
    const started = Date.now()
    for (const db of this.databases) {
      const left = budget - (Date.now() - started)
      if (left <= 0) break
      db.activeExpireCycle(this.cachedNow, left)
    }
    const timeout = this.config.number('timeout')
    if (timeout > 0) {
      for (const client of this.clientsById.values()) {
        // As clientsCronHandleTimeout: a blocked client waits as long as its command asked, a subscriber as long as it likes.
        if (client.kind !== 'normal' || client.monitor || this.postponed.has(client) || this.blocking.isBlocked(client) || this.pubsub.isSubscriber(client)) continue
        if (this.cachedNow - client.lastInteraction > timeout * 1000) {
          this.log.verbose('Closing idle client')
          client.closeAfterReply = true
          this.flush(client)
        }
      }
    }
  }
}

export function createTandemServer(options: TandemServerOptions): TandemServer {
  return new TandemServerImpl(options)
}
