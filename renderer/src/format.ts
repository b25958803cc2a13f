/** Small display helpers for node status values. */
import type { NodeView } from '../../shared/types'

export function formatOps(opsPerSec: number): string {
  return Number.isFinite(opsPerSec) ? opsPerSec.toLocaleString('en-US') : '–'
}

/** Only a running (or external, reachable) node has meaningful stats to show. */
export function hasStats(view: NodeView): boolean {
  return view.status.live
}

export function canStart(view: NodeView): boolean {
  return view.spec.kind === 'local' && (view.status.processState === 'stopped' || view.status.processState === 'crashed')
}

export function canStop(view: NodeView): boolean {
  return view.spec.kind === 'local' && (view.status.processState === 'running' || view.status.processState === 'starting')
}

/** redis-cli's prompt for a server: `host:port>`. */
export function promptFor(view: NodeView): string {
  return `${view.spec.host}:${view.spec.port}>`
}
