/** Pure logic behind the failover UI: settings checks, group detection, timeline times. */
import { describe, expect, it } from 'vitest'
import {
  COOL_DOWN_MESSAGE,
  DOWN_AFTER_MESSAGE,
  formatDuration,
  parseFailoverSettings,
} from '../../renderer/src/failover-form'
import { groupOf, replicationGroups } from '../../renderer/src/failover-groups'
import { formatClock, formatDateTime, formatElapsed } from '../../renderer/src/failover-time'
import type { NodeView } from '../../shared/types'

function node(id: string, port: number, masterPort?: number, live = true): NodeView {
  return {
    spec: { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: 0 },
    status: {
      id,
      processState: live ? 'running' : 'crashed',
      live,
      role: masterPort === undefined ? 'master' : 'replica',
      keys: 0,
      usedMemory: 0,
      usedMemoryHuman: '0B',
      opsPerSec: 0,
      connectedClients: 0,
      replOffset: 0,
      masterHost: masterPort === undefined ? undefined : '127.0.0.1',
      masterPort,
      masterLinkStatus: masterPort === undefined ? undefined : 'up',
      connectedReplicas: 0,
      updatedAt: 0,
    },
  }
}

describe('automatic failover settings', () => {
  const valid = { enabled: true, downAfterMs: '5000', cooldownMs: '60000' }

  it('accepts whole milliseconds within bounds, spaces trimmed', () => {
    expect(parseFailoverSettings({ enabled: false, downAfterMs: ' 500 ', cooldownMs: '1000' })).toEqual({
      ok: true,
      value: { enabled: false, downAfterMs: 500, cooldownMs: 1000 },
    })
    expect(parseFailoverSettings(valid)).toEqual({ ok: true, value: { enabled: true, downAfterMs: 5000, cooldownMs: 60000 } })
    expect(parseFailoverSettings({ ...valid, downAfterMs: '3600000', cooldownMs: '86400000' }).ok).toBe(true)
  })

  it.each(['', 'abc', '-1', '1.5', '5s', '1e4', '499', '3600001', '0'])('refuses down-after %j with its message', (bad) => {
    expect(parseFailoverSettings({ ...valid, downAfterMs: bad })).toEqual({ ok: false, message: DOWN_AFTER_MESSAGE })
  })

  it.each(['', 'x', '999', '86400001', '+5000', '10 000'])('refuses cool-down %j with its message', (bad) => {
    expect(parseFailoverSettings({ ...valid, cooldownMs: bad })).toEqual({ ok: false, message: COOL_DOWN_MESSAGE })
  })

  it('checks values even while automatic failover is off', () => {
    expect(parseFailoverSettings({ enabled: false, downAfterMs: 'soon', cooldownMs: '1000' }).ok).toBe(false)
  })

  it('messages name the field and its bounds', () => {
    expect(DOWN_AFTER_MESSAGE).toBe('Down after must be a whole number of milliseconds from 500 to 3600000.')
    expect(COOL_DOWN_MESSAGE).toBe('Cool-down must be a whole number of milliseconds from 1000 to 86400000.')
  })

  it('summarises durations', () => {
    expect(formatDuration(800)).toBe('800 ms')
    expect(formatDuration(5000)).toBe('5 s')
    expect(formatDuration(1500)).toBe('1.5 s')
    expect(formatDuration(60_000)).toBe('1 min')
    expect(formatDuration(90_000)).toBe('1.5 min')
  })
})

describe('replication groups', () => {
  it('a master with replicas and sub-replicas is one group; a lone master is none', () => {
    const nodes = [node('m', 7000), node('a', 7001, 7000), node('b', 7002, 7001), node('lone', 7003), node('c', 7004, 7000)]
    const groups = replicationGroups(nodes)
    expect(groups.map((g) => [g.master.spec.id, g.members.map((m) => m.spec.id)])).toEqual([['m', ['a', 'b', 'c']]])
    expect(groupOf('b', nodes)?.master.spec.id).toBe('m')
    expect(groupOf('m', nodes)?.master.spec.id).toBe('m')
    expect(groupOf('lone', nodes)).toBeNull()
  })

  it('a master that went down keeps its group while its replicas still name it', () => {
    const nodes = [node('m', 7000, undefined, false), node('a', 7001, 7000)]
    expect(replicationGroups(nodes).map((g) => g.master.spec.id)).toEqual(['m'])
  })

  it('after a failover the group follows the new master', () => {
    const nodes = [node('m', 7000, 7001), node('a', 7001), node('c', 7004, 7001)]
    const groups = replicationGroups(nodes)
    expect(groups.map((g) => g.master.spec.id)).toEqual(['a'])
    expect(groups[0].members.map((m) => m.spec.id).sort()).toEqual(['c', 'm'])
  })
})

describe('timeline times', () => {
  it('clock to the millisecond in local time', () => {
    const at = new Date(2024, 4, 1, 9, 3, 7, 42).getTime()
    expect(formatClock(at)).toBe('09:03:07.042')
    expect(formatDateTime(at)).toBe('2024-05-01 09:03:07')
  })

  it('elapsed since the start', () => {
    expect(formatElapsed(1000, 1000)).toBe('+0 ms')
    expect(formatElapsed(1850, 1000)).toBe('+850 ms')
    expect(formatElapsed(2250, 1000)).toBe('+1.25 s')
    expect(formatElapsed(3000, 1000)).toBe('+2 s')
    expect(formatElapsed(66_000, 1000)).toBe('+1 min 5 s')
    // A step stamped a hair before the start (clock rounding) reads as the start.
    expect(formatElapsed(990, 1000)).toBe('+0 ms')
  })
})
