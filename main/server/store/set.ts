/**
 * The set value, in the two encodings Redis 7.0 has (t_set.c, intset.c).
 *
 * - intset: every member is an integer in canonical string2ll form and there
 *   are at most set-max-intset-entries of them. Redis keeps them sorted and
 *   replies in that order, so we do too (a sorted bigint array, binary search):
 *   replies for integer sets then match Redis byte for byte.
 * - hashtable: anything else, one-way. Redis iterates it in random-seeded hash
 *   order nobody can reproduce, so a JS Set (insertion order) is as good, plus
 *   a ScanTable for SSCAN's cursor guarantee and O(1) random picks.
 *
 * Members are byte strings held as latin1 JS strings (one char per byte, exact).
 */
import { parseInt64 } from '../commands/parse'
import { KeyState } from './key-state'
import { ScanTable } from './scan-table'

export type SetEncoding = 'intset' | 'hashtable'

/** set-max-intset-entries' default in Redis 7.0. */
export const DEFAULT_MAX_INTSET_ENTRIES = 512

/** isSdsRepresentableAsLongLong: the member as an int64 when it is one in canonical form. */
export function memberAsInteger(member: string): bigint | null {
  return parseInt64(member)
}

/** Index of `value` in the sorted array, or -(insertion point) - 1 when absent. */
function search(ints: readonly bigint[], value: bigint): number {
  let lo = 0
  let hi = ints.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const v = ints[mid]
    if (v < value) lo = mid + 1
    else if (v > value) hi = mid - 1
    else return mid
  }
  return -lo - 1
}

export class SetObject extends KeyState {
  readonly type = 'set' as const
  /** The intset, while the set is one. */
  private ints: bigint[] | undefined
  private hashed: Set<string> | undefined
  private scanTable: ScanTable | undefined

  /** setTypeCreate: an intset when the first member is an integer, else a hashtable. */
  constructor(firstMember?: string) {
    super()
    if (firstMember === undefined || memberAsInteger(firstMember) !== null) this.ints = []
    else this.makeHashtable([])
  }

  get encoding(): SetEncoding {
    return this.ints ? 'intset' : 'hashtable'
  }

  get size(): number {
    return this.ints ? this.ints.length : (this.hashed?.size ?? 0)
  }

  has(member: string): boolean {
    if (this.hashed) return this.hashed.has(member)
    const n = memberAsInteger(member)
    return n !== null && this.ints !== undefined && search(this.ints, n) >= 0
  }

  /** setTypeAdd: true when the member is new; converts to a hashtable when the intset rules stop holding. */
  add(member: string, maxIntsetEntries: number): boolean {
    if (this.ints) {
      const n = memberAsInteger(member)
      if (n !== null) {
        const at = search(this.ints, n)
        if (at >= 0) return false
        this.ints.splice(-at - 1, 0, n)
        if (this.ints.length > maxIntsetEntries) this.makeHashtable(this.ints.map(String))
        return true
      }
      this.makeHashtable(this.ints.map(String))
    }
    const hashed = this.hashed as Set<string>
    if (hashed.has(member)) return false
    hashed.add(member)
    this.scanTable?.add(member)
    return true
  }

  remove(member: string): boolean {
    if (this.hashed) {
      if (!this.hashed.delete(member)) return false
      this.scanTable?.delete(member)
      return true
    }
    const n = memberAsInteger(member)
    if (n === null || !this.ints) return false
    const at = search(this.ints, n)
    if (at < 0) return false
    this.ints.splice(at, 1)
    return true
  }

  /** Members in Redis's iteration order for an intset (ascending); insertion order for a hashtable. */
  *members(): IterableIterator<string> {
    if (this.ints) for (const n of this.ints) yield n.toString()
    else if (this.hashed) yield* this.hashed
  }

  /** The ScanTable of a hashtable set, for SSCAN; undefined for an intset (reply with everything). */
  get table(): ScanTable | undefined {
    return this.scanTable
  }

  /** A uniformly random member; the set must not be empty. */
  randomMember(random: () => number = Math.random): string {
    if (this.ints) {
      if (this.ints.length === 0) throw new Error('randomMember on an empty set')
      return this.ints[Math.floor(random() * this.ints.length)].toString()
    }
    const member = this.scanTable?.randomKey(random)
    if (member === undefined) throw new Error('randomMember on an empty set')
    return member
  }

  private makeHashtable(members: readonly string[]): void {
    this.ints = undefined
    this.hashed = new Set(members)
    this.scanTable = new ScanTable()
    for (const m of members) this.scanTable.add(m)
  }
}

/** What OBJECT ENCODING reports for a set, as Redis 7.0 would. */
export function setEncoding(value: SetObject): SetEncoding {
  return value.encoding
}
