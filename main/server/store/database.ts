/**
 * One Redis database (SELECT index): the keyspace, the expiry map and the
 * hooks WATCH and replication build on.
 *
 * For the server core:
 *   `createDatabases(count, host)` builds the `databases` array (count from the
 *   `databases` directive, 16 by default). `host` is anything with `now()` and
 *   `stats` — the ServerContext itself satisfies it — so lazy expiry reads the
 *   cached per-turn clock and counts `expired_keys`, and lookups count
 *   `keyspace_hits/misses`. Call `db.activeExpireCycle(now, budgetMs)` from the
 *   cron (Redis runs it 10 times a second with a 25 ms budget per call spread
 *   over the databases).
 *
 * Keys are byte strings: a key's bytes become a latin1 JS string (one char per
 * byte, so the mapping is exact and hashing is by byte); values keep Buffers.
 * The keyspace and the expires are Dicts (dict.ts): Redis's bucket layout,
 * so SCAN, RANDOMKEY and the active expire cycle walk them directly.
 *
 * Expiry follows db.c: a key whose expire time is strictly before `now()` is
 * logically gone. Every lookup expires it first (lazy expiry); the active cycle
 * (expire.c) walks the keys with a TTL so keys nobody touches disappear too.
 */
import { Dict } from './dict'
import { KeyMemoryTable } from './memory-keys'
import type { RedisValue, ValueType } from './values'

export type { RedisValue, ValueType } from './values'

export interface KeyspaceStats {
  keyspaceHits: number
  keyspaceMisses: number
  expiredKeys: number
}

/**
 * What happens to a logically expired key when someone looks it up:
 * 'delete' (a master), 'hide' (a replica: report it missing but wait for the
 * master's DEL), 'keep' (a replica applying its master's stream: the key still
 * exists until the master says otherwise).
 */
export type ExpiryPolicy = 'delete' | 'hide' | 'keep'

export interface KeyspaceHost {
  now(): number
  readonly stats: KeyspaceStats
  /** Defaults to 'delete'. Replication switches it for replicas. */
  expiryPolicy?(): ExpiryPolicy
}

export type KeyInput = Buffer | string

/** Latin1 maps each byte to one UTF-16 code unit, so this is exact both ways. */
export function keyString(key: KeyInput): string {
  return typeof key === 'string' ? key : key.toString('latin1')
}

export function keyBuffer(key: string): Buffer {
  return Buffer.from(key, 'latin1')
}

/** expire.c constants (Redis 7.0, active-expire-effort 1). */
const KEYS_PER_LOOP = 20
const ACCEPTABLE_STALE_PERCENT = 10

/** Everything SWAPDB exchanges between two databases (not the hooks: those belong to the index). */
interface DatabaseContents {
  dict: Dict<RedisValue>
  expires: Dict<number>
  expireSum: number
  epochBase: number
  expireCursor: number
  earliestExpire: number
  keyMemory: KeyMemoryTable
}

export class Database {
  // Not readonly: swapContents exchanges them with another database's in O(1).
  private dict = new Dict<RedisValue>()
  private expires = new Dict<number>()
  /** Sum of (expire time - epochBase) over `expires`, for an exact avg_ttl without a walk. */
  private expireSum = 0
  private epochBase: number
  private expireCursor = 0
  /**
   * No key expires before this time (a lower bound, exact after each full
   * reclaim): lets size() skip its walk when nothing can have expired yet.
   */
  private earliestExpire = Infinity

  /** Bumped on every signalled modification: a cheap "did anything change" for callers that poll. */
  version = 0
  /** Called for every key a write touched (signalModifiedKey) and for expired keys: WATCH hooks here. */
  readonly modifiedListeners: ((db: Database, key: string) => void)[] = []
  /** Called when a key is reclaimed by expiry, so a master can propagate DEL to replicas and the AOF. */
  readonly expiredListeners: ((db: Database, key: string) => void)[] = []
  /** Called after FLUSHDB/FLUSHALL emptied this database. */
  readonly flushListeners: ((db: Database) => void)[] = []
  /** Called just before FLUSHDB/FLUSHALL/SWAPDB empty this database (WATCH needs to know which keys existed). */
  readonly flushingListeners: ((db: Database) => void)[] = []
  /** Called after SWAPDB gave this database another's contents (WATCH and blocked clients re-check their keys). */
  readonly swappedListeners: ((db: Database) => void)[] = []
  private keyMemory: KeyMemoryTable
  /**
   * Called BEFORE anything may change `key` — its value in place (after a
   * lookup), its replacement, deletion or TTL: the snapshot engine's
   * copy-on-write hook (persistence/snapshot.ts). Empty when no snapshot runs.
   */
  readonly writeGuards: ((db: Database, key: string) => void)[] = []
  /** Set by replication/replica.ts: a replica hides expired keys from readers and keeps them for its master's stream. */
  expiryPolicyOverride: (() => ExpiryPolicy) | undefined

