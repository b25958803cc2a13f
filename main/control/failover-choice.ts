/**
 * Which replica a failover promotes, from fresh INFO of every node of the
 * group. Pure (no I/O) so the rules can be tested alone. The rules are
 * Sentinel's "Replica selection and priority": a replica disconnected from
 * its master for too long is skipped, then the lowest replica-priority wins
 * (0 = never), then the highest processed offset, then the smallest run id.
 */
import type { FailoverCandidate, FailoverMode, NodeSpec } from '../../shared/types'
import type { InfoFields } from './info'
import { addressKey } from './replication-view'

/** One fleet node as the plan saw it: `fields` is its INFO, undefined when it did not answer. */
export interface NodeSnapshot {
  spec: NodeSpec
  fields?: InfoFields
}

/** Seconds a replica's link may have been down beyond the master's own outage (Sentinel uses 10 × down-after). */
export const LINK_DOWN_ALLOWANCE_SECONDS = 10

/**
 * Whom each node replicates from (a fleet node id): its INFO's master_host /
 * master_port when it answered, else the replicaOf the fleet stored for it.
 */
export function parentsOf(snapshots: readonly NodeSnapshot[]): Map<string, string> {
  const byAddress = new Map(snapshots.map((s) => [addressKey(s.spec.host, s.spec.port), s.spec.id]))
  const parents = new Map<string, string>()
  for (const s of snapshots) {
    let parent: string | undefined
    if (s.fields) {
      if (s.fields.role === 'slave' && s.fields.master_host && s.fields.master_port) {
        parent = byAddress.get(addressKey(s.fields.master_host, Number(s.fields.master_port)))
      }
    } else {
      parent = s.spec.replicaOf?.nodeId
    }
    if (parent !== undefined && parent !== s.spec.id) parents.set(s.spec.id, parent)
  }
  return parents
}

/** Every node below `masterId` (replicas, their sub-replicas…) with its depth, nearest first. */
export function groupMembers(parents: ReadonlyMap<string, string>, masterId: string): { id: string; depth: number }[] {
  const out: { id: string; depth: number }[] = []
  const seen = new Set([masterId])
  let level = [masterId]
  for (let depth = 1; level.length > 0; depth++) {
    const next: string[] = []
    for (const [child, parent] of parents) {
      if (level.includes(parent) && !seen.has(child)) {
        seen.add(child)
        next.push(child)
        out.push({ id: child, depth })
      }
    }
    level = next
  }
  return out
}

export interface ChoiceInput {
  mode: FailoverMode
  master: NodeSnapshot
  /** Seconds since the master last answered (master-down mode); 0 when it answers. */
  masterDownForSeconds: number
  snapshots: readonly NodeSnapshot[]
}

export interface Choice {
  candidates: FailoverCandidate[]
  chosen?: FailoverCandidate
  reason: string
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v))

function candidateOf(s: NodeSnapshot, depth: number, parentId: string | undefined, masterOffset: number | null): FailoverCandidate {
  const f = s.fields
  const replOffset = num(f?.slave_repl_offset) ?? num(f?.master_repl_offset) ?? 0
  const linkStatus = !f ? 'unknown' : f.master_link_status === 'up' ? 'up' : 'down'
  return {
    nodeId: s.spec.id,
    name: s.spec.name,
    host: s.spec.host,
    port: s.spec.port,
    depth,
    ...(parentId !== undefined ? { masterNodeId: parentId } : {}),
    answers: !!f,
    linkStatus,
    lastIoSecondsAgo: num(f?.master_last_io_seconds_ago),
    linkDownSinceSeconds: linkStatus === 'down' ? num(f?.master_link_down_since_seconds) : null,
    replOffset,
    lagBytes: f && masterOffset !== null && depth === 1 ? Math.max(0, masterOffset - replOffset) : null,
    replicaPriority: num(f?.slave_priority ?? f?.replica_priority),
    runId: f?.run_id ?? '',
    eligible: false,
    reason: '',
  }
}

/** Why a direct replica cannot be promoted now, or undefined when it can. */
function ineligibility(c: FailoverCandidate, s: NodeSnapshot, input: ChoiceInput, masterDownFor: number): string | undefined {
  if (!c.answers) return 'does not answer'
  if (c.depth > 1) return 'sub-replica: keeps following its own master'
  if (s.fields?.role !== 'slave') return 'not a replica'
  if (c.replicaPriority === 0) return 'replica-priority 0: never promoted'
  if (s.fields?.master_sync_in_progress === '1') return 'full sync in progress: no complete copy yet'
  if (input.mode === 'coordinated') {
    if (c.linkStatus !== 'up') return 'link to the master is down (FAILOVER needs an online replica)'
    return undefined
  }
  if (c.linkDownSinceSeconds === -1) return 'never synchronised with the master'
  if (c.linkDownSinceSeconds !== null && c.linkDownSinceSeconds > masterDownFor + LINK_DOWN_ALLOWANCE_SECONDS) {
    return `link down for ${c.linkDownSinceSeconds} s, disconnected long before the master went down`
  }
  return undefined
}

