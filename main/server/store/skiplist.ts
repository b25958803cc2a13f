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
 *
 * Layout: nodes are not JS objects but chunks of one slab (an ArrayBuffer
 * seen as Float64Array and Int32Array), like Redis's zskiplistNode with its
 * levels inline. On a million-member set a search is a chain of dependent
 * loads; with an object per node (plus an array for its levels, plus a heap
 * number for a fractional score) every step cost two or three cache misses,
 * here it costs one: score, links and spans of a node sit side by side. It
 * also keeps a million nodes out of the GC's way (the slab is one object).
 *
 * A node is its offset in the slab, counted in 8-byte slots:
 *   slot o        score (float64)
 *   slot o + 1    int32 backward node, int32 (member index << 6 | height)
 *   slot o + 2+i  int32 forward node at level i, int32 span at level i
 * The header is the node at offset 0 with every level, so 0 also means "no
 * node" for forward and backward links (Redis's NULL), as the header is never
 * anyone's forward node nor a search result. Freed chunks go to a free list
 * per height; members live in a dense array indexed by the member index.
 */

export const SKIPLIST_MAXLEVEL = 32
const SKIPLIST_P = 0.25

/** A node: its offset in the list's slab. Only meaningful for the list that returned it. */
export type SkipNode = number

/** "No node" (Redis's NULL): the header's offset, which no search returns. */
export const NO_NODE: SkipNode = 0

const HEADER = 0
const HEIGHT_BITS = 6
const HEIGHT_MASK = (1 << HEIGHT_BITS) - 1
/** Member indexes share an int32 with the height; a JS Map (the zset's dictionary) holds at most 2^24 entries anyway. */
const MAX_MEMBER_INDEX = 2 ** (31 - HEIGHT_BITS) - 1
const INITIAL_SLOTS = 64
/** Slabs smaller than this are never compacted (not worth a copy). */
const COMPACT_MIN_SLOTS = 1 << 16

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
const scratchUpdate = new Int32Array(SKIPLIST_MAXLEVEL)
const scratchRank = new Int32Array(SKIPLIST_MAXLEVEL)

export class SkipList {
  tail: SkipNode = NO_NODE
  length = 0
  level = 1
  /** The slab, as doubles (scores) and as int32 pairs (links, spans, bookkeeping): two views of one buffer. */
  private f64 = new Float64Array(INITIAL_SLOTS)
  private i32 = new Int32Array(this.f64.buffer)
  /** Slots handed out so far (the slab's high-water mark). */
  private used = 2 + SKIPLIST_MAXLEVEL
  /** Per height, the first freed chunk of that height (linked through their backward field). */
  private freeChunks = new Int32Array(SKIPLIST_MAXLEVEL + 1)
  private members: string[] = []
  private freeMembers: number[] = []
  /** Slots held by linked nodes (the header excluded): what a compacted slab would need. */
  private liveSlots = 0

  constructor() {
    this.i32[3] = SKIPLIST_MAXLEVEL
  }

  private randomLevel(): number {
    let level = 1
    while (level < SKIPLIST_MAXLEVEL && Math.random() < SKIPLIST_P) level++
    return level
  }

  // ---- node accessors ------------------------------------------------------

  memberOf(node: SkipNode): string {
    return this.members[this.i32[2 * node + 3] >>> HEIGHT_BITS]
  }

  scoreOf(node: SkipNode): number {
    return this.f64[node]
  }

  /** The next node in ascending order, NO_NODE after the last. */
  nextOf(node: SkipNode): SkipNode {
    return this.i32[2 * node + 4]
  }

  /** The previous node, NO_NODE before the first (zskiplistNode.backward). */
  prevOf(node: SkipNode): SkipNode {
    return this.i32[2 * node + 2]
  }

  /** How many levels the node takes part in. */
  heightOf(node: SkipNode): number {
    return this.i32[2 * node + 3] & HEIGHT_MASK
  }

