/**
 * The control plane both faces (Electron IPC, web mode's WebSocket) serve:
 * every ApiMethods method, and 'fleet.changed' events. It owns the fleet file,
 * one NodeProcess per local node, the monitor and the console sessions.
 */
import { EventEmitter } from 'node:events'
import { isApiMethod, type ApiEvent, type ApiEvents, type ApiMethod, type ApiParams, type ApiResult, type TandemApi } from '../../shared/api'
import type { ConsoleReply, NodeSpec, NodeStatus, NodeView, PersistenceActionResult } from '../../shared/types'
import { ConsoleSession } from './console'
import { Fleet } from './fleet'
import { offlineStatus, statusFromInfo } from './info'
import { Monitor, type PollResult } from './monitor'
import { NodeProcess, installOrphanGuards } from './node-process'
import { isPortFree, pickFreePort } from './ports'
import { persistenceReplyMessage, runOnce, type PersistenceCommand, type RunOnce } from './persistence-actions'
import type { LaunchServer } from './server-launcher'
import { ApiError, consoleArgs, createRequest, nodeId } from './validate'

export { ApiError }

export interface ControlPlaneOptions {
  dataDir: string
  /** How local servers are started (fork of tandem-server, utilityProcess in Electron, redis-server in dev). */
  launch: LaunchServer
  pollIntervalMs?: number
  restartOnCrash?: boolean
  /** Start the nodes that were running when the app last quit (default true). */
  resumeRunning?: boolean
  /** At most one 'fleet.changed' per this many ms (default 200). */
  eventThrottleMs?: number
  startTimeoutMs?: number
  /** How Save / Rewrite AOF reach a node (default: a short-lived connection of their own). */
  runOnce?: RunOnce
}

export interface ControlPlane extends TandemApi {
  /** Untyped entry for transports: validates the method name; params are validated per method. */
  dispatch(method: string, params: unknown): Promise<unknown>
  /** Finishes startup work (resuming nodes); resolves when done. */
  ready: Promise<void>
  /** Stops every node gracefully; the fleet keeps which were running so the next launch resumes them. */
  close(): Promise<void>
  /** Synchronous last resort for exit paths. */
  killAllNow(): void
  readonly dataDir: string
}