  constructor(
    readonly index: number,
    private readonly host: KeyspaceHost,
  ) {
    this.epochBase = host.now()
    // The table reads access state and charges from this dict's values: the two are swapped together.
    this.keyMemory = new KeyMemoryTable(() => host.now(), this.dict)
  }

  /** Per-key memory charge and LRU/LFU access state (INFO memory, maxmemory, OBJECT IDLETIME/FREQ). */
  get memory(): KeyMemoryTable {
    return this.keyMemory
  }

  // ---- lookups -----------------------------------------------------------

  /**
   * lookupKeyRead: expires lazily and counts a keyspace hit or miss.
   * `touch: false` is LOOKUP_NOTOUCH (EXISTS, TYPE, TTL): not an access for LRU/LFU.
   */
  lookupRead(key: KeyInput, touch = true): RedisValue | undefined {
    const value = this.lookupWrite(key, touch)
    if (value) this.host.stats.keyspaceHits++
    else this.host.stats.keyspaceMisses++
    return value
  }

  /** lookupKeyWrite: expires lazily, no statistics. */
  lookupWrite(key: KeyInput, touch = true): RedisValue | undefined {
    const k = keyString(key)
    // Read lookups too: some writers find their value through lookupRead before changing it in place.
    if (this.writeGuards.length !== 0) this.guard(k)
    if (this.expireIfNeeded(k)) return undefined
    const value = this.dict.get(k)
    if (value !== undefined && touch) this.memory.touched(value)
    return value
  }

  /** The stored value regardless of expiry (persistence, debugging). */
  peek(key: KeyInput): RedisValue | undefined {
    return this.dict.get(keyString(key))
  }

  /** Same as lookupWrite but true/false; for EXISTS-like checks that must not count stats. */
  has(key: KeyInput): boolean {
    // LOOKUP_NOTOUCH, as EXISTS: an existence check is not an access for LRU/LFU.
    const k = keyString(key)
    return !this.expireIfNeeded(k) && this.dict.has(k)
  }

  // ---- writes ------------------------------------------------------------

  /**
   * setKey: store `value`, replacing any previous value. The TTL is dropped
   * unless `keepTtl`. Signals the modification.
   */
  set(key: KeyInput, value: RedisValue, keepTtl = false): void {
    const k = keyString(key)
    if (this.writeGuards.length !== 0) this.guard(k)
    this.expireIfNeeded(k)
    this.place(k, value)
    if (!keepTtl) this.dropExpire(k)
    this.signalModified(k)
  }

  /**
   * Before a bulk load (an RDB: RESIZEDB's hints): size the key and expire
   * tables for what is coming, as rdbLoad's dictExpand.
   */
  beginBulkLoad(expectedKeys: number, expectedExpires: number): void {
    this.dict.reserve(expectedKeys)
    this.expires.reserve(expectedExpires)
  }

  /**
   * dbAddRDBLoad: store a key read from an RDB, with its absolute expire time
   * (ms) or undefined. The same effects as set() + setExpire() on a key that
   * did not exist — snapshot guard, memory charge, TTL
   * bookkeeping, modification listeners — without the lookups and checks a
   * load does not need (no expiry of the key being added, no TTL to drop): a
   * million-key full sync or start-up goes through here.
   *
   * False when the key was already stored: it then holds `value` (and the
   * given TTL) like a set() would; a loader treats that as a corrupt file.
   */
  loadKey(k: string, value: RedisValue, expireAt: number | undefined): boolean {
    if (this.writeGuards.length !== 0) this.guard(k)
    const added = this.dict.put(k, value) === undefined
    if (added) {
      this.keyMemory.loaded(k, value)
    } else {
      // The replaced value is gone, its charge with it: recount (a corrupt file's path only).
      this.dropExpire(k)
      this.keyMemory.loaded(k, value)
      this.keyMemory.recount()
    }
    // Listeners hear the key before its TTL is set, as after set() then setExpire().
    this.version++
    const listeners = this.modifiedListeners
    for (let i = 0; i < listeners.length; i++) listeners[i](this, k)
    if (expireAt !== undefined) {
      // A key that was just added has no TTL yet: no lookup of the previous one.
      if (added) this.addExpire(k, expireAt)
      else this.setExpire(k, expireAt)
    }
    return added
  }

