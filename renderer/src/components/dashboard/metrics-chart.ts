/**
 * Metrics samples of one node or a whole group → what each dashboard chart
 * draws: one shared time axis (unix seconds) and one column per line. A
 * group chart overlays its nodes; the network and keyspace charts draw two
 * lines per node (in/out, hits/misses). A missing value is a gap, not a zero.
 */
import type { MetricsSample } from '../../../../shared/types'
import { formatBytes } from '../../replication-format'

export type MetricField = Exclude<keyof MetricsSample, 'at'>
export type MetricId = 'ops' | 'memory' | 'clients' | 'network' | 'keyspace' | 'offset'

export interface MetricDefinition {
  id: MetricId
  title: string
  /** The sample fields drawn, with the suffix added to the node's name when there are several. */
  lines: readonly { field: MetricField; suffix: string }[]
  format: (value: number) => string
}

function formatCount(value: number): string {
  if (!Number.isFinite(value)) return '–'
  if (Math.abs(value) >= 1e9) return `${(value / 1e9).toFixed(1)}G`
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(1)}M`
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)}k`
  return Number.isInteger(value) ? String(value) : value.toFixed(1)
}

export const DASHBOARD_METRICS: readonly MetricDefinition[] = [
  { id: 'ops', title: 'Operations / s', lines: [{ field: 'opsPerSec', suffix: '' }], format: formatCount },
  { id: 'memory', title: 'Memory used', lines: [{ field: 'usedMemory', suffix: '' }], format: formatBytes },
  { id: 'clients', title: 'Connected clients', lines: [{ field: 'clients', suffix: '' }], format: formatCount },
  {
    id: 'network',
    title: 'Network in / out',
    lines: [
      { field: 'netInPerSec', suffix: 'in' },
      { field: 'netOutPerSec', suffix: 'out' },
    ],
    format: (v) => `${formatBytes(v)}/s`,
  },
  {
    id: 'keyspace',
    title: 'Keyspace hits / misses per s',
    lines: [
      { field: 'hitsPerSec', suffix: 'hits' },
      { field: 'missesPerSec', suffix: 'misses' },
    ],
    format: formatCount,
  },
  { id: 'offset', title: 'Replication offset', lines: [{ field: 'replOffset', suffix: '' }], format: formatBytes },
]

/** How far back the charts look. */
export const METRICS_CHART_WINDOW_MS = 5 * 60_000

export interface NodeSamples {
  id: string
  label: string
  samples: readonly MetricsSample[]
}

export interface AlignedMetric {
  labels: string[]
  /** uPlot's data: [x (unix seconds), ...one column per line]. */
  data: [number[], ...(number | null)[][]]
  /** Values drawn, all lines together (0 = nothing to show yet). */
  points: number
  /** Values above zero: what tells a chart showing traffic from one showing a flat line. */
  nonZero: number
}

export function alignMetric(nodes: readonly NodeSamples[], metric: MetricDefinition, nowMs: number, windowMs = METRICS_CHART_WINDOW_MS): AlignedMetric {
  const since = nowMs - windowMs
  // Polls of different nodes land within the same second: one x per whole second keeps the columns aligned.
  const secondOf = (ms: number): number => Math.floor(ms / 1000)
  const xs = new Set<number>()
  for (const node of nodes) for (const s of node.samples) if (s.at >= since) xs.add(secondOf(s.at))
  const x = [...xs].sort((a, b) => a - b)
  const index = new Map(x.map((t, i) => [t, i]))
  const labels: string[] = []
  const columns: (number | null)[][] = []
  let points = 0
  let nonZero = 0
  for (const node of nodes) {
    for (const line of metric.lines) {
      labels.push([node.label, line.suffix].filter((part) => part !== '').join(' '))
      const column = new Array<number | null>(x.length).fill(null)
      for (const s of node.samples) {
        if (s.at < since) continue
        const i = index.get(secondOf(s.at))
        const value = s[line.field]
        if (i === undefined || value === null) continue
        if (column[i] === null) {
          points++
          if (value > 0) nonZero++
        }
        column[i] = value
      }
      columns.push(column)
    }
  }
  return { labels, data: [x, ...columns], points, nonZero }
}

/** Microseconds as the slowlog shows them: µs below a millisecond, ms with decimals above. */
export function formatMicros(micros: number): string {
  if (!Number.isFinite(micros) || micros < 0) return '–'
  if (micros < 1000) return `${micros} µs`
  if (micros < 1_000_000) return `${(micros / 1000).toFixed(micros < 10_000 ? 2 : 1)} ms`
  return `${(micros / 1_000_000).toFixed(2)} s`
}

/** A slowlog entry's command line, arguments quoted when they hold spaces or are empty, as redis-cli shows them. */
export function commandLine(args: readonly string[]): string {
  return args.map((a) => (a === '' || /[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')
}
