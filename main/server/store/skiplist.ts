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

/**
 * Three slots per level: `links[3*i]` is the forward pointer at level i,
 * `links[3*i+1]` its span and `links[3*i+2]` a copy of the forward node's score.
 * One array instead of separate forward/span arrays saves an object per node;
 * the score copy lets a search decide whether to step without touching the
 * next node at all, so on a million-member set each step costs one cache miss
 * (this array) instead of two (the next node, then its array) — what Redis gets
 * from a node with its levels inline. Every write of a forward pointer writes
 * the copy too, and an in-place score change rewrites the copies pointing at it.
 */
type Link = SkipNode | number | null

export class SkipNode {
  backward: SkipNode | null = null
  readonly links: Link[]

  constructor(
    public member: string,
    public score: number,
    level: number,
  ) {
    const links = new Array<Link>(level * 3)
    for (let i = 0; i < links.length; i += 3) {
      links[i] = null
      links[i + 1] = 0
      links[i + 2] = 0
    }
    this.links = links
  }

  /** How many levels the node takes part in. */
  get height(): number {
    return (this.links.length / 3) | 0
  }

  forwardAt(level: number): SkipNode | null {
    return this.links[level * 3] as SkipNode | null
  }

  spanAt(level: number): number {
    return this.links[level * 3 + 1] as number
  }

