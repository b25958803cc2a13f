/**
 * One database's memory bookkeeping: what every key is charged (memory-size.ts)
 * and its access state (access-clock.ts), kept up to date by the Database's
 * write, delete and lookup paths, so INFO memory and maxmemory read a running
 * total instead of walking the keyspace.
 *
 * Both live on the stored value itself (key-state.ts: Redis keeps them in the
 * robj); this table keeps the total and the rules. Every call names the value
 * concerned, so nothing here looks a key up except access() and bytesOf().
 */
import { defaultLfuTuning, recordAccess, type AccessState, type LfuTuning } from './access-clock'
import type { Dict } from './dict'
import { bucketArraySize, keyUsage } from './memory-size'
import type { RedisValue } from './values'

export class KeyMemoryTable {
  private total = 0
  /** Shared with the server's MemoryManager, which follows lfu-log-factor / lfu-decay-time. */
  tuning: LfuTuning = defaultLfuTuning()

  constructor(
    private readonly now: () => number,
    /** The database's dict this table charges (travels with it on SWAPDB). */
    private readonly values: Dict<RedisValue>,
  ) {}

  /**
   * `value` was just stored at `key`, replacing `previous` (undefined for a
   * new key): its access state starts now — a value moved from another key
   * (RENAME, MOVE) keeps its own, and a replacement takes over the LFU counter
   * as dbOverwrite does. Charged 0 until the written() that follows.
   */
  stored(value: RedisValue, previous: RedisValue | undefined): void {
    if (previous !== undefined && previous !== value) {
      this.removed(previous)
      value.inheritAccess(previous, this.now())
    } else if (!value.everStored) value.startAccess(this.now())
  }

  /** A bulk load (an RDB) stored the new key `key`: stored() and written() in one. */
  loaded(key: string, value: RedisValue): void {
    value.startAccess(this.now())
    const bytes = keyUsage(key, value)
    value.charge = bytes
    this.total += bytes
  }

  /** A write stored or changed the value of `key`: recharge it (a write is an access too). */
  written(key: string, value: RedisValue): void {
    const bytes = keyUsage(key, value)
    this.total += bytes - value.charge
    value.charge = bytes
    value.lastAccess = this.now()
  }

  /** `value` left the keyspace (deleted, expired, replaced). */
  removed(value: RedisValue): void {
    this.total -= value.charge
    value.charge = 0
  }

  /** A lookup read or wrote `value`: update its LRU clock and LFU counter. */
  touched(value: RedisValue): void {
    recordAccess(value, this.now(), this.tuning)
  }

  /** Recomputes every charge and the total (after a corrupt load replaced a key without the usual calls). */
  recount(): void {
    let total = 0
    for (const [key, value] of this.values) {
      value.charge = keyUsage(key, value)
      total += value.charge
    }
    this.total = total
  }

  clear(): void {
    this.total = 0
  }

  /**
   * The access state of `key`, undefined when it does not exist (OBJECT,
   * eviction; RESTORE's IDLETIME/FREQ hints write through it).
   */
  access(key: string): AccessState | undefined {
    return this.values.get(key)
  }

  /** What `key` is charged, 0 when unknown. */
  bytesOf(key: string): number {
    return this.values.get(key)?.charge ?? 0
  }

  /** Keys' and values' bytes (MEMORY USAGE summed). */
  get datasetBytes(): number {
    return this.total
  }

  /** The main dict's bucket array (overhead.hashtable.main beyond the entries). */
  get tableBytes(): number {
    return bucketArraySize(this.count)
  }

  get count(): number {
    return this.values.size
  }
}
