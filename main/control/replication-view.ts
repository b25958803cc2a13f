/**
 * Replication figures that need more than one node's poll: which fleet node
 * an address is, a replica's lag as its master reports it, a sync's transfer
 * rate between polls, and each replica's recent lag for the chart.
 */
import type { LagHistory, LagSample, NodeSpec, NodeStatus, NodeView, ReplicationStatus, SyncProgress } from '../../shared/types'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0:0:0:0:0:0:0:1'])

/** One spelling per server: every loopback name is the same machine. */
export function addressKey(host: string, port: number): string {
  const h = host.toLowerCase()
  return `${LOOPBACK.has(h) ? '127.0.0.1' : h}:${port}`
}

/**
 * Copies of the views with node ids filled in on both ends of every link and
 * each replica's lag taken from its master's list (`slaveN:…offset=,lag=`),
 * when the master is a fleet node that answered its last poll.
 */
export function linkFleet(views: readonly NodeView[]): NodeView[] {
  const byAddress = new Map<string, NodeView>()
  for (const v of views) byAddress.set(addressKey(v.spec.host, v.spec.port), v)
  return views.map((v) => {
    const repl = v.status.replication
    if (!repl) return v
    const linked: ReplicationStatus = {
      ...repl,
      replicas: repl.replicas.map((r) => {
        const node = byAddress.get(addressKey(r.ip, r.port))
        return node ? { ...r, nodeId: node.spec.id } : r
      }),
    }
    if (repl.link) {
      const link = { ...repl.link }
      delete link.lagBytes
      delete link.lagSeconds
      delete link.masterNodeId
      const master = byAddress.get(addressKey(link.masterHost, link.masterPort))
      if (master) {
        link.masterNodeId = master.spec.id
        const listed = master.status.live
          ? master.status.replication?.replicas.find((r) => addressKey(r.ip, r.port) === addressKey(v.spec.host, v.spec.port))
          : undefined
        if (listed && link.linkStatus === 'up') {
          link.lagBytes = listed.lagBytes
          link.lagSeconds = listed.lagSeconds
        }
      }
      linked.link = link
    }
    return { spec: v.spec, status: { ...v.status, replication: linked } }
  })
}

/** How far back the transfer rate looks: polls during a sync come every few tens of ms, bytes arrive in bursts. */
const RATE_WINDOW_MS = 1000

/**
 * Transfer rate of a running sync: bytes read over about the last second of
 * polls of the same sync. Between two polls only tens of ms apart one socket
 * burst (64 KiB) would read as megabytes per second on a throttled link.
 */
export class SyncRates {
  private samples = new Map<string, { bytesDone: number; at: number }[]>()

  /** Returns the progress with `bytesPerSec` set; forgets the node when no transfer runs. */
  measure(id: string, sync: SyncProgress | undefined, at: number): SyncProgress | undefined {
    if (!sync || (sync.phase !== 'transfer' && sync.phase !== 'load')) {
      this.samples.delete(id)
      return sync
    }
    const samples = this.samples.get(id)
    const last = samples?.[samples.length - 1]
    // A new sync (bytes went back) or a clock step starts the window again.
    if (!samples || !last || at <= last.at || sync.bytesDone < last.bytesDone) {
      this.samples.set(id, [{ bytesDone: sync.bytesDone, at }])
      return sync
    }
    samples.push({ bytesDone: sync.bytesDone, at })
    // Keep one sample at least RATE_WINDOW_MS old (when there is one) as the window's start.
    while (samples.length > 2 && at - samples[1].at >= RATE_WINDOW_MS) samples.shift()
    const first = samples[0]
    const bytesPerSec = Math.round(((sync.bytesDone - first.bytesDone) * 1000) / (at - first.at))
    return { ...sync, bytesPerSec }
  }

  forget(id: string): void {
    this.samples.delete(id)
  }
}

export interface LagHistoryOptions {
  /** How far back samples are kept (default 5 minutes). */
  windowMs?: number
  /** At most one sample per this many ms per node (default 900: about one a second, whatever the poll rate). */
  minSpacingMs?: number
}

/** Each replica's lag over the last few minutes, oldest first. */
export class LagHistoryStore {
  private samples = new Map<string, LagSample[]>()
  private readonly windowMs: number
  private readonly minSpacingMs: number

  constructor(options: LagHistoryOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * 60_000
    this.minSpacingMs = options.minSpacingMs ?? 900
  }

  /** Records a replica's lag as its linked status shows it; non-replicas record nothing. */
  record(status: NodeStatus, at: number): void {
    const link = status.replication?.link
    if (!status.live || !link) return
    this.add(status.id, {
      at,
      lagBytes: link.lagBytes ?? null,
      lagSeconds: link.lagSeconds ?? null,
      linkUp: link.linkStatus === 'up',
    })
  }

  add(id: string, sample: LagSample): void {
    let list = this.samples.get(id)
    if (!list) this.samples.set(id, (list = []))
    const last = list[list.length - 1]
    if (last && sample.at - last.at < this.minSpacingMs) return
    list.push(sample)
    const cutoff = sample.at - this.windowMs
    let drop = 0
    while (drop < list.length && list[drop].at < cutoff) drop++
    if (drop) list.splice(0, drop)
  }

  forget(id: string): void {
    this.samples.delete(id)
  }

  /** Histories of the given nodes (all recorded ones when `ids` is omitted). */
  histories(ids?: readonly string[]): LagHistory[] {
    const wanted = ids ?? [...this.samples.keys()]
    return wanted.filter((id) => this.samples.has(id)).map((id) => ({ nodeId: id, samples: [...(this.samples.get(id) ?? [])] }))
  }
}

/** The fleet node ids a replicaOf chain passes through, starting at `startId` (stops at a loop or an unknown node). */
export function replicaOfChain(specs: readonly NodeSpec[], startId: string): string[] {
  const byId = new Map(specs.map((s) => [s.id, s]))
  const seen: string[] = []
  let id: string | undefined = startId
  while (id && !seen.includes(id) && byId.has(id)) {
    seen.push(id)
    id = byId.get(id)?.replicaOf?.nodeId
  }
  return seen
}
