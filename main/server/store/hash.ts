/**
 * The hash value: field→value in a Map, plus the name of the encoding Redis
 * 7.0 would use (t_hash.c).
 *
 * Small hashes are a listpack in Redis, and replies list them in insertion
 * order, with an updated field keeping its place; a JS Map iterates exactly
 * like that, so replies for small hashes match Redis byte for byte. Once the
 * hash outgrows hash-max-listpack-entries/-value it becomes a hashtable
 * (never back): its order is Redis's random-seeded hash order, which nobody can
 * reproduce, so only then do we keep a ScanTable beside the Map for HSCAN's
 * cursor guarantee.
 *
 * Fields are byte strings held as latin1 JS strings (one char per byte, exact).
 */
import { KeyState } from './key-state'
import { ScanTable } from './scan-table'

export type HashEncoding = 'listpack' | 'hashtable'

/** hash-max-listpack-entries / hash-max-listpack-value (Redis 7.0 defaults 512 / 64). */
export interface HashLimits {
  readonly entries: number
  readonly value: number
}

export const DEFAULT_HASH_LIMITS: HashLimits = { entries: 512, value: 64 }

export class HashObject extends KeyState {
  readonly type = 'hash' as const
  readonly fields = new Map<string, Buffer>()
  private scanTable: ScanTable | undefined

  get encoding(): HashEncoding {
    return this.scanTable ? 'hashtable' : 'listpack'
  }

  get size(): number {
    return this.fields.size
  }

  get(field: string): Buffer | undefined {
    return this.fields.get(field)
  }

  has(field: string): boolean {
    return this.fields.has(field)
  }

  /**
   * hashTypeTryConversion: HSET/HSETNX/HMSET look at every argument before
   * writing and convert once one is longer than the value limit.
   */
  convertIfAnyTooLong(args: readonly Buffer[], limits: HashLimits): void {
    if (this.scanTable) return
    if (args.some((a) => a.length > limits.value)) this.convertToHashtable()
  }

  /**
   * hashTypeSet: true when the field is new. An update keeps the field's
   * place (lpReplace). Converts when the field or value is too long for a
   * listpack or the hash now has too many entries.
   */
  set(field: string, value: Buffer, limits: HashLimits): boolean {
    if (!this.scanTable && (field.length > limits.value || value.length > limits.value)) this.convertToHashtable()
    const added = !this.fields.has(field)
    this.fields.set(field, value)
    if (added) {
      this.scanTable?.add(field)
      if (!this.scanTable && this.fields.size > limits.entries) this.convertToHashtable()
    }
    return added
  }

  delete(field: string): boolean {
    if (!this.fields.delete(field)) return false
    this.scanTable?.delete(field)
    return true
  }

  /** One step of HSCAN over a hashtable-encoded hash (undefined for a listpack: reply with everything). */
  get table(): ScanTable | undefined {
    return this.scanTable
  }

  /** A uniformly random field (the hash must not be empty). */
  randomField(random: () => number = Math.random): string {
    if (this.scanTable) {
      const field = this.scanTable.randomKey(random)
      if (field !== undefined) return field
    }
    const index = Math.floor(random() * this.fields.size)
    let i = 0
    for (const field of this.fields.keys()) if (i++ === index) return field
    throw new Error('randomField on an empty hash')
  }

  private convertToHashtable(): void {
    const table = new ScanTable()
    for (const field of this.fields.keys()) table.add(field)
    this.scanTable = table
  }
}

/** What OBJECT ENCODING reports for a hash, as Redis 7.0 would. */
export function hashEncoding(value: HashObject): HashEncoding {
  return value.encoding
}