/** Sentinel's order: lowest priority, then highest offset, then smallest run id. */
export function compareCandidates(a: FailoverCandidate, b: FailoverCandidate): number {
  if (a.eligible !== b.eligible) return a.eligible ? -1 : 1
  if (a.depth !== b.depth) return a.depth - b.depth
  const pa = a.replicaPriority ?? 100
  const pb = b.replicaPriority ?? 100
  if (pa !== pb) return pa - pb
  if (a.replOffset !== b.replOffset) return b.replOffset - a.replOffset
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0
}

function describe(c: FailoverCandidate): string {
  const lag = c.lagBytes !== null ? `, ${c.lagBytes} bytes behind` : ''
  return `priority ${c.replicaPriority ?? '?'}, offset ${c.replOffset}${lag}, link ${c.linkStatus}`
}

/** Ranks every member of the master's group and picks the first eligible one. */
export function chooseReplica(input: ChoiceInput): Choice {
  const parents = parentsOf(input.snapshots)
  const byId = new Map(input.snapshots.map((s) => [s.spec.id, s]))
  const masterOffset = input.master.fields ? num(input.master.fields.master_repl_offset) : null
  const members: FailoverCandidate[] = []
  for (const { id, depth } of groupMembers(parents, input.master.spec.id)) {
    const s = byId.get(id)
    if (s) members.push(candidateOf(s, depth, parents.get(id), masterOffset))
  }
  // When the master went down is unknown after a relaunch: its replicas noticed it, so the most recent of
  // their link losses dates the outage; only a replica disconnected well before that is skipped.
  const linkLosses = members.filter((c) => c.depth === 1 && c.linkDownSinceSeconds !== null && c.linkDownSinceSeconds >= 0).map((c) => c.linkDownSinceSeconds as number)
  const masterDownFor = Math.max(input.masterDownForSeconds, linkLosses.length ? Math.min(...linkLosses) : 0)
  const candidates: FailoverCandidate[] = []
  for (const c of members) {
    const s = byId.get(c.nodeId) as NodeSnapshot
    const why = ineligibility(c, s, input, masterDownFor)
    c.eligible = why === undefined
    c.reason = why ?? describe(c)
    candidates.push(c)
  }
  candidates.sort(compareCandidates)
  const eligible = candidates.filter((c) => c.eligible)
  const chosen = eligible[0]
  for (const [i, c] of eligible.entries()) {
    if (i === 0) continue
    const first = eligible[0]
    const why =
      (c.replicaPriority ?? 100) !== (first.replicaPriority ?? 100)
        ? `higher replica-priority than ${first.name}`
        : c.replOffset !== first.replOffset
          ? `lower offset than ${first.name}`
          : `same priority and offset as ${first.name}, larger run id`
    c.reason = `${describe(c)} — not chosen: ${why}`
  }
  if (!chosen) {
    const reason =
      candidates.length === 0
        ? `${input.master.spec.name} has no replica to promote`
        : `no replica of ${input.master.spec.name} can be promoted: ${candidates.map((c) => `${c.name} (${c.reason})`).join('; ')}`
    return { candidates, reason }
  }
  const rivals = eligible.length - 1
  const ranking =
    rivals === 0
      ? 'the only eligible replica'
      : (chosen.replicaPriority ?? 100) < (eligible[1].replicaPriority ?? 100)
        ? 'the lowest replica-priority'
        : chosen.replOffset > eligible[1].replOffset
          ? 'the highest replication offset'
          : 'equal priority and offset: smallest run id'
  chosen.reason = `${describe(chosen)} — chosen: ${ranking}`
  const how =
    input.mode === 'coordinated'
      ? `${input.master.spec.name} answers: coordinated failover (FAILOVER TO ${chosen.host} ${chosen.port}: writes pause until it has caught up, nothing acknowledged is lost)`
      : `${input.master.spec.name} does not answer: ${chosen.name} gets REPLICAOF NO ONE, the others follow it, and ${input.master.spec.name} comes back as its replica`
  return { candidates, chosen, reason: `Promote ${chosen.name} (${ranking}; ${describe(chosen)}). ${how}.` }
}