  /**
   * Replace the value of an existing key in place, keeping its TTL (APPEND,
   * INCR, SETRANGE…). The caller signals the modification when it is done.
   */
  overwrite(key: KeyInput, value: RedisValue): void {
    const k = keyString(key)
    if (this.writeGuards.length !== 0) this.guard(k)
    this.place(k, value)
    this.memory.written(k, value)
  }

  /** dbDelete after expireIfNeeded: false when the key did not (logically) exist. */
  delete(key: KeyInput): boolean {
    const k = keyString(key)
    if (this.expireIfNeeded(k)) return false
    if (!this.remove(k)) return false
    this.signalModified(k)
    return true
  }

  /** Remove every key (FLUSHDB). */
  flush(): void {
    for (const listener of this.flushingListeners) listener(this)
    this.dict.clear()
    this.expires.clear()
    this.expireSum = 0
    this.expireCursor = 0
    this.earliestExpire = Infinity
    this.memory.clear()
    this.version++
    for (const listener of this.flushListeners) listener(this)
  }

  /**
   * dbSwapDatabases (SWAPDB): exchange the whole contents — keys, TTLs, scan
   * tables, memory accounting — with `other` in O(1), without visiting a key.
   * The Database objects stay at their index with their hooks, so clients
   * selected into one (and their WATCHes and blocked keys) see the other data
   * from now on, as in Redis. flushingListeners run first on both (each is
   * about to lose its contents), swappedListeners after (each has new ones).
   */
  swapContents(other: Database): void {
    if (other === this) return
    for (const listener of this.flushingListeners) listener(this)
    for (const listener of other.flushingListeners) listener(other)
    // The LFU tuning is the server's (lfu-log-factor / lfu-decay-time), not the contents': it stays put, so data swapped in from staging databases follows CONFIG.
    const myTuning = this.memory.tuning
    const otherTuning = other.memory.tuning
    const mine = this.contents()
    this.adopt(other.contents())
    other.adopt(mine)
    this.memory.tuning = myTuning
    other.memory.tuning = otherTuning
    this.version++
    other.version++
    for (const listener of this.swappedListeners) listener(this)
    for (const listener of other.swappedListeners) listener(other)
  }

  /** signalModifiedKey: a write changed `key`. */
  signalModified(key: KeyInput): void {
    const k = keyString(key)
    const value = this.dict.get(k)
    if (value !== undefined) this.memory.written(k, value)
    this.version++
    for (const listener of this.modifiedListeners) listener(this, k)
  }

  // ---- expiry ------------------------------------------------------------

  /** Absolute expire time in ms, or undefined when the key has no TTL (or does not exist). */
  getExpire(key: KeyInput): number | undefined {
    return this.expires.get(keyString(key))
  }

  /** setExpire: the key must exist. `at` is an absolute unix time in ms. */
  setExpire(key: KeyInput, at: number): void {
    const k = keyString(key)
    if (!this.dict.has(k)) throw new Error('setExpire on a missing key')
    if (this.writeGuards.length !== 0) this.guard(k)
    const previous = this.expires.put(k, at)
    if (previous !== undefined) this.expireSum -= previous - this.epochBase
    this.expireSum += at - this.epochBase
    if (at < this.earliestExpire) this.earliestExpire = at
  }

  /** setExpire's bookkeeping for a key known to exist and to have no TTL yet. */
  private addExpire(k: string, at: number): void {
    this.expires.add(k, at)
    this.expireSum += at - this.epochBase
    if (at < this.earliestExpire) this.earliestExpire = at
  }

  /** removeExpire: true when the key had a TTL. */
  removeExpire(key: KeyInput): boolean {
    const k = keyString(key)
    if (this.writeGuards.length !== 0 && this.expires.has(k)) this.guard(k)
    return this.dropExpire(k)
  }

