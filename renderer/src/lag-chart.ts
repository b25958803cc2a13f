/**
 * Lag samples of several replicas → the column layout uPlot draws: one
 * shared time axis (seconds), one value column per replica, null where a
 * replica has no sample at that time or its lag was unknown then (a gap,
 * not a zero: a link that was down did not have zero lag).
 */
import type { LagSample } from '../../shared/types'

export type LagUnit = 'bytes' | 'seconds'

export interface LagSeriesInput {
  id: string
  label: string
  samples: readonly LagSample[]
}

export interface AlignedLag {
  labels: string[]
  /** uPlot's data: [x (unix seconds), ...one column per series]. */
  data: [number[], ...(number | null)[][]]
  /** Samples drawn, all series together (0 = nothing to show yet). */
  points: number
}

/** How far back the chart looks. */
export const LAG_WINDOW_MS = 5 * 60_000

export function alignLagSeries(series: readonly LagSeriesInput[], unit: LagUnit, nowMs: number, windowMs = LAG_WINDOW_MS): AlignedLag {
  const since = nowMs - windowMs
  // Polls of different nodes land in the same second: one x per whole second keeps the columns aligned.
  const secondOf = (ms: number): number => Math.floor(ms / 1000)
  const xs = new Set<number>()
  for (const s of series) for (const sample of s.samples) if (sample.at >= since) xs.add(secondOf(sample.at))
  const x = [...xs].sort((a, b) => a - b)
  const index = new Map(x.map((t, i) => [t, i]))
  let points = 0
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array<number | null>(x.length).fill(null)
    for (const sample of s.samples) {
      if (sample.at < since) continue
      const i = index.get(secondOf(sample.at))
      const value = unit === 'bytes' ? sample.lagBytes : sample.lagSeconds
      if (i === undefined || value === null) continue
      if (column[i] === null) points++
      column[i] = value
    }
    return column
  })
  return { labels: series.map((s) => s.label), data: [x, ...columns], points }
}
