/**
 * An unordered set of keys laid out like Redis's dict buckets, kept beside the
 * keyspace Map only to give SCAN (and active expiry, and RANDOMKEY) what a JS
 * Map cannot: a resumable, O(count) position that survives inserts, deletes
 * and resizes.
 *
 * Why a reverse-binary cursor over a power-of-two bucket table rather than an
 * insertion-ordered slot array with tombstones: the slot array needs every
 * compaction to remap cursors that clients still hold (we cannot know which),
 * whereas dict.c's cursor needs no per-client state at all. The cursor counts
 * through bucket indexes with the bits reversed, so when the table doubles the
 * buckets already visited map to buckets that are also "before" the cursor,
 * and when it halves they fold into buckets at most revisited. Hence Redis's
 * guarantee: an element present for the whole iteration is returned at least
 * once (maybe more), and cursor 0 marks the end.
 *
 * Resizes are incremental as in dict.c, so a million-key table never pauses
 * the event loop to rehash: while resizing, both tables exist, each add or
 * delete moves a few buckets, and SCAN visits the bucket of the smaller table
 * plus all its expansions in the larger one (dictScan's two-table walk), which
 * keeps the guarantee above during a rehash too.
 */

const MIN_BUCKETS = 4
/** Buckets moved to the new table per add/delete while a resize is in progress. */
const REHASH_STEP = 2

/** FNV-1a over the latin1 code units (keys are byte strings, one char per byte). */
function hashKey(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  // Final avalanche so the low bits the mask keeps depend on every byte.
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  return h >>> 0
}

function reverseBits32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1)
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2)
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4)
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8)
  v = (v >>> 16) | (v << 16)
  return v >>> 0
}

/** The cursor after `v` in reverse-binary order over a table with `mask`. */
function nextCursor(v: number, mask: number): number {
  v = (v | ~mask) >>> 0
  v = reverseBits32(v)
  v = (v + 1) >>> 0
  return reverseBits32(v)
}

/**
 * A bucket holds one key directly (the common case, no allocation) or an array
 * of colliding keys.
 */
type Bucket = string | string[] | undefined

function emptyBuckets(size: number): Bucket[] {
  // fill() keeps the backing store in V8's fast elements mode even for large tables.
  return new Array<Bucket>(size).fill(undefined)
}

function visitBucket(bucket: Bucket, visit: (key: string) => void): void {
  if (typeof bucket === 'string') visit(bucket)
  else if (bucket !== undefined) for (const key of bucket.slice()) visit(key)
}

function insert(buckets: Bucket[], key: string, hash = hashKey(key)): void {
  const index = hash & (buckets.length - 1)
  const bucket = buckets[index]
  if (bucket === undefined) buckets[index] = key
  else if (typeof bucket === 'string') buckets[index] = [bucket, key]
  else bucket.push(key)
}

function removeFrom(buckets: Bucket[], key: string, hash: number): boolean {
  const index = hash & (buckets.length - 1)
  const bucket = buckets[index]
  if (bucket === undefined) return false
  if (typeof bucket === 'string') {
    if (bucket !== key) return false
    buckets[index] = undefined
    return true
  }
  const at = bucket.indexOf(key)
  if (at < 0) return false
  bucket[at] = bucket[bucket.length - 1]
  bucket.pop()
  if (bucket.length === 1) buckets[index] = bucket[0]
  return true
}

export class ScanTable {
  /** The table in use; while resizing, the one being emptied. */
  private main: Bucket[] = emptyBuckets(MIN_BUCKETS)
  /** The resize target, present only while a resize is in progress. */
  private target: Bucket[] | undefined
  /** Buckets of `main` below this index have been moved to `target`. */
  private rehashIndex = 0
  private count = 0

  get size(): number {
    return this.count
  }

  /** Adds a key the caller knows is absent. */
  add(key: string): void {
    if (this.target) this.rehashStep(REHASH_STEP)
    else if (this.count >= this.main.length) this.startResize(this.main.length * 2)
    insert(this.target ?? this.main, key)
    this.count++
  }

