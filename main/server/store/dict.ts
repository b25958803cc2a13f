/**
 * A string-keyed hash table with Redis's dict bucket layout: the keyspace of
 * a database (keys → values, keys → expire times) and, as ScanTable, the
 * cursor index beside big sets, hashes and sorted sets. It does what a JS Map
 * cannot: SCAN's resumable O(count) cursor that survives inserts, deletes and
 * resizes, a uniform random pick, and pre-sizing before a bulk load (RDB
 * RESIZEDB).
 *
 * The cursor is dict.c's: it counts through bucket indexes with the bits
 * reversed, so when the table doubles the buckets already visited map to
 * buckets that are also "before" the cursor, and when it halves they fold into
 * buckets at most revisited. Hence Redis's guarantee: an element present for
 * the whole iteration is returned at least once (maybe more), and cursor 0
 * marks the end. Cursors are bucket positions, never entry positions, so no
 * client's cursor needs remapping when entries move.
 *
 * Why entries are slots of arrays in insertion order (freed slots reused) and
 * the buckets only int32 chains (`heads`/`next`), with each entry's hash kept:
 * - a resize rebuilds two typed arrays without touching a key: ~5 ms at a
 *   million keys, where a JS Map rehashes its whole backing store at once
 *   (~330 ms at a million, ~20 ms at 64 k — the replica-lag tail of issue 5);
 * - pointer writes are appends, not random stores into a bucket array: a
 *   random store of a young string is a cache miss plus a remembered-set slot
 *   the young collector must visit (a bucket array holding the keys cost
 *   1.2–2 s of a 5–6 s load of a 1M-key RDB);
 * - the collector marks keys and values in the order they were stored, which
 *   is what keeps a full GC short (an earlier hash-ordered dict made V8's
 *   mark-compact 3–5x longer than the Map's).
 *
 * Iteration (entries(), keys(), values()) is safe while the table changes, as
 * a Map's: deleted entries are skipped, entries added later may or may not be
 * seen, and clear() ends it. Entries are only compacted while no iteration is
 * open, since compaction moves them.
 */

const MIN_BUCKETS = 4
const NONE = -1
/** Compaction is not worth it below this many slots. */
const COMPACT_MIN_SLOTS = 64

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
  return h | 0
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

function nextPowerOfTwo(n: number): number {
  let p = 1
  while (p < n) p *= 2
  return p
}

function emptyHeads(size: number): Int32Array {
  return new Int32Array(size).fill(NONE)
}

function grown(array: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(capacity)
  bigger.set(array.subarray(0, Math.min(array.length, capacity)))
  return bigger
}

export class Dict<V> implements Iterable<[string, V]> {
  /** Per bucket: the first slot of its chain, or NONE. */
  private heads = emptyHeads(MIN_BUCKETS)
  /** Per slot: the key, or undefined for a free slot. */
  private slotKeys: (string | undefined)[] = []
  private slotValues: (V | undefined)[] = []
  /** Per slot: its key's hash (resizes never rehash a key). */
  private hashes = new Int32Array(MIN_BUCKETS)
  /** Per slot: the next slot in its bucket's chain, or, for a free slot, the next free slot. */
  private next = new Int32Array(MIN_BUCKETS)
  private freeSlot = NONE
  private count = 0
  /** Iterations open on the current slots (compaction waits for none). */
  private iterating = 0
  /** Bumped by clear(): iterations over the old slots end. */
  private generation = 0

  get size(): number {
    return this.count
  }

  /** Buckets of the table, for tests. */
  get bucketCount(): number {
    return this.heads.length
  }

  // get, has and take skip hashing an empty table: unlike a Map's, our hash is not cached on the string,
  // and the expires table, usually empty, is asked on every write that drops a TTL.
  get(key: string): V | undefined {
    if (this.count === 0) return undefined
    const slot = this.find(key, hashKey(key))
    return slot === NONE ? undefined : this.slotValues[slot]
  }

  has(key: string): boolean {
    if (this.count === 0) return false
    return this.find(key, hashKey(key)) !== NONE
  }

  /** Stores `value` at `key`; returns the value it replaced, undefined for a new key. */
  put(key: string, value: V): V | undefined {
    const hash = hashKey(key)
    const slot = this.find(key, hash)
    if (slot === NONE) {
      this.insert(key, hash, value)
      return undefined
    }
    const previous = this.slotValues[slot]
    this.slotValues[slot] = value
    return previous
  }

  /** Adds a key the caller knows is absent (a bulk load's path: no lookup). */
  add(key: string, value: V): void {
    this.insert(key, hashKey(key), value)
  }

  delete(key: string): boolean {
    return this.take(key) !== undefined
  }

