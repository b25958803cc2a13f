/**
 * What Redis keeps in every robj beside the payload — the LRU clock and LFU
 * counter (access-clock.ts) — plus Tandem's running memory charge of the key
 * holding the value (memory-keys.ts). Every value type extends KeyState.
 *
 * Why on the value rather than in a table keyed by key name: that table was a
 * second Map beside the keyspace, so each new key cost a record object (and a
 * boxed number for its clock) plus a Map entry, and both Maps rehashed at the
 * same key counts — measured as the largest share of a replica's lag spikes
 * under a write load that creates keys. Here a key costs four small-integer
 * fields on an object it has anyway. It also gives Redis's semantics for
 * free: RENAME and MOVE carry the state with the value, as they carry the robj.
 */
import { LFU_INIT_VAL, lfuMinutes, type AccessState } from './access-clock'

/**
 * The clock is stored relative to the process's start so it stays a small
 * integer (V8 boxes a field holding a larger number in a heap object of its
 * own); `lastAccess` reads and writes it in ms since the epoch.
 */
const CLOCK_BASE = Date.now()

/** `counter` of a value that was never stored under a key. */
const NEVER_STORED = -1

export class KeyState implements AccessState {
  private accessedAt = 0
  /** 0..255 once stored (LFU); NEVER_STORED before. */
  counter = NEVER_STORED
  decrementMinute = 0
  /** What the key holding this value is charged (MEMORY USAGE's figure); 0 while not stored. */
  charge = 0
  /**
   * The last snapshot (persistence/snapshot.ts) that wrote this value, 0 for
   * none. A field declared here, not a property the snapshot adds: adding one
   * to each of a million values allocated a property array per value and
   * changed their hidden class mid-walk.
   */
  snapshotEpoch = 0

  /** Last access, ms since the epoch. */
  get lastAccess(): number {
    return this.accessedAt + CLOCK_BASE
  }

  set lastAccess(ms: number) {
    this.accessedAt = ms - CLOCK_BASE
  }

  /** Whether the value has been stored under a key (a moved value keeps its state, as a robj does). */
  get everStored(): boolean {
    return this.counter !== NEVER_STORED
  }

  /** A new key's state: accessed now, LFU_INIT_VAL so it is not evicted before it had a chance to be used. */
  startAccess(nowMs: number): void {
    this.accessedAt = nowMs - CLOCK_BASE
    this.counter = LFU_INIT_VAL
    this.decrementMinute = lfuMinutes(nowMs)
  }

  /** dbOverwrite: the LFU counter of the value replaced carries over to its replacement. */
  inheritAccess(previous: KeyState, nowMs: number): void {
    this.accessedAt = nowMs - CLOCK_BASE
    this.counter = previous.counter
    this.decrementMinute = previous.decrementMinute
  }
}
