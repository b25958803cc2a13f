/**
 * The snapshot engine: a point-in-time image of every database, taken while
 * the server keeps serving clients. Node has no fork(), so instead of the
 * kernel's copy-on-write pages this does copy-on-write per key.
 *
 * Interface (used by BGSAVE, by the AOF rewrite for its RDB preamble and
 * by replication for a full sync):
 *
 *   const snap = startSnapshot(server.databases, {
 *     writer: new RdbFileWriter(sink, { compression, checksum }),  // anything with header/selectDb/key/finish
 *     aux: standardAuxFields({ … }),
 *     onDone(err) { … },        // after writer.finish() (err undefined), or on the first error
 *   })
 *   snap.cancel()               // stop early (client gone, SHUTDOWN …): onDone is not called
 *   snap.inProgress             // false once done, failed or cancelled
 *
 * `sliceMs` (default 3) bounds the work per event-loop turn; between slices
 * the walk yields with setImmediate so clients are served.
 * `keyDelayUs` is Redis's `rdb-key-save-delay` (a testing knob: a save that
 * stays in progress long enough to write under it). Redis sleeps in its fork
 * child; here the walk owes the time and waits it out between slices with a
 * timer, so the server keeps serving meanwhile.
 * `runSnapshotSync` writes the same image in one go (the AOF base written at start-up).
 *
 * How the image stays point-in-time:
 * - Each database is walked through its keyspace Map iterator, which stays
 *   valid while keys are added and removed (keys added later are visited
 *   too, and skipped as explained below).
 * - Every write path of store/database.ts calls `writeGuards` BEFORE it
 *   touches a key — lookupWrite/lookupRead (the value may be mutated in place
 *   next: list pushes, hash/zset/set updates …), set, overwrite, delete,
 *   expiry, setExpire/removeExpire. That is the single choke point every
 *   command family passes through, so no family needs snapshot code.
 * - The guard, for a key the walk has not written yet: if the key does not
 *   exist, it was created after the snapshot began → remembered as "absent"
 *   and never saved; if it is in the database being walked now → written at
 *   once (it had to be written anyway, so this costs nothing extra); if it is
 *   in a later database → a deep copy (with its TTL) is kept and written when
 *   the walk reaches that database.
 * - FLUSHDB/FLUSHALL/SWAPDB (flushingListeners) hand every unwritten key of
 *   the database over by reference (no copy: O(1) per key); should one of
 *   those value objects reach the keyspace again (SWAPDB moves them) and be
 *   about to change in place, the guard copies it first.
 */
import type { Database, RedisValue } from '../store/database'
import { keyBuffer } from '../store/database'
import { fromPortable, toPortable } from './value-bridge'

/** What the engine needs from a writer: RdbFileWriter (rdb-file.ts) satisfies it. */
export interface SnapshotKeyWriter {
  header(aux: readonly (readonly [string, string])[]): void
  selectDb(index: number, size: number, expiresSize: number): void
  key(key: Buffer, value: RedisValue, expireAtMs: number | undefined): void
  finish(): void
}

export interface SnapshotOptions {
  readonly writer: SnapshotKeyWriter
  readonly aux: readonly (readonly [string, string])[]
  /** Work per event-loop turn, in ms (default 3). */
  readonly sliceMs?: number
  /**
   * `rdb-key-save-delay`: µs to wait per key the walk writes; negative -N
   * waits 1 µs for one key in N, as Redis's debugDelay. Default 0.
   */
  readonly keyDelayUs?: number
  /** Called once: without an error after writer.finish(), or with the first error. Never after cancel(). */
  onDone(err?: Error): void
}

export interface SnapshotHandle {
  /** performance.now() when the snapshot began. */
  readonly startedAt: number
  readonly inProgress: boolean
  /** Keys written so far. */
  readonly keysWritten: number
  cancel(): void
}

/** A key's value and TTL as they were when the snapshot began. */
interface Preserved {
  value: RedisValue
  readonly expireAt: number | undefined
}

/** Per database: the walk's progress and the keys settled before the walk reached them. */
interface DbState {
  readonly db: Database
  /** Empty at the start: nothing to write, nothing to guard. */
  finished: boolean
  /**
   * FLUSHDB/FLUSHALL/SWAPDB handed every unsettled key over (preserved): the
   * image of this db is complete, and its keyspace — emptied, or another db's
   * contents after SWAPDB — is no longer walked or guarded.
   */
  handedOver: boolean
  /** Keys settled before the walk reached them: their old value to write, or null (created after the start, or written already). */
  readonly preserved: Map<string, Preserved | null>
}