  /** Removes `key` and returns its value (dictUnlink): one lookup where get + delete make two. */
  take(key: string): V | undefined {
    if (this.count === 0) return undefined
    const hash = hashKey(key)
    const bucket = hash & (this.heads.length - 1)
    let previous = NONE
    let slot = this.heads[bucket]
    while (slot !== NONE && (this.hashes[slot] !== hash || this.slotKeys[slot] !== key)) {
      previous = slot
      slot = this.next[slot]
    }
    if (slot === NONE) return undefined
    const value = this.slotValues[slot]
    if (previous === NONE) this.heads[bucket] = this.next[slot]
    else this.next[previous] = this.next[slot]
    this.slotKeys[slot] = undefined
    this.slotValues[slot] = undefined
    this.next[slot] = this.freeSlot
    this.freeSlot = slot
    this.count--
    // dict.c's htNeedsResize: shrink below 10% fill.
    if (this.heads.length > MIN_BUCKETS && this.count * 10 < this.heads.length) {
      this.rebuild(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    } else if (this.shouldCompact()) this.rebuild(this.heads.length)
    return value
  }

  /**
   * dictExpand before a bulk load (RDB RESIZEDB): an empty table takes the
   * bucket count `expected` keys will need, so adding them never resizes.
   * Ignored once the table holds keys.
   */
  reserve(expected: number): void {
    if (this.count !== 0) return
    const size = Math.max(MIN_BUCKETS, nextPowerOfTwo(Math.min(expected, 1 << 26)))
    if (size > this.heads.length) this.heads = emptyHeads(size)
    if (size > this.next.length) this.growSlots(size)
  }

  clear(): void {
    this.heads = emptyHeads(MIN_BUCKETS)
    this.slotKeys = []
    this.slotValues = []
    this.hashes = new Int32Array(MIN_BUCKETS)
    this.next = new Int32Array(MIN_BUCKETS)
    this.freeSlot = NONE
    this.count = 0
    this.iterating = 0
    this.generation++
  }

  /**
   * Visits the keys under one cursor position and returns the next cursor (0
   * when done), exactly as dictScan. Only the low 32 bits of the cursor
   * matter: tables never reach 2^32 buckets. `visit` may change the table.
   */
  scanBucket(cursor: number, visit: (key: string) => void): number {
    const mask = this.heads.length - 1
    const first = this.heads[cursor & mask]
    if (first !== NONE) {
      const again = this.next[first]
      if (again === NONE) visit(this.slotKeys[first] as string)
      else {
        // Collected first: a visit that deletes would otherwise cut the chain being walked.
        const found = [this.slotKeys[first] as string]
        for (let slot = again; slot !== NONE; slot = this.next[slot]) found.push(this.slotKeys[slot] as string)
        for (const key of found) visit(key)
      }
    }
    return nextCursor(cursor, mask)
  }

  /** A random key, each one equally likely, or undefined when empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined
    // Outside iterations at least a quarter of the slots hold keys (shouldCompact): a few draws on average.
    for (;;) {
      const key = this.slotKeys[Math.floor(random() * this.slotKeys.length)]
      if (key !== undefined) return key
    }
  }

  *entries(): IterableIterator<[string, V]> {
    const generation = this.generation
    this.iterating++
    try {
      for (let slot = 0; generation === this.generation && slot < this.slotKeys.length; slot++) {
        const key = this.slotKeys[slot]
        if (key !== undefined) yield [key, this.slotValues[slot] as V]
      }
    } finally {
      if (generation === this.generation) this.iterating--
    }
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key
  }

  *values(): IterableIterator<V> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()
  }

  private find(key: string, hash: number): number {
    let slot = this.heads[hash & (this.heads.length - 1)]
    while (slot !== NONE && (this.hashes[slot] !== hash || this.slotKeys[slot] !== key)) slot = this.next[slot]
    return slot
  }

  private insert(key: string, hash: number, value: V): void {
    // dict.c's _dictExpandIfNeeded: grow when there are as many keys as buckets.
    if (this.count >= this.heads.length) this.rebuild(this.heads.length * 2)
    let slot = this.freeSlot
    if (slot !== NONE) {
      this.freeSlot = this.next[slot]
      this.slotKeys[slot] = key
      this.slotValues[slot] = value
    } else {
      slot = this.slotKeys.length
      if (slot >= this.next.length) this.growSlots(slot * 2)
      this.slotKeys.push(key)
      this.slotValues.push(value)
    }
    const bucket = hash & (this.heads.length - 1)
    this.hashes[slot] = hash
    this.next[slot] = this.heads[bucket]
    this.heads[bucket] = slot
    this.count++
  }

  /** More than 3/4 of the slots free (and enough of them to matter), and nobody iterating. */
  private shouldCompact(): boolean {
    return this.iterating === 0 && this.slotKeys.length >= COMPACT_MIN_SLOTS && this.count * 4 < this.slotKeys.length
  }

  private growSlots(capacity: number): void {
    this.hashes = grown(this.hashes, capacity)
    this.next = grown(this.next, capacity)
  }

  /** A new bucket array of `size`, chained from the stored hashes; slots compacted when mostly free. */
  private rebuild(size: number): void {
    if (this.shouldCompact()) this.compact()
    const heads = emptyHeads(size)
    const mask = size - 1
    const { slotKeys, hashes, next } = this
    for (let slot = 0; slot < slotKeys.length; slot++) {
      if (slotKeys[slot] === undefined) continue
      const bucket = hashes[slot] & mask
      next[slot] = heads[bucket]
      heads[bucket] = slot
    }
    this.heads = heads
  }

  /** Moves the live entries to the front, in their order; the caller rebuilds the chains. */
  private compact(): void {
    const keys: string[] = []
    const values: V[] = []
    const hashes = new Int32Array(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    for (let slot = 0; slot < this.slotKeys.length; slot++) {
      const key = this.slotKeys[slot]
      if (key === undefined) continue
      hashes[keys.length] = this.hashes[slot]
      keys.push(key)
      values.push(this.slotValues[slot] as V)
    }
    this.slotKeys = keys
    this.slotValues = values
    this.hashes = hashes
    this.next = new Int32Array(hashes.length)
    this.freeSlot = NONE
  }
}