  delete(key: string): boolean {
    if (this.target) this.rehashStep(REHASH_STEP)
    const hash = hashKey(key)
    const removed = removeFrom(this.main, key, hash) || (this.target !== undefined && removeFrom(this.target, key, hash))
    if (!removed) return false
    this.count--
    // dict.c's htNeedsResize: shrink below 10% fill.
    if (!this.target && this.main.length > MIN_BUCKETS && this.count * 10 < this.main.length) {
      this.startResize(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    }
    return true
  }

  /**
   * dictExpand before a bulk load (RDB RESIZEDB): an empty table takes the
   * bucket count `expected` keys will need, so adding them never resizes or
   * rehashes. Ignored once the table holds keys.
   */
  reserve(expected: number): void {
    if (this.count !== 0 || this.target) return
    const size = Math.max(MIN_BUCKETS, nextPowerOfTwo(Math.min(expected, 1 << 26)))
    if (size > this.main.length) this.main = emptyBuckets(size)
  }

  clear(): void {
    this.main = emptyBuckets(MIN_BUCKETS)
    this.target = undefined
    this.rehashIndex = 0
    this.count = 0
  }

  /**
   * Visits the keys under one cursor position and returns the next cursor (0
   * when done), exactly as dictScan. Only the low 32 bits of the cursor
   * matter: tables never reach 2^32 buckets.
   */
  scanBucket(cursor: number, visit: (key: string) => void): number {
    if (!this.target) {
      const mask = this.main.length - 1
      visitBucket(this.main[cursor & mask], visit)
      return nextCursor(cursor, mask)
    }
    const [small, large] = this.main.length <= this.target.length ? [this.main, this.target] : [this.target, this.main]
    const m0 = small.length - 1
    const m1 = large.length - 1
    visitBucket(small[cursor & m0], visit)
    // Then every bucket of the larger table that expands the smaller one's bucket.
    let v = cursor
    do {
      visitBucket(large[v & m1], visit)
      v = nextCursor(v, m1)
    } while ((v & (m0 ^ m1)) !== 0)
    return v
  }

  /** A random key, each bucket equally likely (dictGetRandomKey's approach), or undefined when empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined
    for (;;) {
      const mainSize = this.main.length
      const slots = mainSize + (this.target?.length ?? 0)
      const slot = Math.floor(random() * slots)
      const bucket = slot < mainSize ? this.main[slot] : this.target?.[slot - mainSize]
      if (typeof bucket === 'string') return bucket
      if (bucket !== undefined) return bucket[Math.floor(random() * bucket.length)]
    }
  }

  /** Buckets of the table in use (the resize target once one is under way), for tests. */
  get bucketCount(): number {
    return (this.target ?? this.main).length
  }

  /** Finishes any resize in progress (tests, and a cron that wants to rehash while idle). */
  rehashAll(): void {
    while (this.target) this.rehashStep(1024)
  }

  private startResize(size: number): void {
    if (size === this.main.length) return
    this.target = emptyBuckets(size)
    this.rehashIndex = 0
  }

  /** dictRehash: move `n` non-empty buckets, visiting at most 10n empty ones. */
  private rehashStep(n: number): void {
    const target = this.target
    if (!target) return
    let emptyVisits = n * 10
    while (n > 0 && this.rehashIndex < this.main.length) {
      const bucket = this.main[this.rehashIndex]
      if (bucket === undefined) {
        this.rehashIndex++
        if (--emptyVisits === 0) break
        continue
      }
      if (typeof bucket === 'string') insert(target, bucket)
      else for (const key of bucket) insert(target, key)
      this.main[this.rehashIndex] = undefined
      this.rehashIndex++
      n--
    }
    if (this.rehashIndex >= this.main.length) {
      this.main = target
      this.target = undefined
      this.rehashIndex = 0
    }
  }
}

function nextPowerOfTwo(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}