/**
 * "Written by snapshot N" is stamped on the value object itself
 * (KeyState.snapshotEpoch) rather than kept in a Set of written keys: a
 * million-entry Set costs more than the whole RDB encoding (its growth and
 * GC), a stamp is one store into a field the value has anyway. A value
 * carries the stamp of the latest snapshot that wrote it; epochs never
 * repeat, so stale stamps mean nothing.
 */
let lastEpoch = 0

/** A deep copy through the portable form the RDB codec uses (a type it cannot save is kept as is and fails at write). */
export function cloneValue(value: RedisValue): RedisValue {
  const portable = toPortable(value)
  if (portable === null) return value
  return fromPortable(portable) ?? value
}

class Snapshot implements SnapshotHandle {
  readonly startedAt = performance.now()
  inProgress = true
  keysWritten = 0
  private readonly states: DbState[]
  private readonly epoch = ++lastEpoch
  /** The database being walked now (index into states). */
  private current = -1
  /** Value objects handed over by reference (flush): copied before an in-place change. */
  private readonly shared = new Map<RedisValue, Preserved>()
  private readonly walk: Generator<void, void, void>
  /** True while the walk runs (a generator cannot be closed from inside itself). */
  private walking = false
  private deadline = 0
  /** Keys written since the walk last read the clock. */
  private sinceClockCheck = 0
  private readonly sliceMs: number
  private readonly keyDelayUs: number
  /** Delay (rdb-key-save-delay) owed by the keys written since the last wait, in µs. */
  private owedUs = 0
  private readonly guard = (db: Database, key: string): void => this.beforeWrite(db, key)
  private readonly flushGuard = (db: Database): void => this.beforeFlush(db)

  constructor(
    databases: readonly Database[],
    private readonly options: SnapshotOptions,
  ) {
    this.sliceMs = options.sliceMs ?? 3
    this.keyDelayUs = options.keyDelayUs ?? 0
    this.states = databases.map((db) => ({
      db,
      finished: db.storedKeyCount === 0,
      handedOver: false,
      preserved: new Map<string, Preserved | null>(),
    }))
    for (const { db } of this.states) {
      db.writeGuards.push(this.guard)
      db.flushingListeners.push(this.flushGuard)
    }
    this.walk = this.walkAll()
  }

  /** Runs one slice; true when the walk is over. */
  step(budgetMs: number): boolean {
    this.deadline = performance.now() + budgetMs
    try {
      this.walking = true
      let done: boolean | undefined
      try {
        done = this.walk.next().done
      } finally {
        this.walking = false
      }
      if (!this.inProgress) {
        // Cancelled during the step (onDone is not called after a cancel).
        this.walk.return()
        return true
      }
      if (!done) return false
      this.detach()
      this.options.onDone()
    } catch (err) {
      this.detach()
      this.options.onDone(err instanceof Error ? err : new Error(String(err)))
    }
    return true
  }

  schedule(): void {
    const next = (): void => {
      if (!this.inProgress) return
      if (!this.step(this.sliceMs)) this.schedule()
    }
    const waitMs = this.takeOwedMs()
    if (waitMs > 0) setTimeout(next, waitMs)
    else setImmediate(next)
  }

  /** The whole milliseconds of key delay owed, now considered paid. */
  private takeOwedMs(): number {
    const ms = Math.floor(this.owedUs / 1000)
    this.owedUs -= ms * 1000
    return ms
  }

  cancel(): void {
    if (this.inProgress) this.detach()
  }

  private detach(): void {
    this.inProgress = false
    // A cancelled walk closes its keyspace iterator: an open one holds off the Dict's compaction.
    // A generator cannot be closed from inside itself: a cancel during a step is finished by step().
    if (!this.walking) this.walk.return()
    for (const { db } of this.states) {
      removeItem(db.writeGuards, this.guard)
      removeItem(db.flushingListeners, this.flushGuard)
    }
    this.shared.clear()
  }

