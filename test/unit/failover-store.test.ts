/**
 * What failover keeps across launches (failover.json) and how its params are
 * checked: a run cut short by a quit reads back as failed, settings and
 * pending fences survive, a damaged file starts a new timeline, and bad
 * params are refused with the field named.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { FAILOVER_FILE_NAME, FailoverStore } from '../../main/control/failover-store'
import { autoFailoverRequest, failoverRunRequest } from '../../main/control/failover-validate'
import type { FailoverRecord } from '../../shared/types'

const dirs: string[] = []
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tandem-failover-store-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const record = (id: string, outcome: FailoverRecord['outcome']): FailoverRecord => ({ id, oldMasterId: 'm', mode: 'coordinated', trigger: 'manual', startedAt: 1, outcome, steps: [] })

describe('failover store', () => {
  it('keeps records newest first, settings and fences; a run cut short reads back as failed', () => {
    const d = dir()
    const store = new FailoverStore(d)
    store.add(record('a', 'succeeded'))
    store.add(record('b', 'running'))
    store.auto.set('m', { groupMasterId: 'm', enabled: true, downAfterMs: 1000, cooldownMs: 5000 })
    store.fences.set('m', { nodeId: 'm', newMasterId: 'r', recordId: 'b' })
    store.save()
    const again = new FailoverStore(d)
    expect(again.records.map((r) => [r.id, r.outcome])).toEqual([
      ['b', 'failed'],
      ['a', 'succeeded'],
    ])
    expect(again.records[0].error).toContain('interrupted')
    expect(again.auto.get('m')?.enabled).toBe(true)
    expect(again.fences.get('m')?.newMasterId).toBe('r')
  })

  it('keeps the last 100 records', () => {
    const store = new FailoverStore(dir())
    for (let i = 0; i < 105; i++) store.add(record(`r${i}`, 'succeeded'))
    expect(store.records).toHaveLength(100)
    expect(store.records[0].id).toBe('r104')
  })

  it('a damaged file starts an empty timeline instead of failing the app', () => {
    const d = dir()
    writeFileSync(join(d, FAILOVER_FILE_NAME), '{not json')
    expect(new FailoverStore(d).records).toEqual([])
  })
})

describe('failover params', () => {
  it('run: groupMasterId required, candidateId and timeoutMs optional and checked', () => {
    expect(failoverRunRequest({ groupMasterId: 'm' })).toEqual({ groupMasterId: 'm' })
    expect(failoverRunRequest({ groupMasterId: 'm', candidateId: 'r', timeoutMs: 2000 })).toEqual({ groupMasterId: 'm', candidateId: 'r', timeoutMs: 2000 })
    expect(() => failoverRunRequest({})).toThrow('"groupMasterId" must be a non-empty string')
    expect(() => failoverRunRequest({ groupMasterId: 'm', timeoutMs: -1 })).toThrow('"timeoutMs" must be an integer')
  })

  it('setAuto: enabled must be a boolean, durations within bounds', () => {
    expect(autoFailoverRequest({ groupMasterId: 'm', enabled: false })).toEqual({ groupMasterId: 'm', enabled: false })
    expect(() => autoFailoverRequest({ groupMasterId: 'm', enabled: 'yes' })).toThrow('"enabled" must be true or false')
    expect(() => autoFailoverRequest({ groupMasterId: 'm', enabled: true, downAfterMs: 10 })).toThrow('"downAfterMs"')
  })
})
