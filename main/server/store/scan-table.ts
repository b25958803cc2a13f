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
 * Resizes happen at once rather than incrementally as in dict.c; the cursor
 * argument above only needs the table to be a single power-of-two table at
 * the moment each SCAN call runs, which an all-at-once rehash guarantees.
 */

const MIN_BUCKETS = 4

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

/**
 * A bucket holds one key directly (the common case, no allocation) or an array
 * of colliding keys.
 */
type Bucket = string | string[] | undefined

function emptyBuckets(size: number): Bucket[] {
  // fill() keeps the backing store in V8's fast elements mode even for large tables.
  return new Array<Bucket>(size).fill(undefined)
}

export class ScanTable {
  private buckets: Bucket[] = emptyBuckets(MIN_BUCKETS)
  private count = 0

  get size(): number {
    return this.count
  }

  /** Adds a key the caller knows is absent. */
  add(key: string): void {
    if (this.count >= this.buckets.length) this.resize(this.buckets.length * 2)
    insert(this.buckets, key)
    this.count++
  }

  delete(key: string): boolean {
    const index = hashKey(key) & (this.buckets.length - 1)
    const bucket = this.buckets[index]
    if (bucket === undefined) return false
    if (typeof bucket === 'string') {
      if (bucket !== key) return false
      this.buckets[index] = undefined
    } else {
      const at = bucket.indexOf(key)
      if (at < 0) return false
      bucket[at] = bucket[bucket.length - 1]
      bucket.pop()
      if (bucket.length === 1) this.buckets[index] = bucket[0]
    }
    this.count--
    // dict.c's htNeedsResize: shrink below 10% fill.
    if (this.buckets.length > MIN_BUCKETS && this.count * 10 < this.buckets.length) {
      this.resize(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    }
    return true
  }

  clear(): void {
    this.buckets = emptyBuckets(MIN_BUCKETS)
    this.count = 0
  }

  /**
   * Visits one bucket's keys and returns the next cursor (0 when done), as
   * dictScan does for a table that is not rehashing. Only the low 32 bits of
   * the cursor matter: tables never reach 2^32 buckets.
   */
  scanBucket(cursor: number, visit: (key: string) => void): number {
    const mask = this.buckets.length - 1
    const bucket = this.buckets[cursor & mask]
    if (typeof bucket === 'string') visit(bucket)
    else if (bucket !== undefined) for (const key of bucket.slice()) visit(key)
    let v = (cursor | ~mask) >>> 0
    v = reverseBits32(v)
    v = (v + 1) >>> 0
    return reverseBits32(v)
  }

  /** A random key, each bucket equally likely (dictGetRandomKey's approach), or undefined when empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined
    for (;;) {
      const bucket = this.buckets[Math.floor(random() * this.buckets.length)]
      if (typeof bucket === 'string') return bucket
      if (bucket !== undefined) return bucket[Math.floor(random() * bucket.length)]
    }
  }

  /** Number of buckets, exposed for tests of the resize behaviour. */
  get bucketCount(): number {
    return this.buckets.length
  }

  private resize(size: number): void {
    const next = emptyBuckets(size)
    for (const bucket of this.buckets) {
      if (typeof bucket === 'string') insert(next, bucket)
      else if (bucket !== undefined) for (const key of bucket) insert(next, key)
    }
    this.buckets = next
  }
}

function insert(buckets: Bucket[], key: string): void {
  const index = hashKey(key) & (buckets.length - 1)
  const bucket = buckets[index]
  if (bucket === undefined) buckets[index] = key
  else if (typeof bucket === 'string') buckets[index] = [bucket, key]
  else bucket.push(key)
}

function nextPowerOfTwo(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}
