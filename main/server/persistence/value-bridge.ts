/**
 * Converts between the keyspace's values (store/values.ts) and the portable
 * shape the RDB codec reads and writes, choosing in-memory encodings the way
 * Redis 7.0's loader does.
 */
import type { ConfigView } from '../context'
import type { RedisValue } from '../store/values'
import { stringValue } from '../store/values'
import { listValue } from '../store/list'
import { ZSet } from '../store/zset'
import { HashObject } from '../store/hash'
import { SetObject } from '../store/set'
import { DEFAULT_LIMITS, type EncodingLimits, type PortableValue } from './rdb-value'

/** The encoding limits from the live configuration (defaults for any directive it lacks). */
export function limitsFromConfig(config: ConfigView): EncodingLimits {
  const read = (name: string, fallback: number): number => {
    const text = config.get(name)
    if (text === undefined) return fallback
    const n = Number(text)
    return Number.isFinite(n) ? n : fallback
  }
  return {
    hashMaxListpackEntries: read('hash-max-listpack-entries', DEFAULT_LIMITS.hashMaxListpackEntries),
    hashMaxListpackValue: read('hash-max-listpack-value', DEFAULT_LIMITS.hashMaxListpackValue),
    zsetMaxListpackEntries: read('zset-max-listpack-entries', DEFAULT_LIMITS.zsetMaxListpackEntries),
    zsetMaxListpackValue: read('zset-max-listpack-value', DEFAULT_LIMITS.zsetMaxListpackValue),
    setMaxIntsetEntries: read('set-max-intset-entries', DEFAULT_LIMITS.setMaxIntsetEntries),
    listMaxListpackSize: read('list-max-listpack-size', DEFAULT_LIMITS.listMaxListpackSize),
  }
}

/** The portable form of a stored value; null for a type the codec does not handle yet. */
export function toPortable(value: RedisValue): PortableValue | null {
  switch (value.type) {
    case 'string':
      return { type: 'string', value: value.value }
    case 'list':
      return { type: 'list', items: value.items.toArray() }
    case 'zset': {
      const entries: [Buffer, number][] = []
      for (const [member, score] of value.entries()) entries.push([Buffer.from(member, 'latin1'), score])
      return { type: 'zset', entries, compact: value.encoding === 'listpack' }
    }
    case 'set':
      return { type: 'set', members: [...value.members()].map((m) => Buffer.from(m, 'latin1')) }
    case 'hash':
      return {
        type: 'hash',
        fields: [...value.fields].map(([f, v]) => [Buffer.from(f, 'latin1'), v] as const),
        compact: value.encoding === 'listpack',
      }
    default:
      return null
  }
}

/** A stored value built from a portable one; null for a type the keyspace cannot hold yet. */
export function fromPortable(value: PortableValue, limits: EncodingLimits = DEFAULT_LIMITS): RedisValue | null {
  switch (value.type) {
    case 'string':
      return stringValue(value.value)
    case 'list':
      return listValue(value.items)
    case 'zset': {
      const maxLength = value.entries.reduce((n, [m]) => Math.max(n, m.length), 0)
      // rdbLoadObject: a listpack source stays listpack unless it has too many entries; a skiplist source is compacted when it fits.
      const compact = value.compact
        ? value.entries.length <= limits.zsetMaxListpackEntries
        : value.entries.length <= limits.zsetMaxListpackEntries && maxLength <= limits.zsetMaxListpackValue
      const z = new ZSet(compact ? 'listpack' : 'skiplist')
      for (const [member, score] of value.entries) z.insertNew(score, member.toString('latin1'))
      return z
    }
    case 'set': {
      const set = new SetObject(value.members[0].toString('latin1'))
      for (const m of value.members) set.add(m.toString('latin1'), limits.setMaxIntsetEntries)
      return set
    }
    case 'hash': {
      const hash = new HashObject()
      const hashLimits = { entries: limits.hashMaxListpackEntries, value: limits.hashMaxListpackValue }
      for (const [f, v] of value.fields) hash.set(f.toString('latin1'), v, hashLimits)
      return hash
    }
    default:
      return null
  }
}