  get next(): SkipNode | null {
    return this.links[0] as SkipNode | null
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
    let r = 0
    for (let i = this.level - 1; i >= 0; i--) {
      let xl = x.links
      let f = xl[i * 3] as SkipNode | null
      // Scores (copied into the link) decide almost every step; member bytes only on a tie.
      while (f !== null) {
        const fs = xl[i * 3 + 2] as number
        if (!(fs < score || (fs === score && f.member < member))) break
        r += xl[i * 3 + 1] as number
        x = f
        xl = f.links
        f = xl[i * 3] as SkipNode | null
      }
      rank[i] = r
      update[i] = x
    }
    const level = reuse === null ? this.randomLevel() : reuse.height
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0
        update[i] = this.header
        update[i].links[i * 3 + 1] = this.length
      }
      this.level = level
    }
    const node = reuse ?? new SkipNode(member, score, level)
    node.score = score
    const links = node.links
    const rank0 = rank[0]
    for (let i = 0; i < level; i++) {
      const prev = update[i].links
      links[i * 3] = prev[i * 3]
      links[i * 3 + 2] = prev[i * 3 + 2]
      prev[i * 3] = node
      prev[i * 3 + 2] = score
      links[i * 3 + 1] = (prev[i * 3 + 1] as number) - (rank0 - rank[i])
      prev[i * 3 + 1] = rank0 - rank[i] + 1
    }
    for (let i = level; i < this.level; i++) {
      const prev = update[i].links
      prev[i * 3 + 1] = (prev[i * 3 + 1] as number) + 1
    }
    node.backward = update[0] === this.header ? null : update[0]
    const after = links[0] as SkipNode | null
    if (after !== null) after.backward = node
    else this.tail = node
    this.length++
    return node
  }

  /** zslDelete: true when the (score, member) node was found and removed. */
  delete(score: number, member: string): boolean {
    const update = scratchUpdate
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let xl = x.links
      let f = xl[i * 3] as SkipNode | null
      while (f !== null) {
        const fs = xl[i * 3 + 2] as number
        if (!(fs < score || (fs === score && f.member < member))) break
        x = f
        xl = f.links
        f = xl[i * 3] as SkipNode | null
      }
      update[i] = x
    }
    const target = x.forwardAt(0)
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
      let xl = x.links
      let f = xl[i * 3] as SkipNode | null
      while (f !== null) {
        const fs = xl[i * 3 + 2] as number
        if (!(fs < current || (fs === current && f.member < member))) break
        x = f
        xl = f.links
        f = xl[i * 3] as SkipNode | null
      }
      update[i] = x
    }
    const node = x.forwardAt(0)
    if (node === null || node.score !== current || node.member !== member) throw new Error('skiplist: updateScore of a missing node')
    const after = node.forwardAt(0)
    if ((node.backward === null || node.backward.score < next) && (after === null || after.score > next)) {
      node.score = next
      // update[i] links to the node at every level it has: refresh their score copies.
      for (let i = 0, h = node.height; i < h; i++) update[i].links[i * 3 + 2] = next
      return node
    }
    this.unlink(node, update)
    return this.link(next, member, node)
  }

  private unlink(x: SkipNode, update: SkipNode[]): void {
    for (let i = 0; i < this.level; i++) {
      const prev = update[i].links
      if (prev[i * 3] === x) {
        prev[i * 3 + 1] = (prev[i * 3 + 1] as number) + x.spanAt(i) - 1
        prev[i * 3] = x.links[i * 3]
        prev[i * 3 + 2] = x.links[i * 3 + 2]
      } else {
        prev[i * 3 + 1] = (prev[i * 3 + 1] as number) - 1
      }
    }
    const f = x.forwardAt(0)
    if (f !== null) f.backward = x.backward
    else this.tail = x.backward
    while (this.level > 1 && this.header.forwardAt(this.level - 1) === null) this.level--
    this.length--
  }

  /** zslGetRank: 1-based rank of the node, 0 when absent. */
  rank(score: number, member: string): number {
    let rank = 0
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forwardAt(i)
      while (f !== null && (f.score < score || (f.score === score && f.member <= member))) {
        rank += x.spanAt(i)
        x = f
        f = x.forwardAt(i)
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
      let f = x.forwardAt(i)
      while (f !== null && traversed + x.spanAt(i) <= rank) {
        traversed += x.spanAt(i)
        x = f
        f = x.forwardAt(i)
      }
      if (traversed === rank) return x
    }
    return null
  }

  get first(): SkipNode | null {
    return this.header.forwardAt(0)
  }

  /** zslFirstInRange */
  firstInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.overlapsScore(range)) return null
    const min = range.min
    const minex = range.minex
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let xl = x.links
      let f = xl[i * 3] as SkipNode | null
      while (f !== null) {
        const fs = xl[i * 3 + 2] as number
        if (minex ? fs > min : fs >= min) break
        x = f
        xl = f.links
        f = xl[i * 3] as SkipNode | null
      }
    }
    const node = x.forwardAt(0)
    return node !== null && valueLteMax(node.score, range) ? node : null
  }

  /** zslLastInRange */
  lastInScoreRange(range: ScoreRange): SkipNode | null {
    if (!this.overlapsScore(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forwardAt(i)
      while (f !== null && valueLteMax(f.score, range)) {
        x = f
        f = x.forwardAt(i)
      }
    }
    return x !== this.header && valueGteMin(x.score, range) ? x : null
  }

  firstInLexRange(range: LexRange): SkipNode | null {
    if (!this.overlapsLex(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forwardAt(i)
      while (f !== null && !lexGteMin(f.member, range)) {
        x = f
        f = x.forwardAt(i)
      }
    }
    const node = x.forwardAt(0)
    return node !== null && lexLteMax(node.member, range) ? node : null
  }

  lastInLexRange(range: LexRange): SkipNode | null {
    if (!this.overlapsLex(range)) return null
    let x = this.header
    for (let i = this.level - 1; i >= 0; i--) {
      let f = x.forwardAt(i)
      while (f !== null && lexLteMax(f.member, range)) {
        x = f
        f = x.forwardAt(i)
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
    const first = this.header.forwardAt(0)
    if (last === null || first === null) return false
    return valueGteMin(last.score, range) && valueLteMax(first.score, range)
  }

  private overlapsLex(range: LexRange): boolean {
    if (lexRangeIsEmpty(range)) return false
    const last = this.tail
    const first = this.header.forwardAt(0)
    if (last === null || first === null) return false
    return lexGteMin(last.member, range) && lexLteMax(first.member, range)
  }

  /** Members in order (tests, persistence). */
  *entries(): IterableIterator<[string, number]> {
    for (let x = this.header.forwardAt(0); x !== null; x = x.forwardAt(0)) yield [x.member, x.score]
  }
}
