/**
 * One database's memory bookkeeping: what every key is charged (memory-size.ts)
 * and its access state (access-clock.ts), kept up to date by the Database's
 * write, delete and lookup paths, so INFO memory and maxmemory read a running
 * total instead of walking the keyspace.
 */
import { defaultLfuTuning, LFU_INIT_VAL, lfuMinutes, newAccessState, recordAccess, type AccessState, type LfuTuning } from './access-clock'
import { bucketArraySize, keyUsage } from './memory-size'
import type { RedisValue } from './values'

/**
 * A class, not `{ ...accessState, bytes }`: a spread literal gave every record
 * a hidden class of its own (map + descriptor array, ~200 bytes per key more
 * than the record itself, and that much more for the GC to copy per new key).
 */
class KeyRecord implements AccessState {
  constructor(
    public lastAccess: number,
    public counter: number,
    public decrementMinute: number,
    /** What this key is currently charged (MEMORY USAGE's figure). */
    public bytes: number,
  ) {}

  static fresh(nowMs: number, bytes: number): KeyRecord {
    return new KeyRecord(nowMs, LFU_INIT_VAL, lfuMinutes(nowMs), bytes)
  }
}

/**
 * A key's record is either its own KeyRecord or, for a key stored by a bulk
 * load (an RDB) and not accessed since, just its charge in bytes: its access
 * state is then the table's `loadedState`, the same for every key of that load
 * (the load runs in one event-loop turn, so the per-key state would be equal
 * anyway). That saves an object per key on a million-key load; the record
 * becomes a KeyRecord of its own on its first access or write.
 *
 * A bulk-loaded STRING key goes further: it has no entry at all (an
 * "implicit" key, saving a Map insert per key). Its charge is keyUsage of its
 * value in the database's dict, which cannot drift: string values are never
 * changed in place (a write stores a new StringValue), and the Database calls
 * settle() before it replaces or deletes a key, which gives an implicit key
 * its number entry from the value still stored. So that "in the dict without
 * an entry" always means implicit, the Database calls added() as it inserts
 * any other new key.
 */
type Entry = KeyRecord | number

export class KeyMemoryTable {
  private readonly records = new Map<string, Entry>()
  private total = 0
  /** The access state of every bare-number record; undefined when there are none yet. */
  private loadedState: AccessState | undefined
  /** Whether loaded() may store bare numbers (the table was empty when the bulk load began). */
  private bulkOpen = false
  /** Keys of `values` with no entry in `records` (bulk-loaded strings never settled). */
  private implicitCount = 0
  /** Shared with the server's MemoryManager, which follows lfu-log-factor / lfu-decay-time. */
  tuning: LfuTuning = defaultLfuTuning()

  constructor(
    private readonly now: () => number,
    /** The database's dict this table charges (travels with it on SWAPDB). */
    private readonly values: ReadonlyMap<string, RedisValue>,
  ) {}

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
    if (!this.bulkOpen) this.records.set(key, KeyRecord.fresh(this.now(), bytes))
    else if (value.type === 'string') this.implicitCount++
    else this.records.set(key, bytes)
  }

  /**
   * `key` is about to be replaced or deleted: an implicit key gets its number
   * entry now, from the value still stored (the Database calls this before it
   * changes its dict).
   */
  settle(key: string): void {
    if (this.implicitCount === 0 || this.records.has(key)) return
    const value = this.values.get(key)
    if (value === undefined) return
    this.records.set(key, keyUsage(key, value))
    this.implicitCount--
  }

  /** Recomputes the implicit keys and the total from scratch (after a corrupt load replaced a key unsettled). */
  recount(): void {
    let total = 0
    let implicit = 0
    for (const entry of this.records.values()) total += typeof entry === 'number' ? entry : entry.bytes
    for (const [key, value] of this.values) {
      if (this.records.has(key)) continue
      total += keyUsage(key, value)
      implicit++
    }
    this.total = total
    this.implicitCount = implicit
  }

  /**
   * The Database inserted the new key `key` (not by a bulk load): its record
   * starts now, charged 0 until the written() that follows.
   */
  added(key: string): void {
    this.records.set(key, KeyRecord.fresh(this.now(), 0))
  }

  /** A write stored or changed `key` (or removed it, when `value` is undefined): recharge it. */
  written(key: string, value: RedisValue | undefined): void {
    if (value === undefined) {
      this.removed(key)
      return
    }
    // An implicit key signalled without being replaced (EXPIRE on a loaded string …): its entry first.
    if (this.implicitCount !== 0) this.settle(key)
    const bytes = keyUsage(key, value)
    const entry = this.records.get(key)
    if (entry === undefined) {
      this.records.set(key, KeyRecord.fresh(this.now(), bytes))
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
    const entry = this.entry(key)
    if (entry === undefined) return
    recordAccess(typeof entry === 'number' ? this.materialize(key, entry) : entry, this.now(), this.tuning)
  }

  clear(): void {
    this.records.clear()
    this.total = 0
    this.loadedState = undefined
    this.bulkOpen = false
    this.implicitCount = 0
  }

  /**
   * The access state of `key`, undefined when it has none (OBJECT, eviction;
   * RESTORE's IDLETIME/FREQ hints write through it, so it is always the key's own).
   */
  access(key: string): Readonly<AccessState> | undefined {
    const entry = this.entry(key)
    return typeof entry === 'number' ? this.materialize(key, entry) : entry
  }

  /** What `key` is charged, 0 when unknown. */
  bytesOf(key: string): number {
    const entry = this.entry(key)
    if (entry === undefined) return 0
    return typeof entry === 'number' ? entry : entry.bytes
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
    return this.records.size + this.implicitCount
  }

  /** The entry of `key`, an implicit key's charge computed from its stored value. */
  private entry(key: string): Entry | undefined {
    const entry = this.records.get(key)
    if (entry !== undefined || this.implicitCount === 0) return entry
    const value = this.values.get(key)
    return value === undefined ? undefined : keyUsage(key, value)
  }

  /** Gives a bulk-loaded key a record of its own, starting from the load's shared access state. */
  private materialize(key: string, bytes: number): KeyRecord {
    const shared = this.loadedState ?? newAccessState(this.now())
    const record = new KeyRecord(shared.lastAccess, shared.counter, shared.decrementMinute, bytes)
    if (this.implicitCount !== 0 && !this.records.has(key)) this.implicitCount--
    this.records.set(key, record)
    return record
  }
}
