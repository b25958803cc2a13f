import { describe, expect, it } from 'vitest'
import { MemoryManager, USED_MEMORY_STARTUP } from '../../main/server/store/memory'
import { EVICTION_POOL_SIZE, populatePool, type PoolEntry } from '../../main/server/store/eviction'
import { LFU_INIT_VAL, defaultLfuTuning, lfuDecayed, lfuLogIncr, lfuMinutes } from '../../main/server/store/access-clock'
import { fakeServer } from './helpers/fake-context'
import { stringValue } from '../../main/server/store/values'

/** A deterministic PRNG (mulberry32) so sampling is reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function setup(policy: string, samples = 5) {
  const server = fakeServer()
  server.configValues.set('maxmemory-policy', policy)
  server.configValues.set('maxmemory-samples', String(samples))
  server.configValues.set('maxmemory', '0')
  // Unlimited eviction time: a slow test machine must not turn 'ok' into 'running'.
  server.configValues.set('maxmemory-eviction-tenacity', '100')
  const memory = new MemoryManager(server, seeded(7))
  /** Lets `extra` bytes more than now, so the next write tips it over. */
  const limitAt = (extra: number): void => {
    server.configValues.set('maxmemory', String(memory.usedMemory() + extra))
  }
  return { server, memory, limitAt }
}

describe('eviction pool', () => {
  it('keeps the 16 best candidates in ascending order', () => {
    const server = fakeServer()
    for (let i = 0; i < 40; i++) {
      server.call('SET', `k${i}`, 'v')
      server.clock += 1000
    }
    const pool: PoolEntry[] = []
    const options = { policy: 'allkeys-lru' as const, samples: 40, now: server.clock, tuning: defaultLfuTuning(), random: seeded(1) }
    for (let round = 0; round < 10; round++) populatePool(pool, server.db(), options)
    expect(pool.length).toBe(EVICTION_POOL_SIZE)
    const scores = pool.map((e) => e.score)
    expect(scores).toEqual([...scores].sort((a, b) => a - b))
    // The oldest key (k0) has been sampled in 10 rounds of 40 draws: it is the best candidate.
    expect(pool[pool.length - 1].key).toBe('k0')
  })
})

