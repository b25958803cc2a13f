/**
 * Small pieces the keyspace-extra command families share: Redis's
 * getIntFromObjectOrReply, the maxmemory policy class, and deep copies of
 * values (COPY).
 */
import type { ConfigView } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_NOT_INTEGER, error } from '../protocol/replies'
import type { RedisValue } from '../store/values'
import { fromPortable, limitsFromConfig, toPortable } from '../persistence/value-bridge'
import { parseInt64 } from './parse'

/** getIntFromObjectOrReply: a C int, or the error Redis replies (`message` replaces both texts when given). */
export function intArg(arg: Buffer, message?: string): number | Reply {
  const v = parseInt64(arg)
  if (v === null) return message ? error(`ERR ${message}`) : ERR_NOT_INTEGER
  if (v < -2147483648n || v > 2147483647n) return error(`ERR ${message ?? 'value is out of range, value must between -2147483648 and 2147483647'}`)
  return Number(v)
}

export function isReply(v: unknown): v is Reply {
  return typeof v === 'object' && v !== null && 't' in v
}

/** MAXMEMORY_FLAG_LFU / MAXMEMORY_FLAG_LRU of the configured maxmemory-policy. */
export function policyClass(config: ConfigView): 'lfu' | 'lru' | 'other' {
  const policy = config.get('maxmemory-policy') ?? 'noeviction'
  if (policy.endsWith('-lfu')) return 'lfu'
  if (policy.endsWith('-lru')) return 'lru'
  return 'other'
}

/** A deep copy with the same in-memory encoding (COPY's per-type dup functions). */
export function cloneValue(value: RedisValue, config: ConfigView): RedisValue | null {
  const portable = toPortable(value)
  if (portable === null) return null
  const copy = fromPortable(portable, limitsFromConfig(config))
  if (copy === null) return null
  if (copy.type === 'zset' && value.type === 'zset') copy.encoding = value.encoding
  return copy
}
