/**
 * t_zset.c's skiplist: nodes ordered by (score, member bytes), every forward
 * link carrying its span (how many level-0 steps it jumps) so rank queries and
 * rank-indexed access are O(log n) like ZRANK and ZRANGE on a skiplist zset.
 *
 * Members are latin1 strings (one char per byte), so JS string comparison is
 * exactly memcmp order on the member bytes — Redis's tie-break for equal scores.
 *
 * The list knows nothing about the member→score dictionary: callers (zset.ts)
 * keep both in step, as zsetAdd/zsetRemoveFromSkiplist do.
 */

export const SKIPLIST_MAXLEVEL = 32
const SKIPLIST_P = 0.25

export class SkipNode {
  backward: SkipNode | null = null
  readonly forward: (SkipNode | null)[]
  readonly span: number[]

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    this.forward = new Array<SkipNode | null>(level).fill(null)
    this.span = new Array<number>(level).fill(0)
  }

  get next(): SkipNode | null {
    return this.forward[0]
  }
}

/** zrangespec: a score interval, each end inclusive or exclusive. */
export interface ScoreRange {
  readonly min: number
  readonly max: number
  readonly minex: boolean
  readonly maxex: boolean
}

/** One end of a lex interval: `-`/`+` (the open ends) or a member, inclusive (`[`) or exclusive (`(`). */
export type LexBound = { readonly kind: 'min' } | { readonly kind: 'max' } | { readonly kind: 'value'; readonly value: string; readonly exclusive: boolean }

export interface LexRange {
  readonly min: LexBound
  readonly max: LexBound
}

export function valueGteMin(value: number, range: ScoreRange): boolean {
  return range.minex ? value > range.min : value >= range.min
}

export function valueLteMax(value: number, range: ScoreRange): boolean {
  return range.maxex ? value < range.max : value <= range.max
}

/** zslLexValueGteMin */
export function lexGteMin(value: string, range: LexRange): boolean {
  const b = range.min
  if (b.kind === 'min') return true
  if (b.kind === 'max') return false
  return b.exclusive ? value > b.value : value >= b.value
}

/** zslLexValueLteMax */
export function lexLteMax(value: string, range: LexRange): boolean {
  const b = range.max
  if (b.kind === 'max') return true
  if (b.kind === 'min') return false
  return b.exclusive ? value < b.value : value <= b.value
}

/** True when no member can be in the score range (zslIsInRange's first test). */
export function scoreRangeIsEmpty(range: ScoreRange): boolean {
  return range.min > range.max || (range.min === range.max && (range.minex || range.maxex))
}

/** zslParseLexRange's emptiness test: min > max, or equal with an exclusive end. */
export function lexRangeIsEmpty(range: LexRange): boolean {
  const { min, max } = range
  if (min.kind === 'max' || max.kind === 'min') return true
  if (min.kind === 'value' && max.kind === 'value') {
    if (min.value > max.value) return true
    if (min.value === max.value && (min.exclusive || max.exclusive)) return true
  }
  return false
}

/**
 * Scratch space for the search paths of insert/delete/update: the list is
 * only used from the single JS thread and no call re-enters another, so one
 * pair of arrays serves every list and no operation allocates them.
 */
const scratchUpdate = new Array<SkipNode>(SKIPLIST_MAXLEVEL)
const scratchRank = new Array<number>(SKIPLIST_MAXLEVEL).fill(0)

function lessThan(score: number, member: string, node: SkipNode): boolean {
  return node.score < score || (node.score === score && node.member < member)
}

export class SkipList {
  readonly header = new SkipNode('', 0, SKIPLIST_MAXLEVEL)
  tail: SkipNode | null = null
  length = 0
  level = 1

  private randomLevel(): number {
    let level = 1
    while (level < SKIPLIST_MAXLEVEL && Math.random() < SKIPLIST_P) level++
    return level
  }

  /** zslInsert: the member must not already be present (the dictionary guarantees it). */
  insert(score: number, member: string): SkipNode {
    return this.link(score, member, null)
  }

