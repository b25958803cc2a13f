/**
 * Per-key access metadata as evict.c keeps it in robj->lru: a last-access
 * clock for LRU (and OBJECT IDLETIME) and the logarithmic access counter for
 * LFU (and OBJECT FREQ), with Redis's constants and arithmetic. Tandem keeps
 * both for every key (Redis keeps one, by policy), so switching the policy at
 * runtime never reads one as the other.
 */

/** LFU_INIT_VAL: a new key starts here so it is not evicted before it had a chance to be used. */
export const LFU_INIT_VAL = 5
const LFU_COUNTER_MAX = 255
/** The decrement time is kept in 16 bits of minutes, as in Redis. */
const LFU_MINUTES_MASK = 65535

export interface LfuTuning {
  /** lfu-log-factor */
  logFactor: number
  /** lfu-decay-time, in minutes (0 = never decay) */
  decayMinutes: number
  /** rand()/RAND_MAX in [0, 1); replaceable so tests are deterministic. */
  random: () => number
}

export function defaultLfuTuning(): LfuTuning {
  return { logFactor: 10, decayMinutes: 1, random: Math.random }
}

/** What robj->lru holds, split: the LRU clock in ms and the LFU (counter, last decrement minute). */
export interface AccessState {
  /** Last access, ms since the epoch. */
  lastAccess: number
  /** 0..255 */
  counter: number
  /** LFUGetTimeInMinutes() when the counter was last decremented/incremented. */
  decrementMinute: number
}

/** LFUGetTimeInMinutes */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & LFU_MINUTES_MASK
}

/** LFUTimeElapsed: minutes since `minute`, across the 16-bit wrap. */
export function lfuMinutesElapsed(minute: number, nowMs: number): number {
  const now = lfuMinutes(nowMs)
  return now >= minute ? now - minute : LFU_MINUTES_MASK - minute + now
}

/** LFULogIncr: the more hits a key already has, the less likely one more counts. */
export function lfuLogIncr(counter: number, tuning: LfuTuning): number {
  if (counter >= LFU_COUNTER_MAX) return LFU_COUNTER_MAX
  const base = Math.max(0, counter - LFU_INIT_VAL)
  const p = 1 / (base * tuning.logFactor + 1)
  return tuning.random() < p ? counter + 1 : counter
}

/** LFUDecrAndReturn: the counter after one decrement per lfu-decay-time minutes idle (read-only). */
export function lfuDecayed(state: AccessState, nowMs: number, tuning: LfuTuning): number {
  const periods = tuning.decayMinutes > 0 ? Math.floor(lfuMinutesElapsed(state.decrementMinute, nowMs) / tuning.decayMinutes) : 0
  if (periods === 0) return state.counter
  return periods > state.counter ? 0 : state.counter - periods
}

/** updateLFU + the LRU clock update lookupKey does on every access. */
export function recordAccess(state: AccessState, nowMs: number, tuning: LfuTuning): void {
  state.lastAccess = nowMs
  state.counter = lfuLogIncr(lfuDecayed(state, nowMs, tuning), tuning)
  state.decrementMinute = lfuMinutes(nowMs)
}

/** estimateObjectIdleTime in ms (never negative: the clock is the cached per-turn one). */
export function idleMs(state: AccessState, nowMs: number): number {
  return Math.max(0, nowMs - state.lastAccess)
}
