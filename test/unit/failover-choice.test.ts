/**
 * The replica a failover promotes, by Sentinel's rules (redis.io "Replica
 * selection and priority"): skip replicas disconnected too long, then lowest
 * replica-priority (0 = never), then highest processed offset, then smallest
 * run id; sub-replicas stay with their own master.
 */
import { describe, expect, it } from 'vitest'
import { chooseReplica, groupMembers, parentsOf, type NodeSnapshot } from '../../main/control/failover-choice'
import type { NodeSpec } from '../../shared/types'

function spec(id: string, port: number, replicaOf?: string): NodeSpec {
  const s: NodeSpec = { id, name: id, kind: 'local', host: '127.0.0.1', port, config: {}, createdAt: port }
  if (replicaOf) s.replicaOf = { nodeId: replicaOf, host: '127.0.0.1', port: 0 }
  return s
}

const master: NodeSnapshot = { spec: spec('m', 7000), fields: { role: 'master', master_repl_offset: '1000', run_id: 'm'.repeat(40) } }

function replica(id: string, port: number, over: Record<string, string> = {}, masterPort = 7000): NodeSnapshot {
  return {
    spec: spec(id, port),
    fields: {
      role: 'slave',
      master_host: '127.0.0.1',
      master_port: String(masterPort),
      master_link_status: 'up',
      master_last_io_seconds_ago: '0',
      slave_repl_offset: '1000',
      slave_priority: '100',
      master_sync_in_progress: '0',
      run_id: id.padEnd(40, '0'),
      ...over,
    },
  }
}

const coordinated = (snapshots: NodeSnapshot[]) => chooseReplica({ mode: 'coordinated', master, masterDownForSeconds: 0, snapshots: [master, ...snapshots] })
const masterDown = (snapshots: NodeSnapshot[], downFor = 5) =>
  chooseReplica({ mode: 'master-down', master: { spec: master.spec }, masterDownForSeconds: downFor, snapshots: [{ spec: master.spec }, ...snapshots] })

describe('failover replica choice', () => {
  it('lowest replica-priority first, whatever the offsets', () => {
    const c = coordinated([replica('a', 7001, { slave_priority: '100', slave_repl_offset: '1000' }), replica('b', 7002, { slave_priority: '10', slave_repl_offset: '900' })])
    expect(c.chosen?.nodeId).toBe('b')
    expect(c.reason).toContain('lowest replica-priority')
    expect(c.candidates.find((x) => x.nodeId === 'a')?.reason).toContain('higher replica-priority than b')
  })

  it('then the highest processed offset, then the smallest run id', () => {
    expect(masterDown([replica('a', 7001, { slave_repl_offset: '900', master_link_status: 'down', master_link_down_since_seconds: '3' }), replica('b', 7002, { slave_repl_offset: '950', master_link_status: 'down', master_link_down_since_seconds: '3' })]).chosen?.nodeId).toBe('b')
    const tie = coordinated([replica('b', 7002), replica('a', 7001)])
    expect(tie.chosen?.nodeId).toBe('a')
    expect(tie.reason).toContain('smallest run id')
  })

  it('replica-priority 0 is never promoted, even as the only replica', () => {
    const c = coordinated([replica('a', 7001, { slave_priority: '0' })])
    expect(c.chosen).toBeUndefined()
    expect(c.candidates[0].eligible).toBe(false)
    expect(c.reason).toContain('replica-priority 0')
  })

  it('skips a replica disconnected long before the master went down, and one that never synced', () => {
    const c = masterDown([
      replica('a', 7001, { slave_repl_offset: '5000', master_link_status: 'down', master_link_down_since_seconds: '300' }),
      replica('b', 7002, { slave_repl_offset: '10', master_link_status: 'down', master_link_down_since_seconds: '-1' }),
      replica('c', 7003, { slave_repl_offset: '900', master_link_status: 'down', master_link_down_since_seconds: '6' }),
    ])
    expect(c.chosen?.nodeId).toBe('c')
    expect(c.candidates.find((x) => x.nodeId === 'a')?.reason).toContain('disconnected long before')
    expect(c.candidates.find((x) => x.nodeId === 'b')?.reason).toContain('never synchronised')
  })

  it('when the master went down is unknown (app relaunched), the replicas\' latest link loss dates it', () => {
    const down = (secs: string, offset: string) => ({ master_link_status: 'down', master_link_down_since_seconds: secs, slave_repl_offset: offset })
    const c = masterDown([replica('a', 7001, down('300', '900')), replica('b', 7002, down('302', '950')), replica('c', 7003, down('5000', '9999'))], 0)
    expect(c.chosen?.nodeId).toBe('b')
    expect(c.candidates.find((x) => x.nodeId === 'c')?.eligible).toBe(false)
  })

  it('coordinated mode needs the link up (FAILOVER targets an online replica); a node that does not answer is never chosen', () => {
    const c = coordinated([replica('a', 7001, { master_link_status: 'down', master_link_down_since_seconds: '1', slave_repl_offset: '2000' }), { spec: spec('b', 7002, 'm') }, replica('c', 7003, { slave_repl_offset: '10' })])
    expect(c.chosen?.nodeId).toBe('c')
    expect(c.candidates.find((x) => x.nodeId === 'b')).toMatchObject({ answers: false, eligible: false, linkStatus: 'unknown' })
    expect(c.candidates.find((x) => x.nodeId === 'c')?.lagBytes).toBe(990)
  })

  it('a sub-replica is listed at depth 2 but stays with its own master', () => {
    const snapshots = [master, replica('a', 7001, { slave_repl_offset: '100' }), replica('b', 7002, { slave_repl_offset: '1000' }, 7001)]
    expect(groupMembers(parentsOf(snapshots), 'm')).toEqual([
      { id: 'a', depth: 1 },
      { id: 'b', depth: 2 },
    ])
    const c = coordinated(snapshots.slice(1))
    expect(c.chosen?.nodeId).toBe('a')
    expect(c.candidates.find((x) => x.nodeId === 'b')).toMatchObject({ depth: 2, eligible: false, masterNodeId: 'a' })
  })

  it('a replica in the middle of a full sync has no complete copy: not eligible', () => {
    const c = coordinated([replica('a', 7001, { master_sync_in_progress: '1', master_link_status: 'down' })])
    expect(c.chosen).toBeUndefined()
    expect(c.reason).toContain('full sync in progress')
  })
})