  /** The forward link at `level` (NO_NODE at the end); the header is node NO_NODE. */
  forwardOf(node: SkipNode, level: number): SkipNode {
    return this.i32[2 * node + 4 + 2 * level]
  }

  spanOf(node: SkipNode, level: number): number {
    return this.i32[2 * node + 5 + 2 * level]
  }

  get first(): SkipNode {
    return this.i32[4]
  }

  /** Slab slots handed out, slots of linked nodes, member slots: for tests of reuse and compaction. */
  get footprint(): { slots: number; live: number; members: number } {
    return { slots: this.used, live: this.liveSlots, members: this.members.length }
  }

  // ---- chunk allocation ----------------------------------------------------

  private allocate(height: number, member: string): SkipNode {
    let node = this.freeChunks[height]
    if (node !== 0) {
      this.freeChunks[height] = this.i32[2 * node + 2]
    } else {
      node = this.used
      const end = node + 2 + height
      if (end > this.f64.length) this.grow(end)
      this.used = end
    }
    let index = this.freeMembers.pop()
    if (index === undefined) {
      index = this.members.length
      if (index > MAX_MEMBER_INDEX) throw new Error('skiplist: too many members')
      this.members.push(member)
    } else {
      this.members[index] = member
    }
    this.i32[2 * node + 3] = (index << HEIGHT_BITS) | height
    this.liveSlots += 2 + height
    return node
  }

  private release(node: SkipNode): void {
    const i32 = this.i32
    const packed = i32[2 * node + 3]
    const index = packed >>> HEIGHT_BITS
    const height = packed & HEIGHT_MASK
    this.members[index] = ''
    this.freeMembers.push(index)
    i32[2 * node + 2] = this.freeChunks[height]
    this.freeChunks[height] = node
    this.liveSlots -= 2 + height
  }

  /**
   * Freed chunks are only reused, never returned; once a big set has shrunk
   * to a quarter of its slab, the nodes are copied into a slab of their size
   * (in order, keeping their heights), as Redis would have freed the nodes.
   * Amortised O(1) per delete: it takes that many deletes to get here.
   */
  private compactIfSparse(): void {
    if (this.used < COMPACT_MIN_SLOTS || this.liveSlots * 4 > this.used) return
    const nodes: { member: string; score: number; height: number }[] = []
    for (let x = this.first; x !== NO_NODE; x = this.nextOf(x)) nodes.push({ member: this.memberOf(x), score: this.f64[x], height: this.heightOf(x) })
    let capacity = INITIAL_SLOTS
    while (capacity < 2 + SKIPLIST_MAXLEVEL + this.liveSlots * 2) capacity *= 2
    this.f64 = new Float64Array(capacity)
    this.i32 = new Int32Array(this.f64.buffer)
    this.i32[3] = SKIPLIST_MAXLEVEL
    this.used = 2 + SKIPLIST_MAXLEVEL
    this.freeChunks = new Int32Array(SKIPLIST_MAXLEVEL + 1)
    this.members = []
    this.freeMembers = []
    this.liveSlots = 0
    this.tail = NO_NODE
    this.length = 0
    this.level = 1
    for (const n of nodes) this.link(n.score, n.member, NO_NODE, n.height)
  }

  private grow(slots: number): void {
    let capacity = this.f64.length * 2
    while (capacity < slots) capacity *= 2
    const f64 = new Float64Array(capacity)
    f64.set(this.f64.subarray(0, this.used))
    this.f64 = f64
    this.i32 = new Int32Array(f64.buffer)
  }

  // ---- updates ---------------------------------------------------------------

  /** zslInsert: the member must not already be present (the dictionary guarantees it). */
  insert(score: number, member: string): SkipNode {
    return this.link(score, member, NO_NODE)
  }

