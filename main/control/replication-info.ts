/**
 * INFO replication + ROLE → ReplicationStatus, as one node sees itself.
 * Pure functions. What needs other nodes (whose node id an address is, a
 * replica's lag as its master reports it) or earlier polls (transfer rate) is
 * added afterwards by replication-view.ts.
 */
import type {
  ConnectedReplica,
  ReplicaLinkState,
  ReplicaLinkStatus,
  ReplicationRole,
  ReplicationStatus,
  SyncPhase,
  SyncProgress,
} from '../../shared/types'
import type { InfoFields } from './info'

function num(value: string | undefined, fallback = 0): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  return Number.isFinite(n) ? n : fallback
}

const LINK_STATES: readonly ReplicaLinkState[] = ['connect', 'connecting', 'handshake', 'sync', 'connected']

/** ROLE's replica state (element 3 of `slave host port state offset`); 'none' without a usable ROLE reply. */
export function linkStateFromRole(reply: unknown): ReplicaLinkState {
  if (!Array.isArray(reply) || String(reply[0]) !== 'slave') return 'none'
  const state = String(reply[3])
  return (LINK_STATES as readonly string[]).includes(state) ? (state as ReplicaLinkState) : 'none'
}

/** `slaveN:ip=…,port=…,state=…,offset=…,lag=…` lines of a master's INFO, in N order. */
export function connectedReplicasFromInfo(fields: InfoFields): ConnectedReplica[] {
  const masterOffset = num(fields.master_repl_offset)
  const found: [number, ConnectedReplica][] = []
  for (const [name, value] of Object.entries(fields)) {
    const m = /^slave(\d+)$/.exec(name)
    if (!m) continue
    const parts = new Map<string, string>()
    for (const pair of value.split(',')) {
      const eq = pair.indexOf('=')
      if (eq > 0) parts.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    const offset = num(parts.get('offset'))
    found.push([
      Number(m[1]),
      {
        ip: parts.get('ip') ?? '',
        port: num(parts.get('port')),
        state: parts.get('state') ?? '',
        offset,
        lagBytes: Math.max(0, masterOffset - offset),
        lagSeconds: num(parts.get('lag')),
      },
    ])
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, r]) => r)
}

/**
 * The sync phase from ROLE's state and INFO's master_sync_* / loading:
 * connecting/handshake → handshake; sync → snapshot until bytes arrive, then
 * transfer, then load while the replica loads; connected → streaming.
 * Without ROLE (older servers) the INFO fields decide alone.
 */
export function syncPhase(state: ReplicaLinkState, fields: InfoFields): SyncPhase | undefined {
  const syncing = fields.master_sync_in_progress === '1'
  const loading = fields.loading === '1'
  if (state === 'sync' || (state === 'none' && syncing)) {
    if (loading) return 'load'
    return num(fields.master_sync_read_bytes) > 0 ? 'transfer' : 'snapshot'
  }
  if (state === 'connecting' || state === 'handshake') return 'handshake'
  if (state === 'connected' || (state === 'none' && fields.master_link_status === 'up')) return 'streaming'
  // 'connect' (waiting to retry) or link down without a sync: nothing is progressing.
  return undefined
}

function syncProgress(state: ReplicaLinkState, fields: InfoFields): SyncProgress | undefined {
  const phase = syncPhase(state, fields)
  if (!phase) return undefined
  if (phase === 'streaming' || phase === 'handshake') return { phase, bytesDone: 0, bytesTotal: -1, bytesPerSec: 0 }
  return {
    phase,
    bytesDone: num(fields.master_sync_read_bytes),
    // A diskless transfer has no announced size (Redis prints 0 or -1): no snapshot is 0 bytes, so ≤ 0 means unknown.
    bytesTotal: num(fields.master_sync_total_bytes, -1) > 0 ? num(fields.master_sync_total_bytes) : -1,
    bytesPerSec: 0,
  }
}

function replicaLink(fields: InfoFields, roleReply: unknown): ReplicaLinkStatus {
  const state = linkStateFromRole(roleReply)
  const link: ReplicaLinkStatus = {
    masterHost: fields.master_host ?? (Array.isArray(roleReply) ? String(roleReply[1]) : ''),
    masterPort: num(fields.master_port ?? (Array.isArray(roleReply) ? String(roleReply[2]) : undefined)),
    linkStatus: fields.master_link_status === 'up' ? 'up' : 'down',
    state,
    lastIoSecondsAgo: num(fields.master_last_io_seconds_ago, -1),
    replOffset: num(fields.slave_repl_offset ?? fields.master_repl_offset),
  }
  const sync = syncProgress(state, fields)
  if (sync) link.sync = sync
  if (link.linkStatus === 'down' && fields.master_link_down_since_seconds !== undefined) {
    link.linkDownSinceSeconds = num(fields.master_link_down_since_seconds, -1)
  }
  return link
}

/** The node's own view of its replication; cross-references are filled in later. */
export function replicationFromInfo(fields: InfoFields, role: ReplicationRole, roleReply: unknown): ReplicationStatus {
  const status: ReplicationStatus = {
    role,
    replId: fields.master_replid ?? '',
    masterReplOffset: num(fields.master_repl_offset),
    replicas: connectedReplicasFromInfo(fields),
  }
  if (role === 'replica') status.link = replicaLink(fields, roleReply)
  return status
}

/** A sync is under way (worth polling this node faster). */
export function syncInProgress(status: ReplicationStatus | undefined): boolean {
  const phase = status?.link?.sync?.phase
  return phase !== undefined && phase !== 'streaming'
}
