/**
 * How a node's replication state reads in the page: link state, lag, and the
 * order of a full sync's phases. Pure functions of the status.
 */
import type { NodeView, ReplicaLinkState, SyncPhase, SyncProgress } from '../../shared/types'
import { formatBytes } from './replication-format'

/** A full sync's phases in the order they happen (the progress bar's steps). */
export const SYNC_PHASES: readonly SyncPhase[] = ['handshake', 'snapshot', 'transfer', 'load', 'streaming']

const PHASE_LABELS: Record<SyncPhase, string> = {
  handshake: 'Handshake',
  snapshot: 'Snapshot',
  transfer: 'Transfer',
  load: 'Load',
  streaming: 'Streaming',
}

export function phaseLabel(phase: SyncPhase): string {
  return PHASE_LABELS[phase]
}

const LINK_STATE_LABELS: Record<ReplicaLinkState, string> = {
  connect: 'not connected',
  connecting: 'connecting',
  handshake: 'handshake',
  sync: 'syncing',
  connected: 'connected',
  none: '',
}

/** `up · connected`, `down · connecting`, `down · syncing`; null for a node that is not a replica. */
export function linkText(view: NodeView): string | null {
  const link = view.status.replication?.link
  if (view.status.role !== 'replica') return null
  if (!link) return view.status.masterLinkStatus ?? 'unknown'
  const state = LINK_STATE_LABELS[link.state]
  return state && state !== 'connected' ? `${link.linkStatus} · ${state}` : link.linkStatus
}

/** `0 B · 0 s`, `12.5 KB · 2 s`; '–' when the master's view of this replica is not known. */
export function lagText(view: NodeView): string {
  const link = view.status.replication?.link
  if (view.status.role !== 'replica' || !link) return '–'
  if (link.lagBytes === undefined && link.lagSeconds === undefined) return '–'
  const bytes = link.lagBytes === undefined ? '–' : formatBytes(link.lagBytes)
  const seconds = link.lagSeconds === undefined ? '–' : `${link.lagSeconds} s`
  return `${bytes} · ${seconds}`
}

/** The offset the node holds: a replica's processed offset, a master's stream offset. */
export function offsetOf(view: NodeView): number {
  const r = view.status.replication
  if (!r) return view.status.replOffset
  return r.link ? r.link.replOffset : r.masterReplOffset
}

/** A sync worth a progress bar: any phase before streaming. */
export function runningSync(view: NodeView): SyncProgress | undefined {
  const sync = view.status.replication?.link?.sync
  return sync && sync.phase !== 'streaming' ? sync : undefined
}
