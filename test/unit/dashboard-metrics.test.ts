/**
 * Metrics samples from INFO (rates from counter deltas), the history window,
 * and the renderer's chart alignment.
 */
import { describe, expect, it } from 'vitest'
import { MetricsHistoryStore, sampleFromInfo } from '../../main/control/metrics'
import { alignMetric, commandLine, DASHBOARD_METRICS, formatMicros } from '../../renderer/src/components/dashboard/metrics-chart'
import type { MetricsSample } from '../../shared/types'

function info(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    run_id: 'a'.repeat(40),
    role: 'master',
    total_commands_processed: '1000',
    instantaneous_ops_per_sec: '0',
    total_net_input_bytes: '5000',
    total_net_output_bytes: '8000',
    keyspace_hits: '10',
    keyspace_misses: '4',
    used_memory: '1048576',
    connected_clients: '3',
    master_repl_offset: '777',
    ...overrides,
  }
}

describe('sampleFromInfo', () => {
  it('has no rates on the first poll but the gauges at once', () => {
    const { sample } = sampleFromInfo(info(), 10_000, undefined)
    expect(sample).toEqual({
      at: 10_000,
      opsPerSec: null,
      usedMemory: 1048576,
      clients: 3,
      netInPerSec: null,
      netOutPerSec: null,
      hitsPerSec: null,
      missesPerSec: null,
      replOffset: 777,
    })
  })

  it('derives per-second rates from counter deltas, whatever instantaneous_ops_per_sec says', () => {
    const first = sampleFromInfo(info(), 10_000, undefined)
    const { sample } = sampleFromInfo(
      info({ total_commands_processed: '3000', total_net_input_bytes: '6000', total_net_output_bytes: '8000', keyspace_hits: '30', keyspace_misses: '5' }),
      12_000,
      first.counters,
    )
    expect(sample.opsPerSec).toBe(1000)
    expect(sample.netInPerSec).toBe(500)
    expect(sample.netOutPerSec).toBe(0)
    expect(sample.hitsPerSec).toBe(10)
    expect(sample.missesPerSec).toBe(0.5)
  })

  it('has no rate across a restart (new run_id) or a counter that went back (CONFIG RESETSTAT)', () => {
    const first = sampleFromInfo(info(), 10_000, undefined)
    const restarted = sampleFromInfo(info({ run_id: 'b'.repeat(40), total_commands_processed: '5' }), 11_000, first.counters)
    expect(restarted.sample.opsPerSec).toBeNull()
    const reset = sampleFromInfo(info({ total_commands_processed: '2', keyspace_hits: '0' }), 11_000, first.counters)
    expect(reset.sample.opsPerSec).toBeNull()
    expect(reset.sample.hitsPerSec).toBeNull()
    // The counters after the reset are the next baseline.
    const after = sampleFromInfo(info({ total_commands_processed: '12', keyspace_hits: '0' }), 12_000, reset.counters)
    expect(after.sample.opsPerSec).toBe(10)
  })

  it("reads a replica's offset from slave_repl_offset and leaves absent fields null", () => {
    const { sample } = sampleFromInfo({ role: 'slave', slave_repl_offset: '4242', master_repl_offset: '1' }, 1000, undefined)
    expect(sample.replOffset).toBe(4242)
    expect(sample.usedMemory).toBeNull()
    expect(sample.clients).toBeNull()
  })
})

describe('MetricsHistoryStore', () => {
  it('keeps only the window, and starts a new rate baseline after the node stopped answering', () => {
    const store = new MetricsHistoryStore(60_000)
    store.record('n1', info(), 0)
    store.record('n1', info({ total_commands_processed: '1100' }), 1000)
    store.interrupted('n1')
    store.record('n1', info({ total_commands_processed: '1500' }), 30_000)
    store.record('n1', info({ total_commands_processed: '1800' }), 61_000)
    const [history] = store.histories(['n1'])
    expect(history.samples.map((s) => s.at)).toEqual([1000, 30_000, 61_000])
    expect(history.samples.map((s) => s.opsPerSec)).toEqual([100, null, 300 / 31])
    expect(store.histories(['unknown'])).toEqual([{ id: 'unknown', samples: [] }])
    store.forget('n1')
    expect(store.histories()).toEqual([])
  })
})

function sample(at: number, fields: Partial<MetricsSample>): MetricsSample {
  return { at, opsPerSec: null, usedMemory: null, clients: null, netInPerSec: null, netOutPerSec: null, hitsPerSec: null, missesPerSec: null, replOffset: null, ...fields }
}

describe('alignMetric', () => {
  const metric = (id: string) => DASHBOARD_METRICS.find((m) => m.id === id)!

  it('overlays a group on one time axis, gaps where a node has no value, counting non-zero points', () => {
    const now = 100_000
    const nodes = [
      { id: 'm', label: 'master', samples: [sample(90_100, { opsPerSec: null }), sample(91_200, { opsPerSec: 50 }), sample(92_050, { opsPerSec: 0 })] },
      { id: 'r', label: 'replica', samples: [sample(91_900, { opsPerSec: 3 }), sample(10_000, { opsPerSec: 9 })] },
    ]
    const aligned = alignMetric(nodes, metric('ops'), now, 60_000)
    expect(aligned.labels).toEqual(['master', 'replica'])
    expect(aligned.data).toEqual([
      [90, 91, 92],
      [null, 50, 0],
      [null, 3, null],
    ])
    expect(aligned.points).toBe(3)
    expect(aligned.nonZero).toBe(2)
  })

  it('draws two lines per node for network in/out', () => {
    const aligned = alignMetric([{ id: 'm', label: 'master', samples: [sample(1000, { netInPerSec: 10, netOutPerSec: 20 })] }], metric('network'), 2000)
    expect(aligned.labels).toEqual(['master in', 'master out'])
    expect(aligned.data).toEqual([[1], [10], [20]])
  })
})

describe('slowlog formatting', () => {
  it('shows durations in µs, ms or s and quotes arguments as redis-cli does', () => {
    expect(formatMicros(850)).toBe('850 µs')
    expect(formatMicros(50_123)).toBe('50.1 ms')
    expect(formatMicros(1500)).toBe('1.50 ms')
    expect(formatMicros(2_500_000)).toBe('2.50 s')
    expect(commandLine(['SET', 'my key', '', 'v'])).toBe('SET "my key" "" v')
  })
})
