/**
 * The list value: a ring-buffer deque of byte strings. Pushes and pops at
 * either end are amortised O(1) and index access is O(1), which is what
 * LPUSH/RPOP-heavy queues and LINDEX/LSET need; middle edits (LINSERT, LREM)
 * shift elements and are O(n), as Redis documents them.
 */
import type { ConfigView } from '../context'
import { KeyState } from './key-state'

const MIN_CAPACITY = 8

export class ListDeque {
  private slots: (Buffer | undefined)[]
  /** Physical index of element 0. */
  private head = 0
  private count = 0

  constructor(items: readonly Buffer[] = []) {
    let capacity = MIN_CAPACITY
    while (capacity < items.length) capacity *= 2
    this.slots = new Array<Buffer | undefined>(capacity)
    for (let i = 0; i < items.length; i++) this.slots[i] = items[i]
    this.count = items.length
  }

  get length(): number {
    return this.count
  }

  pushFront(item: Buffer): void {
    this.growIfFull()
    this.head = (this.head - 1) & this.mask()
    this.slots[this.head] = item
    this.count++
  }

  pushBack(item: Buffer): void {
    this.growIfFull()
    this.slots[(this.head + this.count) & this.mask()] = item
    this.count++
  }

  popFront(): Buffer | undefined {
    if (this.count === 0) return undefined
    const item = this.slots[this.head]
    this.slots[this.head] = undefined
    this.head = (this.head + 1) & this.mask()
    this.count--
    this.shrinkIfSparse()
    return item
  }

  popBack(): Buffer | undefined {
    if (this.count === 0) return undefined
    const at = (this.head + this.count - 1) & this.mask()
    const item = this.slots[at]
    this.slots[at] = undefined
    this.count--
    this.shrinkIfSparse()
    return item
  }

  /** Element at a non-negative index below `length`. */
  at(index: number): Buffer {
    return this.slots[(this.head + index) & this.mask()] as Buffer
  }

  setAt(index: number, item: Buffer): void {
    this.slots[(this.head + index) & this.mask()] = item
  }

  /** Elements `start..end` inclusive (already clamped by the caller), in order. */
  range(start: number, end: number): Buffer[] {
    const out: Buffer[] = []
    for (let i = start; i <= end; i++) out.push(this.at(i))
    return out
  }

  /** Inserts so that `item` ends up at `index` (0..length). */
  insertAt(index: number, item: Buffer): void {
    if (index === 0) return this.pushFront(item)
    if (index === this.count) return this.pushBack(item)
    this.growIfFull()
    // Shift the shorter side, as a deque would.
    if (index < this.count / 2) {
      this.head = (this.head - 1) & this.mask()
      for (let i = 0; i < index; i++) this.setAt(i, this.at(i + 1))
    } else {
      for (let i = this.count; i > index; i--) this.setAt(i, this.at(i - 1))
    }
    this.count++
    this.setAt(index, item)
  }

  /** Keeps the elements for which `keep` is true, in order; returns how many were removed. */
  retain(keep: (item: Buffer, index: number) => boolean): number {
    const kept: Buffer[] = []
    for (let i = 0; i < this.count; i++) {
      const item = this.at(i)
      if (keep(item, i)) kept.push(item)
    }
    const removed = this.count - kept.length
    if (removed > 0) this.replaceAll(kept)
    return removed
  }

  /** Drops `fromFront` elements from the front and `fromBack` from the back (LTRIM). */
  trim(fromFront: number, fromBack: number): void {
    for (let i = 0; i < fromFront && this.count > 0; i++) this.popFront()
    for (let i = 0; i < fromBack && this.count > 0; i++) this.popBack()
  }

  toArray(): Buffer[] {
    return this.range(0, this.count - 1)
  }

  private replaceAll(items: Buffer[]): void {
    let capacity = MIN_CAPACITY
    while (capacity < items.length) capacity *= 2
    this.slots = new Array<Buffer | undefined>(capacity)
    for (let i = 0; i < items.length; i++) this.slots[i] = items[i]
    this.head = 0
    this.count = items.length
  }

  private mask(): number {
    return this.slots.length - 1
  }

  private growIfFull(): void {
    if (this.count < this.slots.length) return
    this.resize(this.slots.length * 2)
  }

  /** Gives memory back after a large list was mostly popped (hysteresis of 4x avoids thrash). */
  private shrinkIfSparse(): void {
    if (this.slots.length > MIN_CAPACITY && this.count < this.slots.length / 4) {
      this.resize(Math.max(MIN_CAPACITY, this.slots.length / 2))
    }
  }

  private resize(capacity: number): void {
    const next = new Array<Buffer | undefined>(capacity)
    for (let i = 0; i < this.count; i++) next[i] = this.at(i)
    this.slots = next
    this.head = 0
  }
}

/** A list key's value. Redis deletes a list key when its last element goes, so a stored list is never empty. */
export class ListValue extends KeyState {
  readonly type = 'list' as const

  constructor(readonly items: ListDeque) {
    super()
  }
}

export function listValue(items: readonly Buffer[] = []): ListValue {
  return new ListValue(new ListDeque(items))
}

/**
 * OBJECT ENCODING of a list. Redis 7.0.15 stores every list as a quicklist
 * (whose nodes are listpacks sized by list-max-listpack-size) and reports
 * "quicklist" whatever its size: the small-list "listpack" encoding only
 * arrived in Redis 7.2. The config is taken so callers do not change when a
 * later version's rule is wanted.
 */
export function listEncoding(value: ListValue, config?: ConfigView): 'quicklist' {
  void value
  void config
  return 'quicklist'
}
