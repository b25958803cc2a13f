/**
 * db.c scanGenericCommand for one value (SSCAN, HSCAN): the cursor and option
 * grammar, and one step over the value's elements. A compact encoding
 * (intset, listpack) is returned whole in one call with cursor 0, as Redis
 * does; a hashtable is walked bucket by bucket through its ScanTable, so the
 * SCAN guarantee holds across calls while the value changes.
 */
import type { Reply } from '../protocol/reply'
import { ERR_NOT_INTEGER, ERR_SYNTAX, error } from '../protocol/replies'
import { cString, isToken, parseInt64 } from '../commands/parse'
import { globMatch } from './glob'
import type { ScanTable } from './scan-table'

export const ERR_INVALID_CURSOR = error('ERR invalid cursor')

/**
 * parseScanCursorOrReply: strtoul(10) over the whole argument ("" is 0, "-1"
 * wraps to 2^64-1); only the low 32 bits can address a bucket. The same rule
 * as SCAN in keys.ts.
 */
export function parseScanCursor(arg: Buffer): number | null {
  const text = cString(arg)
  if (text === '') return 0
  const m = /^([+-]?)(\d+)$/.exec(text)
  if (!m) return null
  const magnitude = BigInt(m[2])
  const ULONG_MAX = (1n << 64n) - 1n
  if (magnitude > ULONG_MAX) return null
  const value = m[1] === '-' ? (ULONG_MAX + 1n - magnitude) & ULONG_MAX : magnitude
  return Number(value & 0xffffffffn)
}

export interface ScanOptions {
  readonly count: number
  /** Undefined when there is no MATCH or it is "*" (Redis skips matching then). */
  readonly pattern: string | undefined
}

/** The options after `KEY CURSOR` (argv from index 3); TYPE is only for the keyspace SCAN. */
export function parseScanOptions(argv: readonly Buffer[], from: number): ScanOptions | Reply {
  let count = 10
  let pattern: string | undefined
  for (let i = from; i < argv.length; ) {
    const remaining = argv.length - i
    if (isToken(argv[i], 'COUNT') && remaining >= 2) {
      const n = parseInt64(argv[i + 1])
      if (n === null) return ERR_NOT_INTEGER
      if (n < 1n) return ERR_SYNTAX
      count = n > 1_000_000_000n ? 1_000_000_000 : Number(n)
      i += 2
    } else if (isToken(argv[i], 'MATCH') && remaining >= 2) {
      const p = argv[i + 1].toString('latin1')
      pattern = p === '*' ? undefined : p
      i += 2
    } else return ERR_SYNTAX
  }
  return { count, pattern }
}

/**
 * One step: the elements under the cursor (from `table`, or all of `all` when
 * the value has no table), filtered by the pattern. Returns the next cursor.
 */
export function scanStep(
  table: ScanTable | undefined,
  all: () => Iterable<string>,
  cursor: number,
  options: ScanOptions,
): { cursor: number; elements: string[] } {
  const found: string[] = []
  if (!table) {
    for (const e of all()) found.push(e)
    cursor = 0
  } else {
    // dictScan's bound as in Redis: COUNT is a hint, at most 10 bucket visits per wanted element.
    let maxIterations = options.count * 10
    do {
      cursor = table.scanBucket(cursor, (e) => found.push(e))
    } while (cursor !== 0 && maxIterations-- > 0 && found.length < options.count)
  }
  const pattern = options.pattern
  const elements = pattern === undefined ? found : found.filter((e) => globMatch(pattern, e))
  return { cursor, elements }
}
