/**
 * Failover of a replication group, as one visible action: the plan (who
 * would be promoted and why), the run (coordinated FAILOVER when the master
 * answers, REPLICAOF NO ONE + repoints when it does not), the timeline, the
 * fencing of an old master that comes back, and the optional automatic
 * failover. Works over the wire only (INFO, FAILOVER, REPLICAOF), so groups
 * of external Redis servers fail over the same way as local nodes.
 */
import { EventEmitter } from 'node:events'
import { connect } from 'node:net'
import type {
  AutoFailoverRequest,
  AutoFailoverSettings,
  ConsoleReply,
  FailoverMode,
  FailoverPlan,
  FailoverRecord,
  FailoverRunRequest,
  FailoverStep,
  FailoverStepKind,
  NodeSpec,
  ProcessState,
  ReplicaOfSpec,
} from '../../shared/types'
import { ConsoleSession, type NodeAuth } from './console'
import { chooseReplica, groupMembers, parentsOf, type NodeSnapshot } from './failover-choice'
import { FailoverStore } from './failover-store'
import { parseInfo, type InfoFields } from './info'
import { addressKey } from './replication-view'
import { ApiError } from './validate'

/** What the failover needs from the control plane. */
export interface FailoverHost {
  specs(): NodeSpec[]
  spec(id: string): NodeSpec | undefined
  /** A local node's process state ('external' for external nodes). */
  processState(spec: NodeSpec): ProcessState
  /** Wall-clock ms the monitor last heard the node (0: never). */
  lastSeenAt(id: string): number
  auth(spec: NodeSpec): NodeAuth | undefined
  /** Stores whom a local node replicates from (null: it is a master) and rewrites its config, so a restart keeps it. */
  storeReplicaOf(id: string, source: ReplicaOfSpec | null): void
  /** Fresh polls of these nodes, so the node list shows the new roles at once. */
  refresh(ids: readonly string[]): Promise<void>
}

export const DEFAULT_AUTO: Omit<AutoFailoverSettings, 'groupMasterId'> = { enabled: false, downAfterMs: 5000, cooldownMs: 60_000 }
const DEFAULT_FAILOVER_TIMEOUT_MS = 5000
/** How long the resync of each repointed node is watched before the timeline says "unknown". */
const RESYNC_WATCH_MS = 15_000
const FENCE_CHECK_MS = 250

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

interface FailoverEvents {
  progress: [FailoverRecord]
}

export class FailoverManager extends EventEmitter<FailoverEvents> {
  private readonly store: FailoverStore
  /** One failover at a time: they move nodes between groups. */
  private running: Promise<unknown> = Promise.resolve()
  private busy = false
  private timer: NodeJS.Timeout | null = null
  private ticking = false
  /** Auto failover: when each group's master was first seen not answering. */
  private downSince = new Map<string, number>()
  /** When each group (by its current master) last failed over. */
  private lastFailoverAt = new Map<string, number>()

