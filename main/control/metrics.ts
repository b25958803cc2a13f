/**
 * The dashboard's history: every monitor poll's INFO turned into a
 * MetricsSample and kept for the last minutes. Rates come from counter
 * deltas between two polls rather than `instantaneous_ops_per_sec`, which
 * tandem-server prints as 0 and Redis averages over its own 1.6 s window:
 * deltas give the same answer on both, at the monitor's own pace.
 */
import type { MetricsSample, NodeMetricsHistory } from '../../shared/types'
import type { InfoFields } from './info'

/** How long samples are kept (the charts show the last minutes). */
export const METRICS_WINDOW_MS = 10 * 60_000

/** The counters a rate is derived from, as read at one poll. */
interface Counters {
  at: number
  /** INFO's run_id: a different one means the server restarted and its counters started over. */
  runId: string
  commands: number | null
  netIn: number | null
  netOut: number | null
  hits: number | null
  misses: number | null
}

function numberField(fields: InfoFields, name: string): number | null {
  const raw = fields[name]
  if (raw === undefined || raw === '') return null
  const n = Number(raw)
  return Number.isFinite(n) ? n : null
}

function countersOf(fields: InfoFields, at: number): Counters {
  return {
    at,
    runId: fields.run_id ?? '',
    commands: numberField(fields, 'total_commands_processed'),
    netIn: numberField(fields, 'total_net_input_bytes'),
    netOut: numberField(fields, 'total_net_output_bytes'),
    hits: numberField(fields, 'keyspace_hits'),
    misses: numberField(fields, 'keyspace_misses'),
  }
}

/** Per-second change of a counter; null when either side is unknown or it went backwards (CONFIG RESETSTAT, restart). */
function rate(before: number | null, after: number | null, seconds: number): number | null {
  if (before === null || after === null || seconds <= 0 || after < before) return null
  return (after - before) / seconds
}

/** One sample from this poll's INFO and the previous poll's counters (undefined: first poll). */
export function sampleFromInfo(fields: InfoFields, at: number, previous: Counters | undefined): { sample: MetricsSample; counters: Counters } {
  const counters = countersOf(fields, at)
  const comparable = previous !== undefined && previous.runId === counters.runId && at > previous.at
  const seconds = comparable ? (at - previous.at) / 1000 : 0
  const derive = (pick: (c: Counters) => number | null): number | null => (comparable ? rate(pick(previous), pick(counters), seconds) : null)
  const isReplica = fields.role === 'slave'
  const sample: MetricsSample = {
    at,
    opsPerSec: derive((c) => c.commands),
    usedMemory: numberField(fields, 'used_memory'),
    clients: numberField(fields, 'connected_clients'),
    netInPerSec: derive((c) => c.netIn),
    netOutPerSec: derive((c) => c.netOut),
    hitsPerSec: derive((c) => c.hits),
    missesPerSec: derive((c) => c.misses),
    replOffset: isReplica ? (numberField(fields, 'slave_repl_offset') ?? numberField(fields, 'master_repl_offset')) : numberField(fields, 'master_repl_offset'),
  }
  return { sample, counters }
}

interface NodeSeries {
  samples: MetricsSample[]
  last: Counters | undefined
}

export class MetricsHistoryStore {
  private readonly nodes = new Map<string, NodeSeries>()

  constructor(private readonly windowMs = METRICS_WINDOW_MS) {}

  /** A live poll of node `id`. */
  record(id: string, fields: InfoFields, at: number): void {
    let series = this.nodes.get(id)
    if (!series) {
      series = { samples: [], last: undefined }
      this.nodes.set(id, series)
    }
    const { sample, counters } = sampleFromInfo(fields, at, series.last)
    series.last = counters
    series.samples.push(sample)
    const since = at - this.windowMs
    let drop = 0
    while (drop < series.samples.length && series.samples[drop].at < since) drop++
    if (drop > 0) series.samples.splice(0, drop)
  }

  /** The node did not answer: the next answer starts a new rate baseline (no rate across the gap). */
  interrupted(id: string): void {
    const series = this.nodes.get(id)
    if (series) series.last = undefined
  }

  forget(id: string): void {
    this.nodes.delete(id)
  }

  histories(ids?: readonly string[]): NodeMetricsHistory[] {
    const wanted = ids ?? [...this.nodes.keys()]
    return wanted.map((id) => ({ id, samples: [...(this.nodes.get(id)?.samples ?? [])] }))
  }
}