  private *walkAll(): Generator<void, void, void> {
    const { writer } = this.options
    writer.header(this.options.aux)
    for (let i = 0; i < this.states.length; i++) {
      const state = this.states[i]
      if (state.finished) continue
      this.current = i
      writer.selectDb(state.db.index, state.db.storedKeyCount, state.db.volatileCount)
      for (const [key, value] of state.db.entries()) {
        // After SWAPDB this iterator walks the other db's keyspace: everything left is in `preserved`.
        if (state.handedOver) break
        if (value.snapshotEpoch === this.epoch || state.preserved.has(key)) continue
        this.write(key, value, state.db.getExpire(key))
        if (this.pauseAfterKey()) yield
      }
      for (const [key, kept] of state.preserved) {
        if (kept === null) continue
        this.shared.delete(kept.value)
        writer.key(keyBuffer(key), kept.value, kept.expireAt)
        this.keysWritten++
        state.preserved.set(key, null)
        if (this.pauseAfterKey()) yield
      }
      state.finished = true
      state.preserved.clear()
    }
    this.current = -1
    writer.finish()
  }

  /** After each key the walk writes: true when it should yield (a millisecond of key delay owed, or the slice used up). */
  private pauseAfterKey(): boolean {
    const us = this.keyDelayUs
    if (us !== 0) {
      // debugDelay's rule: -N waits 1 µs for one key in N.
      if (us > 0) this.owedUs += us
      else if (Math.floor(Math.random() * -us) === 0) this.owedUs += 1
      if (this.owedUs >= 1000) return true
    }
    // The clock is read every 64 keys only.
    if (++this.sinceClockCheck < 64) return false
    this.sinceClockCheck = 0
    return performance.now() >= this.deadline
  }

  private write(key: string, value: RedisValue, expireAt: number | undefined): void {
    this.options.writer.key(keyBuffer(key), value, expireAt)
    value.snapshotEpoch = this.epoch
    this.keysWritten++
  }

  /** The copy-on-write hook: runs before any write touches `key` in `db`. */
  private beforeWrite(db: Database, key: string): void {
    const value = db.peek(key)
    if (value !== undefined && this.shared.size !== 0) {
      const kept = this.shared.get(value)
      if (kept !== undefined) {
        kept.value = cloneValue(value)
        this.shared.delete(value)
      }
    }
    const state = this.states[db.index]
    if (state === undefined || state.db !== db || state.finished || state.handedOver) return
    if (state.preserved.has(key)) return
    if (value === undefined) {
      // Absent now and never settled: it did not exist when the snapshot began.
      state.preserved.set(key, null)
      return
    }
    // A stamped value was written already, under this key: every move of a value to another key settles that key first.
    // Settle the key too: the write may re-insert it (delete + set may put it in a slot the walk has yet to reach) with a
    // new, unstamped value object that the walk would otherwise reach and write a second time (duplicate key, unloadable file).
    if (value.snapshotEpoch === this.epoch) {
      state.preserved.set(key, null)
      return
    }
    const expireAt = db.getExpire(key)
    if (state === this.states[this.current]) {
      this.write(key, value, expireAt)
      // Settled: the key may get a new (unstamped) value object before the walk reaches it.
      state.preserved.set(key, null)
      return
    }
    state.preserved.set(key, { value: cloneValue(value), expireAt })
  }

  /** FLUSHDB/FLUSHALL/SWAPDB are about to empty `db`: keep every unwritten key by reference. */
  private beforeFlush(db: Database): void {
    const state = this.states[db.index]
    if (state === undefined || state.db !== db || state.finished || state.handedOver) return
    for (const [key, value] of db.entries()) {
      if (value.snapshotEpoch === this.epoch || state.preserved.has(key)) continue
      const kept: Preserved = { value, expireAt: db.getExpire(key) }
      state.preserved.set(key, kept)
      this.shared.set(value, kept)
    }
    state.handedOver = true
  }
}

function removeItem<T>(list: T[], item: T): void {
  const at = list.indexOf(item)
  if (at >= 0) list.splice(at, 1)
}

/** Starts a snapshot walked in slices across event-loop turns (BGSAVE, AOF rewrite, full sync). */
export function startSnapshot(databases: readonly Database[], options: SnapshotOptions): SnapshotHandle {
  const snapshot = new Snapshot(databases, options)
  snapshot.schedule()
  return snapshot
}

/** The same image written in one go, blocking (the AOF base at start-up). Throws the writer's error. */
export function runSnapshotSync(
  databases: readonly Database[],
  options: Omit<SnapshotOptions, 'onDone' | 'sliceMs' | 'keyDelayUs'>,
): void {
  let failure: Error | undefined
  const snapshot = new Snapshot(databases, { ...options, onDone: (err) => (failure = err) })
  while (!snapshot.step(Infinity)) {
    // A single step with an infinite budget never yields; the loop only guards the contract.
  }
  if (failure) throw failure
}
