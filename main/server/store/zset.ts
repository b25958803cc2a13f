/**
 * The sorted-set value: a member→score Map for O(1) ZSCORE plus a skiplist
 * with spans for order, rank and ranges (Redis's OBJ_ENCODING_SKIPLIST).
 *
 * Redis keeps small sets in a listpack instead; the difference is invisible on
 * the wire except through OBJECT ENCODING, so only the *name* of the encoding
 * is tracked here, with 7.0's rules for when it changes (zsetAdd converts to
 * skiplist once the set outgrows zset-max-listpack-entries/-value; nothing
 * converts back except the *STORE commands' zsetConvertToListpackIfNeeded).
 */
import { KeyState } from './key-state'
import { ScanTable } from './scan-table'
import { SkipList, type LexRange, type ScoreRange, type SkipNode } from './skiplist'

/** A member with its score, as range selections hand them out. */
export interface ZsetEntry {
  readonly member: string
  readonly score: number
}

export type ZsetEncoding = 'listpack' | 'skiplist'

/** zset-max-listpack-entries / zset-max-listpack-value. */
export interface ListpackLimits {
  readonly entries: number
  readonly value: number
}

export const DEFAULT_LISTPACK_LIMITS: ListpackLimits = { entries: 128, value: 64 }

/** ZADD's input flags (ZADD_IN_*). */
export interface ZaddFlags {
  readonly incr?: boolean
  readonly nx?: boolean
  readonly xx?: boolean
  readonly gt?: boolean
  readonly lt?: boolean
}

/** zsetAdd's outcome: ZADD_OUT_* plus the resulting score. */
export type ZaddResult =
  | { readonly kind: 'added'; readonly score: number }
  | { readonly kind: 'updated'; readonly score: number }
  | { readonly kind: 'unchanged'; readonly score: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'nan' }

export class ZSet extends KeyState {
  readonly type = 'zset' as const
  readonly dict = new Map<string, number>()
  readonly list = new SkipList()
  encoding: ZsetEncoding
  /**
   * Bucket layout for ZSCAN's cursor over a skiplist-encoded set, built on the
   * first ZSCAN and maintained from then on, so sets nobody scans pay nothing.
   */
  private scanTable: ScanTable | null = null

  constructor(encoding: ZsetEncoding = 'listpack') {
    super()
    this.encoding = encoding
  }

  get size(): number {
    return this.dict.size
  }

  score(member: string): number | undefined {
    return this.dict.get(member)
  }

  /** t_zset.c zsetAdd, including the listpack→skiplist conversion rule. */
  add(score: number, member: string, flags: ZaddFlags, limits: ListpackLimits): ZaddResult {
    if (Number.isNaN(score)) return { kind: 'nan' }
    const current = this.dict.get(member)
    if (current !== undefined) {
      if (flags.nx) return { kind: 'skipped' }
      let next = score
      if (flags.incr) {
        next = current + score
        if (Number.isNaN(next)) return { kind: 'nan' }
      }
      if ((flags.lt && next >= current) || (flags.gt && next <= current)) return { kind: 'skipped' }
      if (next === current) return { kind: 'unchanged', score: next }
      if (next === 0 && this.encoding === 'listpack') next = 0
      this.list.updateScore(current, member, next)
      this.dict.set(member, next)
      return { kind: 'updated', score: next }
    }
    if (flags.xx) return { kind: 'skipped' }
    if (this.encoding === 'listpack' && (this.dict.size + 1 > limits.entries || member.length > limits.value)) {
      this.encoding = 'skiplist'
    }
    this.insertNew(score, member)
    return { kind: 'added', score }
  }

  /** Adds a member known to be absent (set-operation results, ZRANGESTORE). */
  insertNew(score: number, member: string): void {
    // A listpack stores scores as text via d2string, which prints -0 as "0": the sign does not survive.
    if (score === 0 && this.encoding === 'listpack') score = 0
    this.dict.set(member, score)
    this.list.insert(score, member)
    this.scanTable?.add(member)
  }

  remove(member: string): boolean {
    const score = this.dict.get(member)
    if (score === undefined) return false
    this.dict.delete(member)
    this.list.delete(score, member)
    this.scanTable?.delete(member)
    return true
  }

  /** 0-based rank from the lowest score (or from the highest when `reverse`), undefined when absent. */
  rank(member: string, reverse = false): number | undefined {
    const score = this.dict.get(member)
    if (score === undefined) return undefined
    const r = this.list.rank(score, member) - 1
    return reverse ? this.size - 1 - r : r
  }

  /** The node at 0-based rank `index` in ascending order (NO_NODE when out of range). */
  at(index: number): SkipNode {
    return this.list.byRank(index + 1)
  }

  firstInScoreRange(range: ScoreRange): SkipNode {
    return this.list.firstInScoreRange(range)
  }

  lastInScoreRange(range: ScoreRange): SkipNode {
    return this.list.lastInScoreRange(range)
  }

  firstInLexRange(range: LexRange): SkipNode {
    return this.list.firstInLexRange(range)
  }

  lastInLexRange(range: LexRange): SkipNode {
    return this.list.lastInLexRange(range)
  }

  /** Removes the given entries (collected by a range walk) from both structures; returns how many. */
  removeEntries(nodes: readonly ZsetEntry[]): number {
    for (const n of nodes) {
      this.dict.delete(n.member)
      this.list.delete(n.score, n.member)
      this.scanTable?.delete(n.member)
    }
    return nodes.length
  }

  /** Members and scores in ascending order. */
  entries(): IterableIterator<[string, number]> {
    return this.list.entries()
  }

  /** One ZSCAN step over a skiplist-encoded set: dictScan's cursor and its at-least-once guarantee. */
  scanStep(cursor: number, count: number): { cursor: number; members: string[] } {
    if (this.scanTable === null) {
      this.scanTable = new ScanTable()
      for (const member of this.dict.keys()) this.scanTable.add(member)
    }
    const members: string[] = []
    let maxIterations = count * 10
    do {
      cursor = this.scanTable.scanBucket(cursor, (m) => members.push(m))
    } while (cursor !== 0 && maxIterations-- > 0 && members.length < count)
    return { cursor, members }
  }

  /** zsetConvertToListpackIfNeeded: what a *STORE destination is created as. */
  fitToEncoding(limits: ListpackLimits): void {
    if (this.encoding !== 'skiplist') return
    if (this.size > limits.entries) return
    for (const member of this.dict.keys()) if (member.length > limits.value) return
    this.encoding = 'listpack'
  }
}

/** OBJECT ENCODING of a zset value. */
export function zsetEncoding(value: ZSet): ZsetEncoding {
  return value.encoding
}
