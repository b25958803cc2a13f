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

/**
 * A key's record is either its own KeyRecord or, for a key stored by a bulk
 * load (an RDB) and not accessed since, just its charge in bytes: its access
 * state is then the table's `loadedState`, the same for every key of that load
 * (the load runs in one event-loop turn, so the per-key state would be equal
 * anyway). That saves an object per key on a million-key load; the record
 * becomes a KeyRecord of its own on its first access or write.
 */
type Entry = KeyRecord | number

export class KeyMemoryTable {
  private readonly records = new Map<string, Entry>()
  private total = 0
  /** The access state of every bare-number record; undefined when there are none yet. */
  private loadedState: AccessState | undefined
  /** Whether loaded() may store bare numbers (the table was empty when the bulk load began). */
  private bulkOpen = false
  /** Shared with the server's MemoryManager, which follows lfu-log-factor / lfu-decay-time. */
  tuning: LfuTuning = defaultLfuTuning()

  constructor(private readonly now: () => number) {}

  /**
   * A bulk load (an RDB) is about to store keys with loaded(): when the table
   * is empty they can share one access state taken now.
   */
  beginBulkLoad(): void {
    if (this.records.size === 0) {
      this.loadedState = newAccessState(this.now())
      this.bulkOpen = true
    } else this.bulkOpen = false
  }

  /** A bulk load stored the new key `key` (absent before): charge it, as written() would. */
  loaded(key: string, value: RedisValue): void {
    const bytes = keyUsage(key, value)
    this.total += bytes
    this.records.set(key, this.bulkOpen ? bytes : { ...newAccessState(this.now()), bytes })
  }

  /** A write stored or changed `key` (or removed it, when `value` is undefined): recharge it. */
  written(key: string, value: RedisValue | undefined): void {
    if (value === undefined) {
      this.removed(key)
      return
    }
    const bytes = keyUsage(key, value)
    const entry = this.records.get(key)
    if (entry === undefined) {
      this.records.set(key, { ...newAccessState(this.now()), bytes })
      this.total += bytes
      return
    }
    const record = typeof entry === 'number' ? this.materialize(key, entry) : entry
    this.total += bytes - record.bytes
    record.bytes = bytes
    // A write is an access; the LFU counter survives an overwrite as dbOverwrite keeps it.
    record.lastAccess = this.now()
  }

  removed(key: string): void {
    const entry = this.records.get(key)
    if (entry === undefined) return
    this.total -= typeof entry === 'number' ? entry : entry.bytes
    this.records.delete(key)
  }

  /** A lookup read or wrote `key`: update its LRU clock and LFU counter. */
  touched(key: string): void {
    const entry = this.records.get(key)
    if (entry === undefined) return
    recordAccess(typeof entry === 'number' ? this.materialize(key, entry) : entry, this.now(), this.tuning)
  }

  clear(): void {
    this.records.clear()
    this.total = 0
    this.loadedState = undefined
    this.bulkOpen = false
  }

  /**
   * The access state of `key`, undefined when it has none (OBJECT, eviction;
   * RESTORE's IDLETIME/FREQ hints write through it, so it is always the key's own).
   */
  access(key: string): Readonly<AccessState> | undefined {
    const entry = this.records.get(key)
    return typeof entry === 'number' ? this.materialize(key, entry) : entry
  }

  /** What `key` is charged, 0 when unknown. */
  bytesOf(key: string): number {
    const entry = this.records.get(key)
    if (entry === undefined) return 0
    return typeof entry === 'number' ? entry : entry.bytes
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

  /** Gives a bulk-loaded key a record of its own, starting from the load's shared access state. */
  private materialize(key: string, bytes: number): KeyRecord {
    const shared = this.loadedState ?? newAccessState(this.now())
    const record: KeyRecord = { lastAccess: shared.lastAccess, counter: shared.counter, decrementMinute: shared.decrementMinute, bytes }
    this.records.set(key, record)
    return record
  }
}