  /** Keys, after reclaiming every logically expired one (so DBSIZE never counts the dead). */
  size(): number {
    this.reclaimExpired()
    return this.visibleCount()
  }

  expiresSize(): number {
    this.reclaimExpired()
    return this.policy() === 'delete' ? this.expires.size : this.visibleExpiresCount()
  }

  /** Average remaining TTL in ms over keys with one, 0 when none (INFO keyspace avg_ttl). */
  avgTtl(): number {
    if (this.expires.size === 0) return 0
    const now = this.host.now()
    const avg = this.expireSum / this.expires.size + this.epochBase - now
    return Math.max(0, Math.round(avg))
  }

  /**
   * expire.c activeExpireCycle for one database (slow cycle, effort 1): walk
   * the expires table from where the last call stopped, 20 keys per round, and
   * keep going while more than 10% of a round was expired and the time budget
   * lasts. Returns the number of keys deleted.
   */
  activeExpireCycle(now: number, budgetMs: number): number {
    if (this.policy() !== 'delete') return 0
    const started = performance.now()
    let deleted = 0
    let iteration = 0
    for (;;) {
      const total = this.expires.size
      if (total === 0) {
        this.expireCursor = 0
        break
      }
      const wanted = Math.min(total, KEYS_PER_LOOP)
      const maxBuckets = wanted * 20
      let sampled = 0
      let expired = 0
      let buckets = 0
      while (sampled < wanted && buckets < maxBuckets) {
        const batch: string[] = []
        this.expireCursor = this.expires.scanBucket(this.expireCursor, (k) => batch.push(k))
        buckets++
        for (const k of batch) {
          sampled++
          const at = this.expires.get(k)
          if (at !== undefined && now > at) {
            this.expireKey(k)
            expired++
          }
        }
        if (this.expireCursor === 0) break
      }
      deleted += expired
      iteration++
      if ((iteration & 0xf) === 0 && performance.now() - started > budgetMs) break
      if (sampled === 0 || (expired * 100) / sampled <= ACCEPTABLE_STALE_PERCENT) break
    }
    return deleted
  }

  // ---- iteration ---------------------------------------------------------

  /** One SCAN step over the key buckets; keys are returned unfiltered (the command filters and expires). */
  scan(cursor: number, count: number): { cursor: number; keys: string[] } {
    const keys: string[] = []
    // dbScan's bound: COUNT is a hint, capped at 10 bucket visits per requested key.
    let maxIterations = count * 10
    do {
      cursor = this.dict.scanBucket(cursor, (k) => keys.push(k))
    } while (cursor !== 0 && maxIterations-- > 0 && keys.length < count)
    return { cursor, keys }
  }

  /** Every key that is not logically expired (KEYS does not reclaim, it only filters). */
  *liveKeys(): IterableIterator<string> {
    const now = this.host.now()
    for (const k of this.dict.keys()) {
      const at = this.expires.get(k)
      if (at === undefined || !(now > at) || this.policy() === 'keep') yield k
    }
  }

  /** All stored entries, expired or not, for persistence. */
  entries(): IterableIterator<[string, RedisValue]> {
    return this.dict.entries()
  }

  /**
   * dbRandomKey: a random key, reclaiming expired picks on the way. When every
   * key has a TTL and expiry cannot delete (a replica), give up after 100
   * expired picks and return one anyway, as Redis does.
   */
  randomKey(random: () => number = Math.random): string | undefined {
    let expiredPicks = 0
    for (;;) {
      const k = this.dict.randomKey(random)
      if (k === undefined) return undefined
      const at = this.expires.get(k)
      if (at === undefined) return k
      if (this.policy() !== 'delete' && this.expires.size === this.dict.size && ++expiredPicks >= 100) return k
      if (!this.expireIfNeeded(k)) return k
    }
  }

  /**
   * Up to `count` random keys (repeats possible) from every key, or only from
   * keys with a TTL: the sample evict.c's dictGetSomeKeys gives the eviction pool.
   */
  sampleKeys(count: number, volatileOnly: boolean, random: () => number = Math.random): string[] {
    const table = volatileOnly ? this.expires : this.dict
    const keys: string[] = []
    for (let i = 0; i < count; i++) {
      const k = table.randomKey(random)
      if (k === undefined) break
      keys.push(k)
    }
    return keys
  }

