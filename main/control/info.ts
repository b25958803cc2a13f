/**
 * INFO and ROLE replies → NodeStatus. Pure functions: INFO is plain
 * `field:value` text in sections, exactly as Redis prints it.
 */
import type { BackgroundJobOutcome, NodeStatus, PersistenceStatus, ReplicationRole } from '../../shared/types'

export type InfoFields = Record<string, string>

export function parseInfo(text: string): InfoFields {
  const fields: InfoFields = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    fields[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return fields
}

/** Sum of `keys=` over every `dbN:keys=…,expires=…` line. */
export function countKeys(fields: InfoFields): number {
  let total = 0
  for (const [name, value] of Object.entries(fields)) {
    if (!/^db\d+$/.test(name)) continue
    const m = /(?:^|,)keys=(\d+)/.exec(value)
    if (m) total += Number(m[1])
  }
  return total
}

function num(value: string | undefined): number {
  const n = Number(value)
  return Number.isFinite(n) ? n : 0
}

function roleOf(value: string | undefined): ReplicationRole {
  if (value === 'master') return 'master'
  if (value === 'slave' || value === 'replica') return 'replica'
  return 'unknown'
}

/** ROLE's first element, when the server implements ROLE. */
export function roleFromRoleReply(reply: unknown): ReplicationRole {
  return Array.isArray(reply) ? roleOf(String(reply[0])) : 'unknown'
}

export function statusFromInfo(
  base: Pick<NodeStatus, 'id' | 'processState'>,
  fields: InfoFields,
  roleReply: ReplicationRole = 'unknown',
  now = Date.now(),
): NodeStatus {
  const role = roleReply !== 'unknown' ? roleReply : roleOf(fields.role)
  const status: NodeStatus = {
    id: base.id,
    processState: base.processState,
    live: true,
    role,
    keys: countKeys(fields),
    usedMemory: num(fields.used_memory),
    usedMemoryHuman: fields.used_memory_human ?? '',
    opsPerSec: num(fields.instantaneous_ops_per_sec),
    connectedClients: num(fields.connected_clients),
    replOffset: num(role === 'replica' ? (fields.slave_repl_offset ?? fields.master_repl_offset) : fields.master_repl_offset),
    connectedReplicas: num(fields.connected_slaves),
    updatedAt: now,
  }
  const persistence = persistenceFromInfo(fields, now)
  if (persistence) status.persistence = persistence
  if (role === 'replica') {
    if (fields.master_host) status.masterHost = fields.master_host
    if (fields.master_port) status.masterPort = num(fields.master_port)
    if (fields.master_link_status === 'up' || fields.master_link_status === 'down') status.masterLinkStatus = fields.master_link_status
  }
  return status
}

function outcome(value: string | undefined): BackgroundJobOutcome {
  return value === 'err' ? 'err' : 'ok'
}

/** Redis prints -1 for "never ran"; a missing field means the same. */
function durationSec(value: string | undefined): number {
  return value === undefined ? -1 : num(value)
}

function flag(value: string | undefined): boolean {
  return value !== undefined && value !== '0'
}

/**
 * INFO persistence → PersistenceStatus, or undefined when the server printed
 * no persistence section (`rdb_last_save_time` is the field every Redis has).
 * `now` is this machine's clock at the poll: the save time is moved onto it
 * using the server's own clock (`server_time_usec`, Redis ≥ 6.2), so a remote
 * node whose clock is off still shows "saved 3 s ago".
 */
export function persistenceFromInfo(fields: InfoFields, now = Date.now()): PersistenceStatus | undefined {
  if (fields.rdb_last_save_time === undefined) return undefined
  const savedAtServerMs = num(fields.rdb_last_save_time) * 1000
  const serverNowMs = fields.server_time_usec !== undefined ? Math.floor(num(fields.server_time_usec) / 1000) : undefined
  const lastSaveAt = serverNowMs !== undefined && serverNowMs > 0 ? now - Math.max(0, serverNowMs - savedAtServerMs) : savedAtServerMs
  return {
    loading: flag(fields.loading),
    changesSinceLastSave: num(fields.rdb_changes_since_last_save),
    lastSaveAt,
    bgsaveInProgress: flag(fields.rdb_bgsave_in_progress),
    lastBgsaveStatus: outcome(fields.rdb_last_bgsave_status),
    lastBgsaveDurationSec: durationSec(fields.rdb_last_bgsave_time_sec),
    aofEnabled: flag(fields.aof_enabled),
    aofRewriteInProgress: flag(fields.aof_rewrite_in_progress),
    aofRewriteScheduled: flag(fields.aof_rewrite_scheduled),
    lastAofRewriteDurationSec: durationSec(fields.aof_last_rewrite_time_sec),
    lastAofRewriteStatus: outcome(fields.aof_last_bgrewrite_status),
    lastAofWriteStatus: outcome(fields.aof_last_write_status),
  }
}

/** What we show for a node we could not reach (or did not poll). */
export function offlineStatus(id: string, processState: NodeStatus['processState'], error?: string, previous?: NodeStatus): NodeStatus {
  return {
    id,
    processState,
    live: false,
    role: previous?.role ?? 'unknown',
    keys: previous?.keys ?? 0,
    usedMemory: previous?.usedMemory ?? 0,
    usedMemoryHuman: previous?.usedMemoryHuman ?? '',
    opsPerSec: 0,
    connectedClients: 0,
    replOffset: previous?.replOffset ?? 0,
    connectedReplicas: 0,
    updatedAt: previous?.updatedAt ?? 0,
    ...(error ? { error } : {}),
  }
}
