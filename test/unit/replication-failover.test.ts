/**
 * The FAILOVER state machine (replication/failover.ts) against a fake
 * replication: the refusals in failoverCommand's order, the write pause taken
 * and lifted, waiting-for-sync until the target's ACK equals the offset, the
 * first caught-up replica chosen without TO, TIMEOUT (abort, or FORCE: hand
 * over anyway), the target's answer, ABORT before and after the switch.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Failover, type FailoverCandidate } from '../../main/server/replication/failover'
import type { Replication } from '../../main/server/replication/replication'

interface Fake {
  replication: Replication
  failover: Failover
  candidates: FailoverCandidate[]
  calls: string[]
  logs: string[]
  setOffset(offset: number): void
  setReplica(isReplica: boolean): void
}

function fake(): Fake {
  const calls: string[] = []
  const logs: string[] = []
  const candidates: FailoverCandidate[] = []
  let isReplica = false
  const state = { failoverState: 'no-failover', masterReplOffset: 100 }
  const replication = {
    get failoverState() {
      return state.failoverState
    },
    set failoverState(v: string) {
      state.failoverState = v
    },
    get masterReplOffset() {
      return state.masterReplOffset
    },
    server: {
      core: {
        log: { notice: (m: string) => logs.push(m), warning: (m: string) => logs.push(m) },
        pauseClients: (_until: number, mode: string, purpose: string) => calls.push(`pause ${mode} ${purpose}`),
        unpauseClients: (purpose: string) => calls.push(`unpause ${purpose}`),
      },
    },
    master: {
      get replicaCount() {
        return candidates.length
      },
      findReplica: (host: string, port: number) => candidates.find((c) => c.host === host && c.port === port),
      failoverCandidates: () => candidates,
    },
    replica: {
      get isReplica() {
        return isReplica
      },
      follow: (host: string, port: number) => {
        isReplica = true
        calls.push(`follow ${host}:${port}`)
      },
      promote: () => {
        isReplica = false
        calls.push('promote')
      },
    },
  } as unknown as Replication
  const failover = new Failover(replication)
  return {
    replication,
    failover,
    candidates,
    calls,
    logs,
    setOffset: (offset) => (state.masterReplOffset = offset),
    setReplica: (v) => (isReplica = v),
  }
}

const replica = (port: number, ackOffset: number, online = true): FailoverCandidate => ({ host: '127.0.0.1', port, online, ackOffset })
const errorText = (reply: unknown): string | undefined => ((reply as { t?: string }).t === 'error' ? (reply as { v: string }).v : undefined)

/** Lets the setImmediate of scheduleUpdate run. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('Failover', () => {
  let f: Fake
  beforeEach(() => {
    f = fake()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('refuses in failoverCommand order: no replicas, FORCE without TO or TIMEOUT, unknown or offline target, on a replica, twice', () => {
    const start = (target?: { host: string; port: number }, force = false, timeoutMs = 0) => errorText(f.failover.start({ target, force, timeoutMs }))
    expect(start()).toMatch(/requires connected replicas/)
    f.candidates.push(replica(7001, 0, false))
    expect(start(undefined, true, 100)).toMatch(/force option requires both/)
    expect(start({ host: '127.0.0.1', port: 7001 }, true, 0)).toMatch(/force option requires both/)
    expect(start({ host: '127.0.0.1', port: 7999 })).toBe('ERR FAILOVER target HOST and PORT is not a replica.')
    expect(start({ host: '127.0.0.1', port: 7001 })).toBe('ERR FAILOVER target replica is not online.')
    f.setReplica(true)
    expect(start()).toBe('ERR FAILOVER is not valid when server is a replica.')
    f.setReplica(false)
    expect(start()).toBeUndefined()
    expect(start()).toBe('ERR FAILOVER already in progress.')
    expect(f.calls).toEqual(['pause write failover'])
  })

  it('waits for the target to ACK the offset, then follows it; the answer completes and unpauses', async () => {
    f.candidates.push(replica(7001, 90), replica(7002, 100))
    expect(errorText(f.failover.start({ target: { host: '127.0.0.1', port: 7001 }, force: false, timeoutMs: 0 }))).toBeUndefined()
    await tick()
    // 7002 is caught up, but it is not the target.
    expect(f.replication.failoverState).toBe('waiting-for-sync')
    f.candidates[0] = replica(7001, 100)
    f.failover.scheduleUpdate()
    await tick()
    expect(f.replication.failoverState).toBe('failover-in-progress')
    expect(f.calls).toEqual(['pause write failover', 'follow 127.0.0.1:7001'])
    f.failover.psyncAnswered(true)
    expect(f.replication.failoverState).toBe('no-failover')
    expect(f.calls.at(-1)).toBe('unpause failover')
  })

  it('without TO takes the first online replica that caught up', async () => {
    f.candidates.push(replica(7001, 100, false), replica(7002, 99), replica(7003, 100))
    f.failover.start({ target: undefined, force: false, timeoutMs: 0 })
    await tick()
    expect(f.calls).toContain('follow 127.0.0.1:7003')
    expect(f.logs).toContain('Failover target 127.0.0.1:7003 is synced, failing over.')
  })

  it('TIMEOUT without FORCE aborts; with FORCE hands over to the target as it is', () => {
    vi.useFakeTimers()
    f.candidates.push(replica(7001, 50))
    f.failover.start({ target: { host: '127.0.0.1', port: 7001 }, force: false, timeoutMs: 500 })
    vi.advanceTimersByTime(499)
    expect(f.replication.failoverState).toBe('waiting-for-sync')
    vi.advanceTimersByTime(1)
    expect(f.replication.failoverState).toBe('no-failover')
    expect(f.logs.at(-1)).toBe('FAILOVER to 127.0.0.1:7001 aborted: Replica never caught up before timeout')
    expect(f.calls).toEqual(['pause write failover', 'unpause failover'])

    f.failover.start({ target: { host: '127.0.0.1', port: 7001 }, force: true, timeoutMs: 300 })
    vi.advanceTimersByTime(300)
    expect(f.replication.failoverState).toBe('failover-in-progress')
    expect(f.calls.at(-1)).toBe('follow 127.0.0.1:7001')
  })

  it('a refused PSYNC FAILOVER or an ABORT after the switch makes us a master again', async () => {
    f.candidates.push(replica(7001, 100))
    f.failover.start({ target: undefined, force: false, timeoutMs: 0 })
    await tick()
    f.failover.psyncAnswered(false)
    expect(f.calls.slice(-2)).toEqual(['promote', 'unpause failover'])
    expect(f.logs.at(-1)).toBe('FAILOVER to 127.0.0.1:7001 aborted: Failover target rejected psync request')
    expect(f.replication.failoverState).toBe('no-failover')

    f.failover.start({ target: undefined, force: false, timeoutMs: 0 })
    await tick()
    expect(errorText(f.failover.abortCommand())).toBeUndefined()
    expect(f.calls.slice(-2)).toEqual(['promote', 'unpause failover'])
    expect(errorText(f.failover.abortCommand())).toBe('ERR No failover in progress.')
  })

  it('ABORT while waiting only lifts the pause', () => {
    f.candidates.push(replica(7001, 10))
    f.failover.start({ target: undefined, force: false, timeoutMs: 0 })
    f.failover.abortCommand()
    expect(f.calls).toEqual(['pause write failover', 'unpause failover'])
    expect(f.logs.at(-1)).toBe('FAILOVER to any replica aborted: Failover manually aborted')
  })
})