export function createControlPlane(options: ControlPlaneOptions): ControlPlane {
  installOrphanGuards()
  const fleet = new Fleet(options.dataDir)
  const processes = new Map<string, NodeProcess>()
  const statuses = new Map<string, NodeStatus>()
  const consoles = new Map<string, ConsoleSession>()
  /** Why the last start of a node failed before its process ran (port taken…): shown until the next start or stop. */
  const startErrors = new Map<string, string>()
  const monitor = new Monitor(options.pollIntervalMs ?? 1000)
  // Untyped inside: the typed surface is call/on below.
  const events = new EventEmitter()
  const throttleMs = options.eventThrottleMs ?? 200
  let changeTimer: NodeJS.Timeout | null = null
  let closed = false
  /** Serialises operations per node so a double click cannot start a node twice. */
  const nodeLocks = new Map<string, Promise<unknown>>()

  function withNodeLock<T>(id: string, job: () => Promise<T>): Promise<T> {
    const previous = nodeLocks.get(id) ?? Promise.resolve()
    const next = previous.then(job, job)
    const settled = next.catch(() => {})
    nodeLocks.set(id, settled)
    void settled.then(() => {
      if (nodeLocks.get(id) === settled) nodeLocks.delete(id)
    })
    return next
  }

  function changed(): void {
    if (changeTimer || closed) return
    changeTimer = setTimeout(() => {
      changeTimer = null
      if (!closed) events.emit('fleet.changed', list())
    }, throttleMs)
    changeTimer.unref()
  }

  function processStateOf(spec: NodeSpec): NodeStatus['processState'] {
    if (spec.kind === 'external') return 'external'
    return processes.get(spec.id)?.state ?? 'stopped'
  }

  function statusOf(spec: NodeSpec): NodeStatus {
    const processState = processStateOf(spec)
    const seen = statuses.get(spec.id)
    const proc = processes.get(spec.id)
    if (processState === 'crashed' || processState === 'stopped') {
      return offlineStatus(spec.id, processState, proc?.lastError ?? startErrors.get(spec.id), seen)
    }
    if (!seen) return offlineStatus(spec.id, processState)
    return { ...seen, processState }
  }

  function view(spec: NodeSpec): NodeView {
    return { spec, status: statusOf(spec) }
  }

  function list(): NodeView[] {
    return fleet.list().map(view)
  }

  function mustGet(id: string): NodeSpec {
    const spec = fleet.get(id)
    if (!spec) throw new ApiError(`unknown node id "${id}"`)
    return spec
  }

  monitor.on('poll', (result: PollResult) => {
    const spec = fleet.get(result.id)
    if (!spec) return
    const processState = processStateOf(spec)
    const previous = statuses.get(spec.id)
    statuses.set(
      spec.id,
      result.live
        ? statusFromInfo({ id: spec.id, processState }, result.fields, result.role, result.at)
        : offlineStatus(spec.id, processState, result.error, previous),
    )
    changed()
  })
  monitor.start()

  function processFor(spec: NodeSpec): NodeProcess {
    let proc = processes.get(spec.id)
    if (proc) return proc
    proc = new NodeProcess({
      id: spec.id,
      port: spec.port,
      host: '127.0.0.1',
      confPath: fleet.confPath(spec.id),
      cwd: fleet.nodeDir(spec.id),
      logPath: fleet.logPath(spec.id),
      launch: options.launch,
      restartOnCrash: options.restartOnCrash ?? false,
      startTimeoutMs: options.startTimeoutMs,
    })
    proc.on('state', (state) => {
      if (state === 'running') {
        monitor.watch({ id: spec.id, host: spec.host, port: spec.port })
        void monitor.pollNow(spec.id)
      } else if (state !== 'starting') {
        monitor.unwatch(spec.id)
        consoles.get(spec.id)?.close()
      }
      changed()
    })
    processes.set(spec.id, proc)
    return proc
  }

  async function startNode(spec: NodeSpec): Promise<NodeView> {
    if (spec.kind !== 'local') throw new ApiError(`node "${spec.name}" is external: Tandem does not start it`)
    const proc = processFor(spec)
    if (proc.state === 'running') return view(spec)
    startErrors.delete(spec.id)
    if (!(await isPortFree(spec.port))) {
      const message = `port ${spec.port} is already in use by another program: stop it or create the node on another port`
      startErrors.set(spec.id, message)
      changed()
      throw new ApiError(message)
    }
    fleet.writeConfig(spec)
    fleet.setRunning(spec.id, true)
    try {
      await proc.start()
    } catch (e) {
      changed()
      throw new ApiError(`node "${spec.name}" failed to start: ${(e as Error).message}`)
    }
    await monitor.pollNow(spec.id)
    return view(spec)
  }

  async function stopNode(spec: NodeSpec, remember: boolean): Promise<NodeView> {
    startErrors.delete(spec.id)
    consoles.get(spec.id)?.close()
    consoles.delete(spec.id)
    const proc = processes.get(spec.id)
    if (proc) await proc.stop()
    if (remember) fleet.setRunning(spec.id, false)
    monitor.unwatch(spec.id)
    statuses.delete(spec.id)
    changed()
    return view(spec)
  }

  /** Save / Rewrite AOF: the command, then a fresh poll so the answer already shows "saving…". */
  async function persistenceAction(params: unknown, method: string, command: PersistenceCommand): Promise<PersistenceActionResult> {
    const spec = mustGet(nodeId(params, method))
    const state = processStateOf(spec)
    if (state !== 'running' && state !== 'external') throw new ApiError(`node "${spec.name}" is ${state}: start it first`)
    const reply = await (options.runOnce ?? runOnce)(spec.host, spec.port, [command])
    const message = persistenceReplyMessage(command, spec.name, reply)
    await monitor.pollFresh(spec.id)
    changed()
    return { message, node: view(spec) }
  }

  async function usedPorts(): Promise<Set<number>> {
    return new Set(fleet.list().map((n) => n.port))
  }

  const handlers: { [M in ApiMethod]: (params: unknown) => Promise<ApiResult<M>> } = {
    async 'fleet.list'() {
      return list()
    },

    async 'node.create'(params) {
      const req = createRequest(params)
      const taken = await usedPorts()
      let port: number
      if (req.port !== undefined) {
        port = req.port
        const owner = fleet.list().find((n) => n.port === port)
        if (owner) throw new ApiError(`port ${port} is already used by node "${owner.name}"`)
        if (!(await isPortFree(port))) throw new ApiError(`port ${port} is already in use by another program: choose another port or leave it empty`)
      } else {
        do port = await pickFreePort()
        while (taken.has(port))
      }
      const id = fleet.newId()
      const spec: NodeSpec = {
        id,
        name: req.name ?? `node-${port}`,
        kind: 'local',
        host: '127.0.0.1',
        port,
        config: req.config ?? {},
        createdAt: Date.now(),
      }
      fleet.add(spec)
      changed()
      return withNodeLock(id, () => startNode(spec))
    },

    async 'node.start'(params) {
      const spec = mustGet(nodeId(params, 'node.start'))
      return withNodeLock(spec.id, () => startNode(spec))
    },

    async 'node.stop'(params) {
      const spec = mustGet(nodeId(params, 'node.stop'))
      return withNodeLock(spec.id, () => stopNode(spec, true))
    },

    async 'node.remove'(params) {
      const spec = mustGet(nodeId(params, 'node.remove'))
      return withNodeLock(spec.id, async () => {
        await stopNode(spec, true)
        processes.get(spec.id)?.removeAllListeners()
        processes.delete(spec.id)
        fleet.remove(spec.id)
        startErrors.delete(spec.id)
        changed()
        return { removed: true as const }
      })
    },

    'node.save': (params) => persistenceAction(params, 'node.save', 'BGSAVE'),
    'node.rewriteAof': (params) => persistenceAction(params, 'node.rewriteAof', 'BGREWRITEAOF'),

    'replication.createGroup': () => Promise.reject(new ApiError('replication.createGroup: not implemented yet')),
    'replication.addReplica': () => Promise.reject(new ApiError('replication.addReplica: not implemented yet')),
    'replication.replicaOf': () => Promise.reject(new ApiError('replication.replicaOf: not implemented yet')),
    'replication.detach': () => Promise.reject(new ApiError('replication.detach: not implemented yet')),
    'replication.history': async () => [],
    'node.attachExternal': () => Promise.reject(new ApiError('node.attachExternal: not implemented yet')),

    async 'console.exec'(params): Promise<ConsoleReply> {
      const { id, argv } = consoleArgs(params)
      const spec = mustGet(id)
      const state = processStateOf(spec)
      if (state !== 'running' && state !== 'external') {
        return { type: 'error', value: `node "${spec.name}" is ${state}: start it first` }
      }
      let session = consoles.get(id)
      if (!session) {
        session = new ConsoleSession(spec.host, spec.port)
        consoles.set(id, session)
      }
      return session.exec(argv)
    },
  }

  async function dispatch(method: string, params: unknown): Promise<unknown> {
    if (closed) throw new ApiError('Tandem is shutting down')
    if (!isApiMethod(method)) throw new ApiError(`unknown method "${method}"`)
    return handlers[method](params)
  }

  async function resume(): Promise<void> {
    if (options.resumeRunning === false) return
    for (const spec of fleet.list()) {
      if (spec.kind !== 'local' || !fleet.wasRunning(spec.id)) continue
      // One node failing to come back (port taken meanwhile…) must not stop the others.
      await withNodeLock(spec.id, () => startNode(spec)).catch(() => {})
    }
  }

  const ready = resume()

  return {
    dataDir: fleet.dataDir,
    ready,
    dispatch,
    call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      return dispatch(method, params) as Promise<ApiResult<M>>
    },
    on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
      const l = listener as (payload: ApiEvents[ApiEvent]) => void
      events.on(event, l)
      return () => events.off(event, l)
    },
    async close() {
      if (closed) return
      closed = true
      if (changeTimer) clearTimeout(changeTimer)
      monitor.stop()
      for (const session of consoles.values()) session.close()
      await Promise.all([...processes.values()].map((p) => p.stop().catch(() => {})))
    },
    killAllNow() {
      for (const p of processes.values()) p.killNow()
    },
  }
}
