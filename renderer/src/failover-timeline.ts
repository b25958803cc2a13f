/**
 * How failovers read in the page: the confirmation's candidate lines, each
 * step's label, and the timeline's records. Pure functions of the contract's
 * data, so the dialog, the live progress and the timeline say the same thing.
 */
import type { FailoverCandidate, FailoverMode, FailoverRecord, FailoverStep, FailoverStepKind } from '../../shared/types'
import { formatBytes, formatOffset } from './replication-format'

const STEP_LABELS: Record<FailoverStepKind, string> = {
  detection: 'Detection',
  choice: 'Choice',
  pause: 'Writes paused',
  'sync-wait': 'Replica caught up',
  promotion: 'Promotion',
  repoint: 'Repoint',
  resync: 'Resync',
  'old-master': 'Old master',
  done: 'Done',
  error: 'Error',
}

/** `Resync (partial)` for a resync step whose kind is known; the kind's label otherwise. */
export function stepLabel(step: Pick<FailoverStep, 'kind' | 'resync'>): string {
  const label = STEP_LABELS[step.kind]
  if (step.kind === 'resync' && step.resync && step.resync !== 'unknown') return `${label} (${step.resync})`
  return label
}

export function modeLabel(mode: FailoverMode): string {
  return mode === 'coordinated' ? 'Coordinated failover (master answers)' : 'Master down: promote a replica'
}

export function outcomeLabel(record: Pick<FailoverRecord, 'outcome'>): string {
  return { running: 'running', succeeded: 'succeeded', failed: 'failed' }[record.outcome]
}

/** `offset 1,234 · lag 0 B · priority 100 · link up`: the figures the choice ranked on. */
export function candidateFacts(c: FailoverCandidate): string {
  const parts = [`offset ${formatOffset(c.replOffset)}`]
  parts.push(c.lagBytes === null ? 'lag unknown' : `lag ${formatBytes(c.lagBytes)}`)
  parts.push(c.replicaPriority === null ? 'priority unknown' : `priority ${c.replicaPriority}`)
  if (!c.answers) parts.push('not answering')
  else if (c.linkStatus === 'down' && c.linkDownSinceSeconds !== null && c.linkDownSinceSeconds >= 0) parts.push(`link down for ${c.linkDownSinceSeconds} s`)
  else parts.push(`link ${c.linkStatus}`)
  return parts.join(' · ')
}

/** Replaces the record with the same id (a run's progress push) or adds it; newest first. */
export function upsertRecord(records: readonly FailoverRecord[], record: FailoverRecord): FailoverRecord[] {
  const others = records.filter((r) => r.id !== record.id)
  return [record, ...others].sort((a, b) => b.startedAt - a.startedAt)
}

/** Records about a group: those whose old or new master is one of its nodes. */
export function recordsOfGroup(records: readonly FailoverRecord[], nodeIds: ReadonlySet<string>): FailoverRecord[] {
  return records.filter((r) => nodeIds.has(r.oldMasterId) || (r.newMasterId !== undefined && nodeIds.has(r.newMasterId)))
}

/** The run of a group still going, if any (a second button press waits for it). */
export function runningRecord(records: readonly FailoverRecord[], nodeIds: ReadonlySet<string>): FailoverRecord | null {
  return recordsOfGroup(records, nodeIds).find((r) => r.outcome === 'running') ?? null
}

/** `old → new` by names when the fleet still knows them, ids otherwise. */
export function recordTitle(record: FailoverRecord, nameOf: (id: string) => string | undefined): string {
  const from = nameOf(record.oldMasterId) ?? record.oldMasterId
  const to = record.newMasterId === undefined ? '…' : (nameOf(record.newMasterId) ?? record.newMasterId)
  return `${from} → ${to}`
}

/** `writable after 412 ms`: the figure people care about, once the promotion step happened. */
export function writableText(record: Pick<FailoverRecord, 'writableAfterMs'>): string | null {
  if (record.writableAfterMs === undefined) return null
  return record.writableAfterMs < 1_000 ? `writable after ${record.writableAfterMs} ms` : `writable after ${(record.writableAfterMs / 1_000).toFixed(2)} s`
}