  /** Keys stored, expired or not, without reclaiming (a snapshot's RESIZEDB hint). */
  get storedKeyCount(): number {
    return this.dict.size
  }

  /** Keys with a TTL, expired or not, without reclaiming (eviction's cheap "any volatile key?"). */
  get volatileCount(): number {
    return this.expires.size
  }

  /**
   * checkAlreadyExpired's condition: a master deletes a key given a TTL in the
   * past at once; a replica stores it and waits for its master's DEL.
   */
  canDeleteExpired(): boolean {
    return this.policy() === 'delete'
  }

  /** The TYPE name of a value. */
  static typeName(value: RedisValue): ValueType {
    return value.type
  }

  // ---- internals ---------------------------------------------------------

  private contents(): DatabaseContents {
    const { dict, expires, expireSum, epochBase, expireCursor, earliestExpire, keyMemory } = this
    return { dict, expires, expireSum, epochBase, expireCursor, earliestExpire, keyMemory }
  }

  private adopt(c: DatabaseContents): void {
    this.dict = c.dict
    this.expires = c.expires
    this.expireSum = c.expireSum
    this.epochBase = c.epochBase
    this.expireCursor = c.expireCursor
    this.earliestExpire = c.earliestExpire
    this.keyMemory = c.keyMemory
  }

  private guard(k: string): void {
    for (const guard of this.writeGuards) guard(this, k)
  }

  private policy(): ExpiryPolicy {
    return this.expiryPolicyOverride?.() ?? this.host.expiryPolicy?.() ?? 'delete'
  }

  /**
   * expireIfNeeded: true when the key is logically expired (and, on a master,
   * now deleted). A key expiring exactly at `now` is still alive, as in Redis.
   */
  private expireIfNeeded(k: string): boolean {
    if (this.expires.size === 0) return false
    const at = this.expires.get(k)
    if (at === undefined) return false
    if (!(this.host.now() > at)) return false
    const policy = this.policy()
    if (policy === 'keep') return false
    if (policy === 'hide') return true
    this.expireKey(k)
    return true
  }

  private expireKey(k: string): void {
    this.remove(k)
    this.host.stats.expiredKeys++
    this.signalModified(k)
    for (const listener of this.expiredListeners) listener(this, k)
  }

  /** Stores `value` at `k`, new key or replacement, and its access state (set and overwrite charge it after). */
  private place(k: string, value: RedisValue): void {
    this.keyMemory.stored(value, this.dict.put(k, value))
  }

  private remove(k: string): boolean {
    if (this.writeGuards.length !== 0 && this.dict.has(k)) this.guard(k)
    const value = this.dict.take(k)
    if (value === undefined) return false
    this.memory.removed(value)
    this.dropExpire(k)
    return true
  }

  private dropExpire(k: string): boolean {
    const at = this.expires.take(k)
    if (at === undefined) return false
    this.expireSum -= at - this.epochBase
    if (this.expires.size === 0) this.expireSum = 0
    return true
  }

  /**
   * Delete every logically expired key now (master only): O(keys with a TTL),
   * skipped while the earliest expire time is still ahead.
   */
  private reclaimExpired(): void {
    if (this.policy() !== 'delete' || this.expires.size === 0) return
    const now = this.host.now()
    if (!(now > this.earliestExpire)) return
    const dead: string[] = []
    let earliest = Infinity
    for (const [k, at] of this.expires) {
      if (now > at) dead.push(k)
      else if (at < earliest) earliest = at
    }
    for (const k of dead) this.expireKey(k)
    this.earliestExpire = earliest
  }

  private visibleCount(): number {
    if (this.policy() !== 'hide') return this.dict.size
    return this.dict.size - this.countExpired()
  }

  private visibleExpiresCount(): number {
    if (this.policy() !== 'hide') return this.expires.size
    return this.expires.size - this.countExpired()
  }

  private countExpired(): number {
    const now = this.host.now()
    let n = 0
    for (const at of this.expires.values()) if (now > at) n++
    return n
  }
}

/** The server's databases, 0..count-1, sharing one clock and stats block. */
export function createDatabases(count: number, host: KeyspaceHost): Database[] {
  return Array.from({ length: count }, (_, index) => new Database(index, host))
}
