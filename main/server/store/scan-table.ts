/**
 * An unordered set of keys with Redis's dict bucket layout, kept beside the
 * keyspace Map (and beside big sets, hashes and sorted sets) only to give SCAN
 * (and active expiry, and RANDOMKEY) what a JS Map cannot: a resumable,
 * O(count) position that survives inserts, deletes and resizes.
 *
 * The cursor is dict.c's: it counts through bucket indexes with the bits
 * reversed, so when the table doubles the buckets already visited map to
 * buckets that are also "before" the cursor, and when it halves they fold into
 * buckets at most revisited. Hence Redis's guarantee: an element present for
 * the whole iteration is returned at least once (maybe more), and cursor 0
 * marks the end. Cursors are bucket positions, never entry positions, so no
 * client's cursor needs remapping when entries move.
 *
 * Why the keys sit in an entry array and the buckets are only int32 chains
 * (`heads`/`next`) rather than buckets holding the keys: a bucket array of JS
 * pointers written at random positions is what a million-key load paid for
 * most — each write a random cache miss plus a remembered-set slot the young
 * collector must visit — 1.2–2 s of a 5–6 s RDB load of 1M keys. Entries are
 * appended (freed ones reused), so the pointer writes are sequential, and a
 * resize rebuilds int32 arrays from the stored hashes without touching a key:
 * about 5 ms at a million keys, so it is done at once rather than
 * incrementally (the Map beside it rehashes at once too, ~60x longer).
 */

const MIN_BUCKETS = 4
const NONE = -1

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

function grown(array: Int32Array, capacity: number): Int32Array {
  const bigger = new Int32Array(capacity)
  bigger.set(array.subarray(0, Math.min(array.length, capacity)))
  return bigger
}

export class ScanTable {
  /** Per bucket: the first entry of its chain, or NONE. */
  private heads = emptyHeads(MIN_BUCKETS)
  /** Entry slots: the key, or undefined for a free slot. */
  private keys: (string | undefined)[] = []
  /** Per entry: its key's hash (resizes never rehash a key). */
  private hashes = new Int32Array(MIN_BUCKETS)
  /** Per entry: the next entry in its bucket's chain, or, for a free slot, the next free slot. */
  private next = new Int32Array(MIN_BUCKETS)
  private freeSlot = NONE
  private count = 0

  get size(): number {
    return this.count
  }

  /** Buckets of the table, for tests. */
  get bucketCount(): number {
    return this.heads.length
  }

  /** Adds a key the caller knows is absent. */
  add(key: string): void {
    // dict.c's _dictExpandIfNeeded: grow when there are as many keys as buckets.
    if (this.count >= this.heads.length) this.rebuild(this.heads.length * 2)
    const hash = hashKey(key)
    let slot = this.freeSlot
    if (slot !== NONE) {
      this.freeSlot = this.next[slot]
      this.keys[slot] = key
    } else {
      slot = this.keys.length
      if (slot >= this.next.length) this.growEntries(slot * 2)
      this.keys.push(key)
    }
    const bucket = hash & (this.heads.length - 1)
    this.hashes[slot] = hash
    this.next[slot] = this.heads[bucket]
    this.heads[bucket] = slot
    this.count++
  }

  delete(key: string): boolean {
    const hash = hashKey(key)
    const bucket = hash & (this.heads.length - 1)
    let previous = NONE
    let slot = this.heads[bucket]
    while (slot !== NONE && (this.hashes[slot] !== hash || this.keys[slot] !== key)) {
      previous = slot
      slot = this.next[slot]
    }
    if (slot === NONE) return false
    if (previous === NONE) this.heads[bucket] = this.next[slot]
    else this.next[previous] = this.next[slot]
    this.keys[slot] = undefined
    this.next[slot] = this.freeSlot
    this.freeSlot = slot
    this.count--
    // dict.c's htNeedsResize: shrink below 10% fill.
    if (this.heads.length > MIN_BUCKETS && this.count * 10 < this.heads.length) {
      this.rebuild(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    } else if (this.mostlyFree()) this.rebuild(this.heads.length)
    return true
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
    if (size > this.next.length) this.growEntries(size)
  }

  clear(): void {
    this.heads = emptyHeads(MIN_BUCKETS)
    this.keys = []
    this.hashes = new Int32Array(MIN_BUCKETS)
    this.next = new Int32Array(MIN_BUCKETS)
    this.freeSlot = NONE
    this.count = 0
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
      if (again === NONE) visit(this.keys[first] as string)
      else {
        // Collected first: a visit that deletes would otherwise cut the chain being walked.
        const found = [this.keys[first] as string]
        for (let slot = again; slot !== NONE; slot = this.next[slot]) found.push(this.keys[slot] as string)
        for (const key of found) visit(key)
      }
    }
    return nextCursor(cursor, mask)
  }

  /** A random key, each one equally likely, or undefined when empty. */
  randomKey(random: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined
    // At least a quarter of the slots hold keys (see mostlyFree), so this takes four draws at most on average.
    for (;;) {
      const key = this.keys[Math.floor(random() * this.keys.length)]
      if (key !== undefined) return key
    }
  }

  /** More than 3/4 of 64 or more slots free: time to compact, so random picks stay cheap. */
  private mostlyFree(): boolean {
    return this.keys.length >= 64 && this.count * 4 < this.keys.length
  }

  private growEntries(capacity: number): void {
    this.hashes = grown(this.hashes, capacity)
    this.next = grown(this.next, capacity)
  }

  /** A new bucket array of `size`, chained from the stored hashes; entries compacted when mostly free. */
  private rebuild(size: number): void {
    if (this.mostlyFree()) this.compact()
    const heads = emptyHeads(size)
    const mask = size - 1
    const { keys, hashes, next } = this
    for (let slot = 0; slot < keys.length; slot++) {
      if (keys[slot] === undefined) continue
      const bucket = hashes[slot] & mask
      next[slot] = heads[bucket]
      heads[bucket] = slot
    }
    this.heads = heads
  }

  /** Moves the live entries to the front; the chains are rebuilt by the caller. */
  private compact(): void {
    const keys: string[] = []
    const hashes = new Int32Array(Math.max(MIN_BUCKETS, nextPowerOfTwo(this.count)))
    for (let slot = 0; slot < this.keys.length; slot++) {
      const key = this.keys[slot]
      if (key === undefined) continue
      hashes[keys.length] = this.hashes[slot]
      keys.push(key)
    }
    this.keys = keys
    this.hashes = hashes
    this.next = new Int32Array(hashes.length)
    this.freeSlot = NONE
  }
}