  /** zslInsert's body; `reuse` is a node unlinked by updateScore, re-linked with its own level as Redis does. */
  private link(score: number, member: string, reuse: SkipNode | null): SkipNode {
    const update = scratchUpdate
    const rank = scratchRank
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]
      let f = x.forward[i]
      while (f !== null && lessThan(score, member, f)) {
        rank[i] += x.span[i]
        x = f
        f = x.forward[i]
      }
      update[i] = x
    }
    const level = reuse === null ? this.randomLevel() : reuse.forward.length
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0
        update[i] = this.header
        update[i].span[i] = this.length
      }
      this.level = level
    }
    const node = reuse ?? new SkipNode(member, score, level)
    node.score = score
    for (let i = 0; i < level; i++) {
      node.forward[i] = update[i].forward[i]
      update[i].forward[i] = node
      node.span[i] = update[i].span[i] - (rank[0] - rank[i])
      update[i].span[i] = rank[0] - rank[i] + 1
    }
    for (let i = level; i < this.level; i++) update[i].span[i]++
    node.backward = update[0] === this.header ? null : update[0]
    if (node.forward[0] !== null) node.forward[0].backward = node
    else this.tail = node
    this.length++
    return node
  }

  /** zslDelete: true when the (score, member) node was found and removed. */
  delete(score: number, member: string): boolean {
    const update = scratchUpdate
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && lessThan(score, member, f)) {
        x = f
        f = x.forward[i]
      }
      update[i] = x
    }
    const target = x.forward[0]
    if (target === null || target.score !== score || target.member !== member) return false
    this.unlink(target, update)
    return true
  }

  /**
   * zslUpdateScore: moves the node to its new place. When the order does not
   * change the node is updated in place, as Redis does, which keeps a score
   * update of a million-member set cheap.
   */
  updateScore(current: number, member: string, next: number): SkipNode {
    const update = scratchUpdate
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && lessThan(current, member, f)) {
        x = f
        f = x.forward[i]
      }
      update[i] = x
    }
    const node = x.forward[0]
    if (node === null || node.score !== current || node.member !== member) throw new Error('skiplist: updateScore of a missing node')
    const after = node.forward[0]
    if ((node.backward === null || node.backward.score < next) && (after === null || after.score > next)) {
      node.score = next
      return node
    }
    this.unlink(node, update)
    return this.link(next, member, node)
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      if (update[i].forward[i] === x) {
        update[i].span[i] += x.span[i] - 1
        update[i].forward[i] = x.forward[i]
      } else {
        update[i].span[i]--
      }
    }
    const f = x.forward[0]
    if (f !== null) f.backward = x.backward
    else this.tail = x.backward
    while (this.level > 1 && this.header.forward[this.level - 1] === null) this.level--
    this.length--
  }

  /** zslGetRank: 1-based rank of the node, 0 when absent. */
  rank(score: number, member: string): number {
    let rank = 0
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.span[i]
        x = f
        f = x.forward[i]
      }
      if (x !== this.header && x.member === member) return rank
    }
    return 0
  }

  /** zslGetElementByRank: 1-based. */
  byRank(rank: number): SkipNode | null {
    if (rank < 1 || rank > this.length) return null
    let traversed = 0
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && traversed + x.span[i] <= rank) {
        traversed += x.span[i]
        x = f
        f = x.forward[i]
      }
      if (traversed === rank) return x
    }
    return null
  }

  get first(): SkipNode | null {
    return this.header.forward[0]
  }

  /** zslFirstInRange */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.overlapsScore(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && !valueGteMin(f.score, range)) {
        x = f
        f = x.forward[i]
      }
    }
    const node = x.forward[0]
    return node !== null && valueLteMax(node.score, range) ? node : null
  }

  /** zslLastInRange */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.overlapsScore(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && valueLteMax(f.score, range)) {
        x = f
        f = x.forward[i]
      }
    }
    return x !== this.header && valueGteMin(x.score, range) ? x : null
  }

  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.overlapsLex(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f
        f = x.forward[i]
      }
    }
    const node = x.forward[0]
    return node !== null && lexLteMax(node.member, range) ? node : null
  }

  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.overlapsLex(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forward[i]
      while (f !== null && lexLteMax(f.member, range)) {
        x = f
        f = x.forward[i]
      }
    }
    return x !== this.header && lexGteMin(x.member, range) ? x : null
  }

  /** 1-based rank of a node known to be in the list (rank() by its own key). */
  rankOf(node: SkipNode): number {
    return this.rank(node.score, node.member)
  }

  private overlapsScore(range: ScoreRange): boolean {
    if (scoreRangeIsEmpty(range)) return false
    const last = this.tail
    const first = this.header.forward[0]
    if (last === null || first === null) return false
    return valueGteMin(last.score, range) && valueLteMax(first.score, range)
  }

  private overlapsLex(range: LexRange): boolean {
    if (lexRangeIsEmpty(range)) return false
    const last = this.tail
    const first = this.header.forward[0]
    if (last === null || first === null) return false
    return lexGteMin(last.member, range) && lexLteMax(first.member, range)
  }

  /** Members in order (tests, persistence). */
  *entries(): IterableIterator<[string, number]> {
    for (let x = this.header.forward[0]; x !== null; x = x.forward[0]) yield [x.member, x.score]
  }
}
