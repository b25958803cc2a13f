/**
 * One database's memory bookkeeping: what every key is charged (memory-size.ts)
 * and its access state (access-clock.ts), kept up to date by the Database's
 * write, delete and lookup paths, so INFO memory and maxmemory read a running
 * total instead of walking the keyspace.
 */
import { defaultLfuTuning, newAccessState, recordAccess, type AccessState, type LfuTuning } from './access-clock'
import { bucketArraySize, keyUsage } from './memory-size'
import type { RedisValue } from './values'

interface KeyRecord extends AccessState {
  /** What this key is currently charged (MEMORY USAGE's figure). */
  bytes: number
}

export class KeyMemoryTable {
  private readonly records = new Map<string, KeyRecord>()
  private total = 0
  /** Shared with the server's MemoryManager, which follows lfu-log-factor / lfu-decay-time. */
  tuning: LfuTuning = defaultLfuTuning()

  constructor(private readonly now: () => number) {}

  /** A write stored or changed `key` (or removed it, when `value` is undefined): recharge it. */
  written(key: string, value: RedisValue | undefined): void {
    if (value === undefined) {
      this.removed(key)
      return
    }
    const bytes = keyUsage(key, value)
    const record = this.records.get(key)
    if (record === undefined) {
      this.records.set(key, { ...newAccessState(this.now()), bytes })
      this.total += bytes
      return
    }
    this.total += bytes - record.bytes
    record.bytes = bytes
    // A write is an access; the LFU counter survives an overwrite as dbOverwrite keeps it.
    record.lastAccess = this.now()
  }

  removed(key: string): void {
    const record = this.records.get(key)
    if (record === undefined) return
    this.total -= record.bytes
    this.records.delete(key)
  }

  /** A lookup read or wrote `key`: update its LRU clock and LFU counter. */
  touched(key: string): void {
    const record = this.records.get(key)
    if (record !== undefined) recordAccess(record, this.now(), this.tuning)
  }

  clear(): void {
    this.records.clear()
    this.total = 0
  }

  /** The access state of `key`, undefined when it has none (read-only use: OBJECT, eviction). */
  access(key: string): Readonly<AccessState> | undefined {
    return this.records.get(key)
  }

  /** What `key` is charged, 0 when unknown. */
  bytesOf(key: string): number {
    return this.records.get(key)?.bytes ?? 0
  }

  /** Keys' and values' bytes (MEMORY USAGE summed). */
  get datasetBytes(): number {
    return this.total
  }

  /** The main dict's bucket array (overhead.hashtable.main beyond the entries). */
  get tableBytes(): number {
    return bucketArraySize(this.records.size)
  }

  get count(): number {
    return this.records.size
  }
}