  /** zslInsert's body; `reuse` is a node unlinked by updateScore, re-linked with its own level as Redis does. */
  private link(score: number, member: string, reuse: SkipNode, height = 0): SkipNode {
    const update = scratchUpdate
    const rank = scratchRank
    const f64 = this.f64
    let i32 = this.i32
    const members = this.members
    let x = HEADER
    let r = 0
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      // Scores decide almost every step; member bytes only on a tie.
      while (f !== 0) {
        const fs = f64[f]
        if (!(fs < score || (fs === score && members[i32[2 * f + 3] >>> HEIGHT_BITS] < member))) break
        r += i32[2 * x + 5 + 2 * i]
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
      rank[i] = r
      update[i] = x
    }
    const level = reuse !== NO_NODE ? i32[2 * reuse + 3] & HEIGHT_MASK : height !== 0 ? height : this.randomLevel()
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0
        update[i] = HEADER
        i32[5 + 2 * i] = this.length
      }
      this.level = level
    }
    const node = reuse === NO_NODE ? this.allocate(level, member) : reuse
    // allocate may have grown the slab.
    i32 = this.i32
    this.f64[node] = score
    const rank0 = rank[0]
    for (let i = 0; i < level; i++) {
      const prev = 2 * update[i] + 4 + 2 * i
      const own = 2 * node + 4 + 2 * i
      i32[own] = i32[prev]
      i32[prev] = node
      i32[own + 1] = i32[prev + 1] - (rank0 - rank[i])
      i32[prev + 1] = rank0 - rank[i] + 1
    }
    for (let i = level; i < this.level; i++) i32[2 * update[i] + 5 + 2 * i]++
    i32[2 * node + 2] = update[0]
    const after = i32[2 * node + 4]
    if (after !== 0) i32[2 * after + 2] = node
    else this.tail = node
    this.length++
    return node
  }

  /** The search path to (score, member) into scratchUpdate; returns the level-0 predecessor. */
  private findPredecessors(score: number, member: string): SkipNode {
    const update = scratchUpdate
    const f64 = this.f64
    const i32 = this.i32
    const members = this.members
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      while (f !== 0) {
        const fs = f64[f]
        if (!(fs < score || (fs === score && members[i32[2 * f + 3] >>> HEIGHT_BITS] < member))) break
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
      update[i] = x
    }
    return x
  }

  /** zslDelete: true when the (score, member) node was found and removed. */
  delete(score: number, member: string): boolean {
    const target = this.nextOf(this.findPredecessors(score, member))
    if (target === NO_NODE || this.f64[target] !== score || this.memberOf(target) !== member) return false
    this.unlink(target, scratchUpdate)
    this.release(target)
    this.compactIfSparse()
    return true
  }

  /**
   * zslUpdateScore: moves the node to its new place. When the order does not
   * change the node is updated in place, as Redis does, which keeps a score
   * update of a million-member set cheap.
   */
  updateScore(current: number, member: string, next: number): SkipNode {
    const node = this.nextOf(this.findPredecessors(current, member))
    if (node === NO_NODE || this.f64[node] !== current || this.memberOf(node) !== member) throw new Error('skiplist: updateScore of a missing node')
    const before = this.prevOf(node)
    const after = this.nextOf(node)
    if ((before === NO_NODE || this.f64[before] < next) && (after === NO_NODE || this.f64[after] > next)) {
      this.f64[node] = next
      return node
    }
    this.unlink(node, scratchUpdate)
    return this.link(next, member, node)
  }

  private unlink(x: SkipNode, update: Int32Array): void {
    const i32 = this.i32
    for (let i = 0; i < this.level; i++) {
      const prev = 2 * update[i] + 4 + 2 * i
      if (i32[prev] === x) {
        const own = 2 * x + 4 + 2 * i
        i32[prev + 1] += i32[own + 1] - 1
        i32[prev] = i32[own]
      } else {
        i32[prev + 1]--
      }
    }
    const f = i32[2 * x + 4]
    const back = i32[2 * x + 2]
    if (f !== 0) i32[2 * f + 2] = back
    else this.tail = back
    while (this.level > 1 && i32[4 + 2 * (this.level - 1)] === 0) this.level--
    this.length--
  }

  // ---- queries -----------------------------------------------------------------

  /** zslGetRank: 1-based rank of the node, 0 when absent. */
  rank(score: number, member: string): number {
    const f64 = this.f64
    const i32 = this.i32
    let rank = 0
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      while (f !== 0 && (f64[f] < score || (f64[f] === score && this.memberOf(f) <= member))) {
        rank += i32[2 * x + 5 + 2 * i]
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
      if (x !== HEADER && this.memberOf(x) === member) return rank
    }
    return 0
  }

  /** zslGetElementByRank: 1-based; NO_NODE when out of range. */
  byRank(rank: number): SkipNode {
    if (rank < 1 || rank > this.length) return NO_NODE
    const i32 = this.i32
    let traversed = 0
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      while (f !== 0 && traversed + i32[2 * x + 5 + 2 * i] <= rank) {
        traversed += i32[2 * x + 5 + 2 * i]
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
      if (traversed === rank) return x
    }
    return NO_NODE
  }

  /** zslFirstInRange */
  firstInScoreRange(range: ScoreRange): SkipNode {
    if (!this.overlapsScore(range)) return NO_NODE
    const f64 = this.f64
    const i32 = this.i32
    const min = range.min
    const minex = range.minex
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      while (f !== 0) {
        const fs = f64[f]
        if (minex ? fs > min : fs >= min) break
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
    }
    const node = i32[2 * x + 4]
    return node !== NO_NODE && valueLteMax(f64[node], range) ? node : NO_NODE
  }

  /** zslLastInRange */
  lastInScoreRange(range: ScoreRange): SkipNode {
    if (!this.overlapsScore(range)) return NO_NODE
    const f64 = this.f64
    const i32 = this.i32
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = i32[2 * x + 4 + 2 * i]
      while (f !== 0 && valueLteMax(f64[f], range)) {
        x = f
        f = i32[2 * x + 4 + 2 * i]
      }
    }
    return x !== HEADER && valueGteMin(f64[x], range) ? x : NO_NODE
  }

  firstInLexRange(range: LexRange): SkipNode {
    if (!this.overlapsLex(range)) return NO_NODE
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.forwardOf(x, i)
      while (f !== NO_NODE && !lexGteMin(this.memberOf(f), range)) {
        x = f
        f = this.forwardOf(x, i)
      }
    }
    const node = this.nextOf(x)
    return node !== NO_NODE && lexLteMax(this.memberOf(node), range) ? node : NO_NODE
  }

  lastInLexRange(range: LexRange): SkipNode {
    if (!this.overlapsLex(range)) return NO_NODE
    let x = HEADER
    for (let i = this.level - 1; i >= 0; i--) {
      let f = this.forwardOf(x, i)
      while (f !== NO_NODE && lexLteMax(this.memberOf(f), range)) {
        x = f
        f = this.forwardOf(x, i)
      }
    }
    return x !== HEADER && lexGteMin(this.memberOf(x), range) ? x : NO_NODE
  }

  /** 1-based rank of a node known to be in the list (rank() by its own key). */
  rankOf(node: SkipNode): number {
    return this.rank(this.f64[node], this.memberOf(node))
  }

  private overlapsScore(range: ScoreRange): boolean {
    if (scoreRangeIsEmpty(range)) return false
    const last = this.tail
    const first = this.first
    if (last === NO_NODE || first === NO_NODE) return false
    return valueGteMin(this.f64[last], range) && valueLteMax(this.f64[first], range)
  }

  private overlapsLex(range: LexRange): boolean {
    if (lexRangeIsEmpty(range)) return false
    const last = this.tail
    const first = this.first
    if (last === NO_NODE || first === NO_NODE) return false
    return lexGteMin(this.memberOf(last), range) && lexLteMax(this.memberOf(first), range)
  }

  /** Members in order (tests, persistence). */
  *entries(): IterableIterator<[string, number]> {
    for (let x = this.first; x !== NO_NODE; x = this.nextOf(x)) yield [this.memberOf(x), this.f64[x]]
  }
}
