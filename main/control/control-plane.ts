/**
 * The control plane both faces (Electron IPC, web mode's WebSocket) serve:
 * every ApiMethods method, and 'fleet.changed' events. It owns the fleet file,
 * one NodeProcess per local node, the monitor and the console sessions.
 */
import { EventEmitter } from 'node:events'
import { isApiMethod, type ApiEvent, type ApiEvents, type ApiMethod, type ApiParams, type ApiResult, type TandemApi } from '../../shared/api'
import type {
  ConsoleReply,
  LagHistory,
  NodeSpec,
  NodeStatus,
  NodeView,
  PersistenceActionResult,
  ReplicaOfSpec,
  ReplicationGroup,
} from '../../shared/types'
import { ConsoleSession, type NodeAuth } from './console'
import { createConsoleApi } from './console-api'
import { FailoverManager } from './failover'
import { autoFailoverRequest, failoverRunRequest, groupMasterId, optionalGroupMasterId } from './failover-validate'
import { Fleet } from './fleet'
import { KeyBrowser, keyBrowserHandlers } from './key-browser'
import { configEditorHandlers, mergeSpecConfig } from './config-editor'
import { offlineStatus, statusFromInfo } from './info'
import { Monitor, type MonitorTarget, type PollResult } from './monitor'
import { MetricsHistoryStore } from './metrics'
import { dashboardHandlers } from './metrics-handlers'
import { NodeProcess, installOrphanGuards } from './node-process'
import { isPortFree, isValidPort, pickFreePort } from './ports'
import { persistenceReplyMessage, runOnce, type PersistenceCommand, type RunOnce } from './persistence-actions'
import type { LaunchServer } from './server-launcher'
import { replicationFromInfo, syncInProgress } from './replication-info'
import { LagHistoryStore, SyncRates, addressKey, linkFleet, replicaOfChain } from './replication-view'
import {
  ApiError,
  addReplicaRequest,
  attachRequest,
  consoleArgs,
  createRequest,
  groupRequest,
  nodeId,
  optionalNodeId,
  replicaOfRequest,
} from './validate'

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
  const syncRates = new SyncRates()
  const lagHistory = new LagHistoryStore()
  // Untyped inside: the typed surface is call/on below.
  const events = new EventEmitter()
  const throttleMs = options.eventThrottleMs ?? 200
  let changeTimer: NodeJS.Timeout | null = null
  let closed = false
  /** Serialises operations per node so a double click cannot start a node twice. */
  const nodeLocks = new Map<string, Promise<unknown>>()
  const keyBrowser = new KeyBrowser({
    mustGet,
    authOf,
    reachable: (spec) => ['running', 'external'].includes(processStateOf(spec)),
  })
  const consoleApi = createConsoleApi({
    mustGet: (id) => mustGet(id),
    authOf: (spec) => authOf(spec),
    reachable: (spec) => ['running', 'external'].includes(processStateOf(spec)),
    emit: (batch) => {
      if (!closed) events.emit('console.stream', batch)
    },
  })

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

  /** Every node, with replication links resolved across the fleet (node ids, lag as each master reports it). */
  function list(): NodeView[] {
    return linkFleet(fleet.list().map(view))
  }

  /** One node's view, linked with the rest of the fleet. */
  function linkedView(spec: NodeSpec): NodeView {
    return list().find((v) => v.spec.id === spec.id) ?? view(spec)
  }

  function authOf(spec: NodeSpec): NodeAuth | undefined {
    const password = fleet.password(spec.id)
    if (password === undefined) return undefined
    return spec.username !== undefined ? { username: spec.username, password } : { password }
  }

  function targetOf(spec: NodeSpec): MonitorTarget {
    const auth = authOf(spec)
    return { id: spec.id, host: spec.host, port: spec.port, ...(auth ?? {}) }
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
    if (result.live) {
      const status = statusFromInfo({ id: spec.id, processState }, result.fields, result.role, result.at)
      const replication = replicationFromInfo(result.fields, status.role, result.roleReply)
      if (replication.link) {
        const sync = syncRates.measure(spec.id, replication.link.sync, result.at)
        if (sync) replication.link.sync = sync
      }
      status.replication = replication
      statuses.set(spec.id, status)
      monitor.setFast(spec.id, syncInProgress(replication))
      const linked = linkedView(spec).status
      lagHistory.record(linked, result.at)
    } else {
      statuses.set(spec.id, offlineStatus(spec.id, processState, result.error, previous))
      syncRates.forget(spec.id)
      monitor.setFast(spec.id, false)
    }
    changed()
  })
  monitor.start()

  // Dashboard charts: every poll's INFO becomes a sample (issue 7).
  const metricsHistory = new MetricsHistoryStore()
  monitor.on('poll', (result: PollResult) => {
    if (!fleet.get(result.id)) return
    if (result.live) metricsHistory.record(result.id, result.fields, result.at)
    else metricsHistory.interrupted(result.id)
  })

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
        monitor.watch(targetOf(spec))
        void monitor.pollNow(spec.id)
      } else if (state !== 'starting') {
        monitor.unwatch(spec.id)
        consoles.get(spec.id)?.close()
        consoleApi.forgetNode(spec.id)
      }
      changed()
    })
    processes.set(spec.id, proc)
    return proc
  }

  async function startNode(spec: NodeSpec): Promise<NodeView> {
    if (spec.kind !== 'local') throw new ApiError(`node "${spec.name}" is external: Tandem does not start it`)
    // The spec as stored now (a replicaOf chosen while a start was queued counts).
    spec = fleet.get(spec.id) ?? spec
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
    if (spec.kind !== 'local') throw new ApiError(`node "${spec.name}" is external: Tandem does not stop it (remove only forgets it)`)
    startErrors.delete(spec.id)
    consoles.get(spec.id)?.close()
    consoleApi.forgetNode(spec.id)
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
    const reply = await (options.runOnce ?? runOnce)(spec.host, spec.port, [command], authOf(spec))
    const message = persistenceReplyMessage(command, spec.name, reply)
    await monitor.pollFresh(spec.id)
    changed()
    return { message, node: view(spec) }
  }

  async function usedPorts(): Promise<Set<number>> {
    return new Set(fleet.list().map((n) => n.port))
  }

  /** Adds a local node to the fleet (port checked or picked); the caller starts it. */
  async function addLocal(req: { name?: string; port?: number; config?: Record<string, string>; replicaOf?: ReplicaOfSpec }): Promise<NodeSpec> {
    let port: number
    if (req.port !== undefined) {
      port = req.port
      const owner = fleet.list().find((n) => n.port === port && addressKey(n.host, n.port) === addressKey('127.0.0.1', port))
      if (owner) throw new ApiError(`port ${port} is already used by node "${owner.name}"`)
      if (!(await isPortFree(port))) throw new ApiError(`port ${port} is already in use by another program: choose another port or leave it empty`)
    } else {
      const taken = await usedPorts()
      do port = await pickFreePort()
      while (taken.has(port))
    }
    const spec: NodeSpec = {
      id: fleet.newId(),
      name: req.name ?? `node-${port}`,
      kind: 'local',
      host: '127.0.0.1',
      port,
      config: req.config ?? {},
      createdAt: Date.now(),
    }
    const replicaOf = req.replicaOf ?? replicaOfFromConfig(spec.config)
    if (replicaOf) spec.replicaOf = replicaOf
    fleet.add(spec)
    changed()
    return spec
  }

  /** Runs one command on a node over a connection of its own; the server's error is the ApiError. */
  async function onNode(spec: NodeSpec, argv: string[]): Promise<ConsoleReply> {
    const reply = await (options.runOnce ?? runOnce)(spec.host, spec.port, argv, authOf(spec))
    if (reply.type === 'error') throw new ApiError(`${argv[0]} on "${spec.name}" failed: ${reply.value.split('\n')[0]}`)
    return reply
  }

  function answers(spec: NodeSpec): boolean {
    const state = processStateOf(spec)
    return state === 'running' || state === 'external'
  }

  /**
   * A `replicaof`/`slaveof` directive given at creation becomes the node's
   * replicaOf (by node id when the address is a fleet node), so the fleet
   * keeps who replicates from whom however the replica was made.
   */
  function replicaOfFromConfig(config: Record<string, string>): ReplicaOfSpec | undefined {
    const value = config.replicaof ?? config.slaveof
    const m = value === undefined ? null : /^\s*"?([^\s"]+)"?\s+(\d{1,5})\s*$/.exec(value)
    if (!m || !isValidPort(Number(m[2]))) return undefined
    return resolveSource({ host: m[1], port: Number(m[2]) }).source
  }

  /** Where a replicaOf request points: a fleet node (by id, or by an address that is one) or an outside address. */
  function resolveSource(target: { masterId?: string; host?: string; port?: number }): { source: ReplicaOfSpec; master?: NodeSpec } {
    if (target.masterId !== undefined) {
      const master = mustGet(target.masterId)
      return { source: { nodeId: master.id, host: master.host, port: master.port }, master }
    }
    const host = target.host ?? ''
    const port = target.port ?? 0
    const master = fleet.list().find((n) => addressKey(n.host, n.port) === addressKey(host, port))
    if (master) return { source: { nodeId: master.id, host: master.host, port: master.port }, master }
    return { source: { host, port } }
  }

  function refuseLoop(spec: NodeSpec, source: ReplicaOfSpec, master?: NodeSpec): void {
    if (source.nodeId === spec.id || addressKey(source.host, source.port) === addressKey(spec.host, spec.port)) {
      throw new ApiError(`node "${spec.name}" cannot replicate from itself`)
    }
    if (master && replicaOfChain(fleet.list(), master.id).includes(spec.id)) {
      throw new ApiError(`"${master.name}" already replicates from "${spec.name}" (directly or through a chain): that would make a loop`)
    }
  }

  /** REPLICAOF over the wire (with the master's credentials set first when it has some) and, for a local node, in its spec. */
  async function pointAt(spec: NodeSpec, source: ReplicaOfSpec, master?: NodeSpec): Promise<NodeView> {
    refuseLoop(spec, source, master)
    if (spec.kind === 'external' && !answers(spec)) throw new ApiError(`node "${spec.name}" does not answer`)
    if (answers(spec)) {
      const masterAuth = master ? authOf(master) : undefined
      if (masterAuth) {
        await onNode(spec, ['CONFIG', 'SET', 'masterauth', masterAuth.password])
        if (masterAuth.username !== undefined) await onNode(spec, ['CONFIG', 'SET', 'masteruser', masterAuth.username])
      }
      await onNode(spec, ['REPLICAOF', source.host, String(source.port)])
    }
    if (spec.kind === 'local') fleet.update({ ...spec, config: withoutReplicationDirectives(spec.config), replicaOf: source })
    if (answers(spec)) await monitor.pollFresh(spec.id)
    changed()
    return linkedView(fleet.get(spec.id) ?? spec)
  }

  const failover = new FailoverManager(
    {
      specs: () => fleet.list(),
      spec: (id) => fleet.get(id),
      processState: (spec) => processStateOf(spec),
      lastSeenAt: (id) => statuses.get(id)?.updatedAt ?? 0,
      auth: (spec) => authOf(spec),
      storeReplicaOf(id, source) {
        const current = fleet.get(id)
        if (!current || current.kind !== 'local') return
        const next: NodeSpec = { ...current, config: withoutReplicationDirectives(current.config) }
        if (source) next.replicaOf = source
        else delete next.replicaOf
        fleet.update(next)
        changed()
      },
      async refresh(ids) {
        await Promise.all(ids.map((id) => monitor.pollFresh(id)))
        changed()
      },
    },
    options.dataDir,
  )
  failover.on('progress', (record) => {
    if (!closed) events.emit('failover.progress', record)
  })

  const handlers: { [M in ApiMethod]: (params: unknown) => Promise<ApiResult<M>> } = {
    async 'fleet.list'() {
      return list()
    },

    async 'node.create'(params) {
      const spec = await addLocal(createRequest(params))
      return withNodeLock(spec.id, () => startNode(spec))
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
        // An external server is only forgotten: it is not ours to shut down.
        if (spec.kind === 'local') await stopNode(spec, true)
        else {
          consoles.get(spec.id)?.close()
          consoleApi.forgetNode(spec.id)
          consoles.delete(spec.id)
          monitor.unwatch(spec.id)
          statuses.delete(spec.id)
        }
        lagHistory.forget(spec.id)
        metricsHistory.forget(spec.id)
        syncRates.forget(spec.id)
        processes.get(spec.id)?.removeAllListeners()
        processes.delete(spec.id)
        failover.forgetNode(spec.id)
        fleet.remove(spec.id)
        startErrors.delete(spec.id)
        changed()
        return { removed: true as const }
      })
    },

    'node.save': (params) => persistenceAction(params, 'node.save', 'BGSAVE'),
    'node.rewriteAof': (params) => persistenceAction(params, 'node.rewriteAof', 'BGREWRITEAOF'),

    async 'replication.createGroup'(params): Promise<ReplicationGroup> {
      const req = groupRequest(params)
      // The master's port is chosen first so a default group name can carry it.
      const taken = await usedPorts()
      let masterPort: number
      do masterPort = await pickFreePort()
      while (taken.has(masterPort))
      const base = req.name ?? `group-${masterPort}`
      const master = await addLocal({ name: `${base}-master`, config: req.config, port: masterPort })
      const replicaSpecs: NodeSpec[] = []
      for (let i = 1; i <= req.replicas; i++) {
        replicaSpecs.push(
          await addLocal({ name: `${base}-replica-${i}`, config: req.config, replicaOf: { nodeId: master.id, host: master.host, port: master.port } }),
        )
      }
      await withNodeLock(master.id, () => startNode(master))
      // Replicas start one after the other: each start forks a server, and the machine may be small.
      for (const spec of replicaSpecs) await withNodeLock(spec.id, () => startNode(spec))
      return { master: linkedView(master), replicas: replicaSpecs.map(linkedView) }
    },

    async 'replication.addReplica'(params) {
      const req = addReplicaRequest(params)
      const master = mustGet(req.masterId)
      const spec = await addLocal({
        name: req.name ?? `${master.name}-replica-${fleet.list().filter((n) => n.replicaOf?.nodeId === master.id).length + 1}`,
        port: req.port,
        config: req.config,
        replicaOf: { nodeId: master.id, host: master.host, port: master.port },
      })
      await withNodeLock(spec.id, () => startNode(spec))
      return linkedView(spec)
    },

    async 'replication.replicaOf'(params) {
      const req = replicaOfRequest(params)
      const spec = mustGet(req.id)
      const { source, master } = resolveSource(req)
      failover.forgetNode(spec.id)
      return withNodeLock(spec.id, () => pointAt(fleet.get(spec.id) ?? spec, source, master))
    },

    async 'replication.detach'(params) {
      const spec = mustGet(nodeId(params, 'replication.detach'))
      failover.forgetFence(spec.id)
      return withNodeLock(spec.id, async () => {
        if (spec.kind === 'external' && !answers(spec)) throw new ApiError(`node "${spec.name}" does not answer`)
        if (answers(spec)) await onNode(spec, ['REPLICAOF', 'NO', 'ONE'])
        const current = fleet.get(spec.id) ?? spec
        if (current.kind === 'local') {
          const detached: NodeSpec = { ...current, config: withoutReplicationDirectives(current.config) }
          delete detached.replicaOf
          fleet.update(detached)
        }
        syncRates.forget(spec.id)
        if (answers(spec)) await monitor.pollFresh(spec.id)
        changed()
        return linkedView(fleet.get(spec.id) ?? spec)
      })
    },

    async 'replication.history'(params): Promise<LagHistory[]> {
      const id = optionalNodeId(params, 'replication.history')
      if (id !== undefined) mustGet(id)
      return lagHistory.histories(id !== undefined ? [id] : undefined)
    },

    async 'node.attachExternal'(params) {
      const req = attachRequest(params)
      const where = `${req.host}:${req.port}`
      const existing = fleet.list().find((n) => addressKey(n.host, n.port) === addressKey(req.host, req.port))
      if (existing) throw new ApiError(`${where} is already in the fleet as "${existing.name}"`)
      const auth: NodeAuth | undefined = req.password !== undefined ? { password: req.password, ...(req.username !== undefined ? { username: req.username } : {}) } : undefined
      const session = new ConsoleSession(req.host, req.port, 3000, auth)
      let reply: ConsoleReply
      try {
        reply = await session.exec(['PING'])
      } finally {
        session.close()
      }
      if (reply.type === 'error') {
        const why = reply.value.split('\n')[0]
        if (why.startsWith('NOAUTH')) throw new ApiError(`${where} needs a password: ${why}`)
        throw new ApiError(`cannot attach ${where}: ${why}`)
      }
      const spec: NodeSpec = {
        id: fleet.newId(),
        name: req.name ?? where,
        kind: 'external',
        host: req.host,
        port: req.port,
        config: {},
        createdAt: Date.now(),
      }
      if (req.username !== undefined) spec.username = req.username
      if (req.password !== undefined) spec.hasPassword = true
      fleet.setPassword(spec.id, req.password)
      fleet.add(spec)
      monitor.watch(targetOf(spec))
      await monitor.pollNow(spec.id)
      changed()
      return linkedView(spec)
    },

    async 'node.kill'(params) {
      const spec = mustGet(nodeId(params, 'node.kill'))
      if (spec.kind !== 'local') throw new ApiError(`node "${spec.name}" is external: Tandem does not kill it`)
      return withNodeLock(spec.id, async () => {
        const proc = processes.get(spec.id)
        if (!proc || (proc.state !== 'running' && proc.state !== 'starting')) throw new ApiError(`node "${spec.name}" is not running`)
        consoles.get(spec.id)?.close()
        consoleApi.forgetNode(spec.id)
        consoles.delete(spec.id)
        await proc.crash()
        changed()
        return view(fleet.get(spec.id) ?? spec)
      })
    },

    async 'node.restart'(params) {
      const spec = mustGet(nodeId(params, 'node.restart'))
      if (spec.kind !== 'local') throw new ApiError(`node "${spec.name}" is external: Tandem does not restart it`)
      return withNodeLock(spec.id, async () => {
        await stopNode(spec, false)
        // The spec as stored now: a failover may have made it a replica of the new master while it was down.
        return startNode(fleet.get(spec.id) ?? spec)
      })
    },

    async 'failover.plan'(params) {
      return failover.plan(groupMasterId(params, 'failover.plan'))
    },

    async 'failover.run'(params) {
      return failover.run(failoverRunRequest(params))
    },

    async 'failover.timeline'(params) {
      return failover.timeline(optionalGroupMasterId(params, 'failover.timeline'))
    },

    async 'failover.getAuto'(params) {
      const id = groupMasterId(params, 'failover.getAuto')
      mustGet(id)
      return failover.getAuto(id)
    },

    async 'failover.setAuto'(params) {
      return failover.setAuto(autoFailoverRequest(params))
    },

    async 'console.exec'(params): Promise<ConsoleReply> {
      const { id, argv } = consoleArgs(params)
      const spec = mustGet(id)
      const state = processStateOf(spec)
      if (state !== 'running' && state !== 'external') {
        return { type: 'error', value: `node "${spec.name}" is ${state}: start it first` }
      }
      let session = consoles.get(id)
      if (!session) {
        session = new ConsoleSession(spec.host, spec.port, 10_000, authOf(spec))
        consoles.set(id, session)
      }
      return session.exec(argv)
    },
    'console.commands': (params) => consoleApi.commands(params),
    'console.streamStart': (params) => consoleApi.streamStart(params),
    'console.streamStop': (params) => consoleApi.streamStop(params),
    // Key browser (issue 7): SCAN pages, values by pages, edits — over the wire.
    ...keyBrowserHandlers(keyBrowser),

    ...dashboardHandlers({
      history: metricsHistory,
      mustGet,
      answers,
      run: (spec, argv) => (options.runOnce ?? runOnce)(spec.host, spec.port, argv, authOf(spec)),
    }),
    // Config editor (issue 7): CONFIG GET/SET/REWRITE over the wire; local nodes keep saved directives in their spec.
    ...configEditorHandlers({
      mustGet,
      answers,
      run: (spec, argv) => (options.runOnce ?? runOnce)(spec.host, spec.port, argv, authOf(spec)),
      confPath: (spec) => fleet.confPath(spec.id),
      rememberDirectives(spec, directives) {
        // Saved in the fleet file only: re-rendering the conf now would drop the comments CONFIG REWRITE just kept.
        const current = fleet.get(spec.id)
        if (!current) return
        current.config = mergeSpecConfig(current.config, directives)
        fleet.save()
      },
    }),
  }

  async function dispatch(method: string, params: unknown): Promise<unknown> {
    if (closed) throw new ApiError('Tandem is shutting down')
    if (!isApiMethod(method)) throw new ApiError(`unknown method "${method}"`)
    return handlers[method](params)
  }

  async function resume(): Promise<void> {
    // External servers run on their own: watch them whatever the resume setting.
    for (const spec of fleet.list()) {
      if (spec.kind === 'external') monitor.watch(targetOf(spec))
    }
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
      // First: stopping the nodes below must not look like masters failing.
      failover.stop()
      monitor.stop()
      for (const session of consoles.values()) session.close()
      consoleApi.close()
      keyBrowser.close()
      await Promise.all([...processes.values()].map((p) => p.stop().catch(() => {})))
    },
    killAllNow() {
      for (const p of processes.values()) p.killNow()
    },
  }
}

/** A node's extra config without what its replicaOf now decides (so a detach does not come back from an old `replicaof`). */
function withoutReplicationDirectives(config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(config)) {
    if (!['replicaof', 'slaveof'].includes(name.toLowerCase())) out[name] = value
  }
  return out
}