describe('performEvictions by policy', () => {
  it('noeviction refuses once over the limit and deletes nothing', () => {
    const { server, memory, limitAt } = setup('noeviction')
    server.call('SET', 'a', 'x'.repeat(100))
    limitAt(10)
    expect(memory.performEvictions()).toBe('ok')
    server.call('SET', 'b', 'x'.repeat(100))
    expect(memory.performEvictions()).toBe('fail')
    expect(server.db().size()).toBe(2)
    expect(server.stats.evictedKeys).toBe(0)
  })

  it('allkeys-lru evicts the least recently used key among the samples', () => {
    const { server, memory, limitAt } = setup('allkeys-lru', 10)
    for (const k of ['old', 'mid', 'new']) {
      server.call('SET', k, 'x'.repeat(100))
      server.clock += 10_000
    }
    server.call('GET', 'old')
    server.clock += 10_000
    limitAt(0)
    server.call('SET', 'extra', 'y')
    expect(memory.performEvictions()).toBe('ok')
    expect(server.db().has('mid')).toBe(false)
    expect(['old', 'new', 'extra'].every((k) => server.db().has(k))).toBe(true)
    expect(server.stats.evictedKeys).toBe(1)
    expect(memory.usedMemory()).toBeLessThanOrEqual(Number(server.configValues.get('maxmemory')))
  })

  it('allkeys-lfu evicts the least frequently used key', () => {
    const { server, memory, limitAt } = setup('allkeys-lfu', 10)
    server.db().memory.tuning.random = () => 0
    for (const k of ['a', 'b', 'c']) server.call('SET', k, 'x'.repeat(100))
    for (let i = 0; i < 5; i++) server.call('GET', 'a')
    for (let i = 0; i < 5; i++) server.call('GET', 'c')
    limitAt(0)
    server.call('SET', 'd', 'y')
    server.call('GET', 'd')
    expect(memory.performEvictions()).toBe('ok')
    expect(server.db().has('b')).toBe(false)
    expect(['a', 'c', 'd'].every((k) => server.db().has(k))).toBe(true)
  })

  it('volatile-ttl evicts the key closest to expiring', () => {
    const { server, memory, limitAt } = setup('volatile-ttl', 10)
    server.call('SET', 'forever', 'x'.repeat(100))
    server.call('SET', 'later', 'x'.repeat(100), 'EX', '1000')
    server.call('SET', 'soon', 'x'.repeat(100), 'EX', '10')
    server.call('SET', 'middle', 'x'.repeat(100), 'EX', '100')
    limitAt(0)
    server.call('SET', 'extra', 'y')
    expect(memory.performEvictions()).toBe('ok')
    expect(server.db().has('soon')).toBe(false)
    expect(['forever', 'later', 'middle', 'extra'].every((k) => server.db().has(k))).toBe(true)
  })

  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
    it(`${policy} never evicts a key without a TTL`, () => {
      const { server, memory, limitAt } = setup(policy)
      for (let i = 0; i < 20; i++) server.call('SET', `plain${i}`, 'x'.repeat(50))
      server.call('SET', 'ttl1', 'x'.repeat(50), 'EX', '100')
      limitAt(0)
      server.call('SET', 'plain-more', 'x'.repeat(500))
      expect(memory.performEvictions()).toBe('fail')
      expect(server.db().has('ttl1')).toBe(false)
      expect(server.db().size()).toBe(21)
      expect(server.stats.evictedKeys).toBe(1)
    })
  }

  it('allkeys-random evicts until under the limit, across databases, and signals each key', () => {
    const { server, memory, limitAt } = setup('allkeys-random')
    const signalled: string[] = []
    for (const db of server.databases) db.modifiedListeners.push((d, k) => signalled.push(`${d.index}:${k}`))
    for (let i = 0; i < 50; i++) server.call('SET', `k${i}`, 'x'.repeat(100))
    server.db(3).set('other', stringValue(Buffer.alloc(100)))
    limitAt(0)
    server.configValues.set('maxmemory', String(USED_MEMORY_STARTUP + 2000))
    signalled.length = 0
    expect(memory.performEvictions()).toBe('ok')
    expect(memory.usedMemory()).toBeLessThanOrEqual(USED_MEMORY_STARTUP + 2000)
    expect(server.stats.evictedKeys).toBe(signalled.length)
    expect(server.stats.evictedKeys).toBeGreaterThan(30)
  })

  it('with nothing left to evict, allkeys-* fails too', () => {
    const { server, memory } = setup('allkeys-lru')
    server.configValues.set('maxmemory', '1')
    expect(memory.performEvictions()).toBe('fail')
  })
})

describe('LFU counter (evict.c)', () => {
  const tuning = (random: number, logFactor = 10, decayMinutes = 1) => ({ logFactor, decayMinutes, random: () => random })

  it('always counts a hit at or below LFU_INIT_VAL, then with probability 1/((c-5)*factor+1)', () => {
    expect(lfuLogIncr(LFU_INIT_VAL, tuning(0.999))).toBe(LFU_INIT_VAL + 1)
    expect(lfuLogIncr(0, tuning(0.999))).toBe(1)
    // counter 15: p = 1/(10*10+1) ≈ 0.0099
    expect(lfuLogIncr(15, tuning(0.0098))).toBe(16)
    expect(lfuLogIncr(15, tuning(0.0100))).toBe(15)
    expect(lfuLogIncr(15, tuning(0.5, 0))).toBe(16)
    expect(lfuLogIncr(255, tuning(0))).toBe(255)
  })

  it('decays one step per lfu-decay-time minutes, never below 0, not at all with 0', () => {
    const now = 1_700_000_000_000
    const state = { lastAccess: now, counter: 10, decrementMinute: lfuMinutes(now) }
    expect(lfuDecayed(state, now + 3 * 60_000, tuning(0))).toBe(7)
    expect(lfuDecayed(state, now + 6 * 60_000, tuning(0, 10, 2))).toBe(7)
    expect(lfuDecayed(state, now + 60 * 60_000, tuning(0))).toBe(0)
    expect(lfuDecayed(state, now + 60 * 60_000, tuning(0, 10, 0))).toBe(10)
  })

  it('measures elapsed minutes across the 16-bit wrap', () => {
    const now = 65530 * 60_000
    const state = { lastAccess: now, counter: 20, decrementMinute: lfuMinutes(now) }
    expect(lfuDecayed(state, now + 10 * 60_000, tuning(0))).toBe(11)
  })
})