  constructor(
    private readonly host: FailoverHost,
    dataDir: string,
  ) {
    super()
    this.store = new FailoverStore(dataDir)
    this.timer = setInterval(() => void this.tick(), FENCE_CHECK_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  // ---------------------------------------------------------------- wire

  /** A local node whose process does not run cannot answer: no need to try. */
  private processDown(spec: NodeSpec): boolean {
    const state = this.host.processState(spec)
    return state === 'crashed' || state === 'stopped'
  }

  private async exec(spec: NodeSpec, argv: string[], timeoutMs = 2000): Promise<ConsoleReply> {
    const session = new ConsoleSession(spec.host, spec.port, timeoutMs, this.host.auth(spec))
    try {
      return await session.exec(argv)
    } finally {
      session.close()
    }
  }

  /** INFO (or one section) of a node; undefined when it does not answer. */
  private async info(spec: NodeSpec, section?: string, timeoutMs = 1000): Promise<InfoFields | undefined> {
    if (spec.kind === 'local' && this.processDown(spec)) return undefined
    const reply = await this.exec(spec, section ? ['INFO', section] : ['INFO'], timeoutMs)
    if (reply.type === 'bulk' || reply.type === 'verbatim') return parseInfo(reply.value)
    return undefined
  }

  private async must(spec: NodeSpec, argv: string[], timeoutMs = 5000): Promise<ConsoleReply> {
    const reply = await this.exec(spec, argv, timeoutMs)
    if (reply.type === 'error') throw new ApiError(`${argv[0]} on "${spec.name}" failed: ${reply.value.split('\n')[0]}`)
    return reply
  }

  /** REPLICAOF towards `master`, with the master's credentials first when the fleet knows them. */
  private async replicaOf(spec: NodeSpec, master: NodeSpec): Promise<void> {
    const auth = this.host.auth(master)
    if (auth) {
      await this.must(spec, ['CONFIG', 'SET', 'masterauth', auth.password])
      if (auth.username !== undefined) await this.must(spec, ['CONFIG', 'SET', 'masteruser', auth.username])
    }
    await this.must(spec, ['REPLICAOF', master.host, String(master.port)])
  }

  // ---------------------------------------------------------------- plan

  private mustSpec(id: string): NodeSpec {
    const spec = this.host.spec(id)
    if (!spec) throw new ApiError(`unknown node id "${id}"`)
    return spec
  }

  private async snapshots(): Promise<NodeSnapshot[]> {
    return Promise.all(this.host.specs().map(async (spec) => ({ spec, fields: await this.info(spec) })))
  }

  async plan(groupMasterId: string): Promise<FailoverPlan> {
    const masterSpec = this.mustSpec(groupMasterId)
    const snapshots = await this.snapshots()
    const master = snapshots.find((s) => s.spec.id === groupMasterId) ?? { spec: masterSpec }
    if (master.fields && master.fields.role !== 'master') {
      throw new ApiError(`"${masterSpec.name}" is a replica, not a group's master: fail over its master instead`)
    }
    const mode: FailoverMode = master.fields ? 'coordinated' : 'master-down'
    const lastSeen = this.host.lastSeenAt(groupMasterId)
    const masterDownForSeconds = master.fields || !lastSeen ? 0 : Math.round((Date.now() - lastSeen) / 1000)
    const choice = chooseReplica({ mode, master, masterDownForSeconds, snapshots })
    const repointIds = choice.candidates.filter((c) => c.depth === 1 && c.nodeId !== choice.chosen?.nodeId).map((c) => c.nodeId)
    if (mode === 'master-down' && choice.chosen) repointIds.push(groupMasterId)
    return {
      groupMasterId,
      masterName: masterSpec.name,
      mode,
      masterAnswers: !!master.fields,
      masterReplOffset: master.fields ? Number(master.fields.master_repl_offset ?? 0) : null,
      candidates: choice.candidates,
      ...(choice.chosen ? { chosenId: choice.chosen.nodeId } : {}),
      reason: choice.reason,
      repointIds,
      auto: this.getAuto(groupMasterId),
    }
  }

  // ---------------------------------------------------------------- timeline

  timeline(groupMasterId?: string): FailoverRecord[] {
    const all = this.store.records
    if (groupMasterId === undefined) return all.map(clone)
    return all.filter((r) => r.oldMasterId === groupMasterId || r.newMasterId === groupMasterId).map(clone)
  }

  private step(record: FailoverRecord, kind: FailoverStepKind, message: string, extra: { nodeId?: string; resync?: FailoverStep['resync'] } = {}): void {
    const at = Date.now()
    record.steps.push({ at, kind, message, sinceStartMs: at - record.startedAt, ...extra })
    this.store.save()
    this.emit('progress', clone(record))
  }

  // ---------------------------------------------------------------- run

  /** Runs one failover (queued behind any other); resolves with the finished record, failed or not. */
  run(req: FailoverRunRequest, trigger: 'manual' | 'auto' = 'manual'): Promise<FailoverRecord> {
    this.mustSpec(req.groupMasterId)
    const job = this.running.then(() => this.runNow(req, trigger))
    this.running = job.catch(() => {})
    return job
  }

  private async runNow(req: FailoverRunRequest, trigger: 'manual' | 'auto'): Promise<FailoverRecord> {
    this.busy = true
    const record: FailoverRecord = {
      id: `f${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
      oldMasterId: req.groupMasterId,
      mode: 'coordinated',
      trigger,
      startedAt: Date.now(),
      outcome: 'running',
      steps: [],
    }
    this.store.add(record)
    try {
      const oldMaster = this.mustSpec(req.groupMasterId)
      const plan = await this.plan(req.groupMasterId)
      record.mode = plan.mode
      this.step(
        record,
        'detection',
        plan.masterAnswers
          ? `${trigger === 'auto' ? 'Automatic' : 'Manual'} failover of ${oldMaster.name}: it answers (offset ${plan.masterReplOffset}), so coordinated`
          : `${trigger === 'auto' ? 'Automatic failover' : 'Manual failover'}: ${oldMaster.name} does not answer`,
        { nodeId: oldMaster.id },
      )
      let chosenId = plan.chosenId
      if (req.candidateId !== undefined) {
        const asked = plan.candidates.find((c) => c.nodeId === req.candidateId)
        if (!asked) throw new ApiError(`node "${req.candidateId}" is not a replica of ${oldMaster.name}`)
        if (!asked.eligible) throw new ApiError(`${asked.name} cannot be promoted: ${asked.reason}`)
        chosenId = asked.nodeId
      }
      if (chosenId === undefined) throw new ApiError(plan.reason)
      const chosen = this.mustSpec(chosenId)
      record.newMasterId = chosen.id
      // This failover decides for every node it touches: an older fence must not point them back at a former master.
      for (const id of [chosen.id, ...plan.repointIds]) this.store.fences.delete(id)
      this.step(record, 'choice', req.candidateId !== undefined && req.candidateId !== plan.chosenId ? `${chosen.name} chosen by the user` : plan.reason, { nodeId: chosen.id })
      const before = await this.syncCounters(chosen)
      const followers = await this.followersOf(chosen.id)
      if (plan.mode === 'coordinated') await this.coordinated(record, oldMaster, chosen, req.timeoutMs ?? DEFAULT_FAILOVER_TIMEOUT_MS)
      else await this.promoteAfterCrash(record, oldMaster, chosen)
      // The group's identity and settings follow its new master.
      this.moveGroup(oldMaster.id, chosen.id, record.startedAt)
      const repointed: NodeSpec[] = []
      for (const id of plan.repointIds) {
        if (id === oldMaster.id) continue
        const spec = this.mustSpec(id)
        try {
          if (spec.kind === 'local' && this.processDown(spec)) {
            this.step(record, 'repoint', `${spec.name} is not running: its config now names ${chosen.name}`, { nodeId: id })
          } else {
            await this.replicaOf(spec, chosen)
            this.step(record, 'repoint', `REPLICAOF ${chosen.host} ${chosen.port} on ${spec.name}`, { nodeId: id })
            repointed.push(spec)
          }
          this.host.storeReplicaOf(id, sourceOf(chosen))
        } catch (e) {
          this.step(record, 'error', `${spec.name} could not be repointed: ${(e as Error).message} (continuing)`, { nodeId: id })
        }
      }
      // Everyone now syncing from the new master: the old master (coordinated), its own sub-replicas, the repointed.
      const watch = [...followers, ...repointed]
      if (plan.mode === 'coordinated') watch.unshift(oldMaster)
      await this.watchResyncs(record, chosen, watch, before)
      await this.host.refresh(this.host.specs().map((s) => s.id))
      record.outcome = 'succeeded'
      record.endedAt = Date.now()
      this.step(record, 'done', `${chosen.name} is the master, ${record.writableAfterMs} ms from the start to its first accepted write`, { nodeId: chosen.id })
    } catch (e) {
      record.outcome = 'failed'
      record.error = (e as Error).message
      record.endedAt = Date.now()
      this.step(record, 'error', record.error)
      await this.host.refresh(this.host.specs().map((s) => s.id)).catch(() => {})
    } finally {
      this.busy = false
    }
    return clone(record)
  }

  /** FAILOVER TO on the master; resolves once the replica is master and the old master its replica. */
  private async coordinated(record: FailoverRecord, master: NodeSpec, target: NodeSpec, timeoutMs: number): Promise<void> {
    // FAILOVER TO names the replica as the master lists it (its ip and listening port).
    const info = await this.info(master, 'replication')
    const listed = listedReplicas(info ?? {}).find((r) => addressKey(r.ip, r.port) === addressKey(target.host, target.port))
    const ip = listed?.ip ?? target.host
    // The old master will log in to the new one.
    const auth = this.host.auth(target)
    if (auth) {
      await this.must(master, ['CONFIG', 'SET', 'masterauth', auth.password])
      if (auth.username !== undefined) await this.must(master, ['CONFIG', 'SET', 'masteruser', auth.username])
    }
    await this.must(master, ['FAILOVER', 'TO', ip, String(target.port), 'TIMEOUT', String(timeoutMs)])
    this.step(record, 'pause', `FAILOVER TO ${ip} ${target.port} TIMEOUT ${timeoutMs} sent to ${master.name}: writes paused until ${target.name} has caught up`, { nodeId: master.id })
    const deadline = Date.now() + timeoutMs + 5000
    let sawHandover = false
    let promoted = false
    let oldMasterStored = false
    for (;;) {
      const [m, t] = await Promise.all([this.info(master, 'replication', 500), this.info(target, 'replication', 500)])
      if (!promoted && t?.role === 'master') {
        promoted = true
        record.writableAfterMs = Date.now() - record.startedAt
        if (!sawHandover) this.step(record, 'sync-wait', `${target.name} caught up with ${master.name}`, { nodeId: target.id })
        sawHandover = true
        this.step(record, 'promotion', `${target.name} is the master and accepts writes (PSYNC FAILOVER handover)`, { nodeId: target.id })
        this.host.storeReplicaOf(target.id, null)
      }
      if (!sawHandover && m?.master_failover_state === 'failover-in-progress') {
        sawHandover = true
        this.step(record, 'sync-wait', `${target.name} caught up with ${master.name}: handing over`, { nodeId: target.id })
      }
      if (m?.role === 'slave' && (m.master_failover_state ?? 'no-failover') === 'no-failover') {
        if (!oldMasterStored) this.host.storeReplicaOf(master.id, sourceOf(target))
        oldMasterStored = true
        if (promoted) return
      }
      if (m?.role === 'master' && m.master_failover_state === 'no-failover' && !promoted) {
        throw new ApiError(`FAILOVER ended without a handover (${target.name} did not catch up within ${timeoutMs} ms?): ${master.name} is still the master and accepts writes again`)
      }
      if (Date.now() > deadline) {
        await this.exec(master, ['FAILOVER', 'ABORT'])
        throw new ApiError(`no handover within ${timeoutMs + 5000} ms: FAILOVER ABORT sent to ${master.name}`)
      }
      await sleep(20)
    }
  }

  /** Master down: fence the old master first (so a restart boots it as a replica), then REPLICAOF NO ONE. */
  private async promoteAfterCrash(record: FailoverRecord, oldMaster: NodeSpec, chosen: NodeSpec): Promise<void> {
    this.host.storeReplicaOf(oldMaster.id, sourceOf(chosen))
    this.store.fences.set(oldMaster.id, { nodeId: oldMaster.id, newMasterId: chosen.id, recordId: record.id })
    this.step(
      record,
      'old-master',
      oldMaster.kind === 'local'
        ? `${oldMaster.name}'s config now names ${chosen.name} as its master: a restart brings it back as a replica`
        : `${oldMaster.name} will get REPLICAOF ${chosen.host} ${chosen.port} as soon as it answers`,
      { nodeId: oldMaster.id },
    )
    await this.must(chosen, ['REPLICAOF', 'NO', 'ONE'])
    record.writableAfterMs = Date.now() - record.startedAt
    this.host.storeReplicaOf(chosen.id, null)
    this.step(record, 'promotion', `REPLICAOF NO ONE on ${chosen.name}: it is the master and accepts writes`, { nodeId: chosen.id })
  }

  /** Nodes replicating from `id` right now (its sub-replicas): they stay with it through the failover. */
  private async followersOf(id: string): Promise<NodeSpec[]> {
    const snapshots = await this.snapshots()
    const parents = parentsOf(snapshots)
    const answering = new Set(snapshots.filter((s) => s.fields).map((s) => s.spec.id))
    return groupMembers(parents, id)
      .filter((m) => m.depth === 1 && answering.has(m.id))
      .map((m) => this.mustSpec(m.id))
  }

  private async syncCounters(spec: NodeSpec): Promise<{ full: number; partial: number }> {
    const f = await this.info(spec, 'stats')
    return { full: Number(f?.sync_full ?? 0), partial: Number(f?.sync_partial_ok ?? 0) }
  }

  /**
   * Waits until every node's link to the new master is up and the new
   * master's sync counters have grown once per node (a sub-replica's link may
   * still look up for a moment before it notices the promotion), then says
   * how they resynchronised: partial when sync_full did not grow, full when
   * sync_partial_ok did not, "unknown" per node when both did.
   */
  private async watchResyncs(record: FailoverRecord, master: NodeSpec, nodes: readonly NodeSpec[], before: { full: number; partial: number }): Promise<void> {
    if (nodes.length === 0) return
    const deadline = Date.now() + RESYNC_WATCH_MS
    const linked = new Set<string>()
    let now = before
    for (;;) {
      for (const node of nodes) {
        if (linked.has(node.id)) continue
        const f = await this.info(node, 'replication', 500)
        if (f?.role === 'slave' && f.master_link_status === 'up' && addressKey(f.master_host ?? '', Number(f.master_port)) === addressKey(master.host, master.port)) linked.add(node.id)
      }
      now = await this.syncCounters(master)
      const syncs = now.full - before.full + (now.partial - before.partial)
      if ((linked.size === nodes.length && syncs >= nodes.length) || Date.now() > deadline) break
      await sleep(50)
    }
    const full = now.full - before.full
    const partial = now.partial - before.partial
    const kind: FailoverStep['resync'] = full === 0 && partial > 0 ? 'partial' : full > 0 && partial === 0 ? 'full' : 'unknown'
    for (const node of nodes) {
      if (!linked.has(node.id)) {
        this.step(record, 'resync', `${node.name} not linked to ${master.name} within ${RESYNC_WATCH_MS / 1000} s (still syncing, or down)`, { nodeId: node.id, resync: 'unknown' })
        continue
      }
      const words = kind === 'partial' ? 'partial resync (PSYNC +CONTINUE)' : kind === 'full' ? 'FULL resync' : `resync (the new master counted ${partial} partial and ${full} full for ${nodes.length} nodes)`
      this.step(record, 'resync', `${node.name} streams from ${master.name}: ${words}`, { nodeId: node.id, resync: kind })
    }
  }

  private moveGroup(oldId: string, newId: string, at: number): void {
    this.lastFailoverAt.set(newId, at)
    this.downSince.delete(oldId)
    const auto = this.store.auto.get(oldId)
    if (auto) {
      this.store.auto.delete(oldId)
      this.store.auto.set(newId, { ...auto, groupMasterId: newId })
    }
    this.store.save()
  }

  // ---------------------------------------------------------------- fences and auto

  /** The user made the node a master (detach): an old master's fence no longer applies to it. */
  forgetFence(id: string): void {
    if (this.store.fences.delete(id)) this.store.save()
  }

  /** The user pointed the node somewhere else (or removed it): failover no longer decides for it, nor for a group it headed. */
  forgetNode(id: string): void {
    let dirty = this.store.fences.delete(id)
    if (this.store.auto.delete(id)) dirty = true
    if (dirty) this.store.save()
  }

  getAuto(groupMasterId: string): AutoFailoverSettings {
    return { groupMasterId, ...DEFAULT_AUTO, ...this.store.auto.get(groupMasterId) }
  }

  setAuto(req: AutoFailoverRequest): AutoFailoverSettings {
    this.mustSpec(req.groupMasterId)
    const current = this.getAuto(req.groupMasterId)
    const next: AutoFailoverSettings = {
      groupMasterId: req.groupMasterId,
      enabled: req.enabled,
      downAfterMs: req.downAfterMs ?? current.downAfterMs,
      cooldownMs: req.cooldownMs ?? current.cooldownMs,
    }
    this.store.auto.set(req.groupMasterId, next)
    this.downSince.delete(req.groupMasterId)
    this.store.save()
    return next
  }

  private async tick(): Promise<void> {
    if (this.ticking) return
    this.ticking = true
    try {
      // Never while a failover moves nodes: it would act on a half-changed group.
      if (!this.busy) await this.checkFences()
      if (!this.busy) await this.checkAuto()
    } catch {
      // Next tick tries again: a background check must never throw.
    } finally {
      this.ticking = false
    }
  }

  /** An old master answering again as a master is made a replica of the new one at once. */
  private async checkFences(): Promise<void> {
    for (const fence of [...this.store.fences.values()]) {
      const node = this.host.spec(fence.nodeId)
      const master = this.host.spec(fence.newMasterId)
      if (!node || !master) {
        this.forgetNode(fence.nodeId)
        continue
      }
      const f = await this.info(node, 'replication', 500)
      if (!f || this.busy) continue
      const record = this.store.records.find((r) => r.id === fence.recordId)
      if (f.role === 'master') {
        // Only towards a master that is one: never make two nodes follow each other.
        if ((await this.info(master, 'replication', 500))?.role !== 'master') continue
        const reply = await this.exec(node, ['REPLICAOF', master.host, String(master.port)])
        if (reply.type === 'error') continue
        if (record) this.step(record, 'old-master', `${node.name} answered again as a master: REPLICAOF ${master.host} ${master.port} sent`, { nodeId: node.id })
      } else if (record) {
        this.step(record, 'old-master', `${node.name} is back as a replica of ${f.master_host}:${f.master_port}`, { nodeId: node.id })
      }
      this.store.fences.delete(fence.nodeId)
      this.store.save()
      void this.host.refresh([node.id])
    }
  }

  private async checkAuto(): Promise<void> {
    const now = Date.now()
    for (const auto of [...this.store.auto.values()]) {
      if (!auto.enabled || this.busy) continue
      const master = this.host.spec(auto.groupMasterId)
      if (!master) continue
      const state = this.host.processState(master)
      // A node the user stopped (or is starting) is not a failure.
      if (state === 'stopped' || state === 'starting' || state === 'stopping') {
        this.downSince.delete(master.id)
        continue
      }
      const answers = state === 'crashed' ? false : await answersAnything(master.host, master.port, 500)
      if (answers) {
        this.downSince.delete(master.id)
        continue
      }
      const since = this.downSince.get(master.id) ?? now
      this.downSince.set(master.id, since)
      if (now - since < auto.downAfterMs) continue
      if (now - (this.lastFailoverAt.get(master.id) ?? 0) < auto.cooldownMs) continue
      this.downSince.delete(master.id)
      this.lastFailoverAt.set(master.id, now)
      void this.run({ groupMasterId: master.id }, 'auto').catch(() => {})
    }
  }
}

function sourceOf(spec: NodeSpec): ReplicaOfSpec {
  return { nodeId: spec.id, host: spec.host, port: spec.port }
}

function clone(record: FailoverRecord): FailoverRecord {
  return { ...record, steps: record.steps.map((s) => ({ ...s })) }
}

/** `slaveN:ip=…,port=…,state=…` lines of INFO replication. */
export function listedReplicas(fields: InfoFields): { ip: string; port: number; state: string }[] {
  const out: { ip: string; port: number; state: string }[] = []
  for (const [name, value] of Object.entries(fields)) {
    if (!/^slave\d+$/.test(name)) continue
    const parts = Object.fromEntries(value.split(',').map((kv) => kv.split('=') as [string, string]))
    if (parts.ip && parts.port) out.push({ ip: parts.ip, port: Number(parts.port), state: parts.state ?? '' })
  }
  return out
}

/** Any RESP reply to PING (even -NOAUTH or -LOADING) means the server is alive. */
export function answersAnything(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'))
    socket.once('data', () => done(true))
  })
}
