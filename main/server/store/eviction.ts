/**
 * evict.c: which key goes when used memory is over maxmemory. The LRU, LFU
 * and TTL policies are Redis's sampled approximations: each round samples
 * `maxmemory-samples` keys per database into a pool of the 16 best candidates
 * seen so far (kept across calls, like EvictionPoolLRU), and the best one
 * that still exists is evicted. The random policies pick a random key,
 * visiting the databases round-robin.
 */
import { idleMs, lfuDecayed, type LfuTuning } from './access-clock'
import type { Database } from './database'

export const EVICTION_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number]

export function isEvictionPolicy(name: string): name is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(name)
}

/** EVPOOL_SIZE */
export const EVICTION_POOL_SIZE = 16

export interface PoolEntry {
  /** Higher is a better candidate: idle ms (LRU), 255 - frequency (LFU), or "expires sooner" (TTL). */
  readonly score: number
  readonly key: string
  readonly db: Database
}

export interface SamplingOptions {
  readonly policy: EvictionPolicy
  readonly samples: number
  readonly now: number
  readonly tuning: LfuTuning
  readonly random: () => number
}

function volatileOnly(policy: EvictionPolicy): boolean {
  return policy.startsWith('volatile-')
}

/** The candidate score evictionPoolPopulate computes; undefined when the key cannot be a candidate. */
export function candidateScore(db: Database, key: string, options: SamplingOptions): number | undefined {
  const access = db.memory.access(key)
  if (access === undefined) return undefined
  switch (options.policy) {
    case 'allkeys-lru':
    case 'volatile-lru':
      return idleMs(access, options.now)
    case 'allkeys-lfu':
    case 'volatile-lfu':
      return 255 - lfuDecayed(access, options.now, options.tuning)
    case 'volatile-ttl': {
      const at = db.getExpire(key)
      return at === undefined ? undefined : Number.MAX_SAFE_INTEGER - at
    }
    default:
      return undefined
  }
}

/**
 * evictionPoolPopulate: sample keys of `db` and keep the pool sorted by
 * ascending score, at most EVICTION_POOL_SIZE entries (a full pool drops its
 * worst entry, or the newcomer when it is worse than all).
 */
export function populatePool(pool: PoolEntry[], db: Database, options: SamplingOptions): void {
  for (const key of db.sampleKeys(options.samples, volatileOnly(options.policy), options.random)) {
    const score = candidateScore(db, key, options)
    if (score === undefined) continue
    const existing = pool.findIndex((e) => e.db === db && e.key === key)
    if (existing >= 0) pool.splice(existing, 1)
    let at = 0
    while (at < pool.length && pool[at].score < score) at++
    if (pool.length >= EVICTION_POOL_SIZE) {
      if (at === 0) continue
      pool.shift()
      at--
    }
    pool.splice(at, 0, { score, key, db })
  }
}

/** The best pooled candidate that still exists (and still has a TTL for volatile-*), removed from the pool. */
export function popBestCandidate(pool: PoolEntry[], policy: EvictionPolicy): PoolEntry | undefined {
  while (pool.length > 0) {
    const entry = pool.pop() as PoolEntry
    if (entry.db.peek(entry.key) === undefined) continue
    if (volatileOnly(policy) && entry.db.getExpire(entry.key) === undefined) continue
    return entry
  }
  return undefined
}

/** The next key to evict under `policy` across `databases`, or undefined when there is none. */
export class EvictionPicker {
  private readonly pool: PoolEntry[] = []
  private nextDb = 0

  pick(databases: readonly Database[], options: SamplingOptions): PoolEntry | undefined {
    if (options.policy === 'noeviction') return undefined
    if (options.policy === 'allkeys-random' || options.policy === 'volatile-random') return this.pickRandom(databases, options)
    // Populating can find only keys that vanished meanwhile; give up after a few rounds rather than spin.
    for (let round = 0; round < 16; round++) {
      if (!databases.some((db) => candidatesIn(db, options.policy) > 0)) return undefined
      for (const db of databases) if (candidatesIn(db, options.policy) > 0) populatePool(this.pool, db, options)
      const best = popBestCandidate(this.pool, options.policy)
      if (best) return best
    }
    return undefined
  }

  /** Entries currently pooled (tests, MEMORY DOCTOR-like introspection). */
  get pooled(): readonly PoolEntry[] {
    return this.pool
  }

  clear(): void {
    this.pool.length = 0
  }

  private pickRandom(databases: readonly Database[], options: SamplingOptions): PoolEntry | undefined {
    for (let i = 0; i < databases.length; i++) {
      const db = databases[this.nextDb++ % databases.length]
      if (candidatesIn(db, options.policy) === 0) continue
      const [key] = db.sampleKeys(1, volatileOnly(options.policy), options.random)
      if (key !== undefined) return { score: 0, key, db }
    }
    return undefined
  }
}

function candidatesIn(db: Database, policy: EvictionPolicy): number {
  return volatileOnly(policy) ? db.volatileCount : db.memory.count
}
