/**
 * Argument parsing exactly as Redis does it, so that the same bytes are
 * accepted and rejected with the same error.
 *
 * - Integers follow util.c `string2ll`: optional '-', no '+', no spaces, no
 *   leading zeros except "0" itself, at most 20 chars, fits in signed 64 bit.
 *   `parseInt64` returns a bigint because values such as INCRBY results and
 *   EXPIRE arguments can exceed 2^53; `parseSafeInt` is the convenience for
 *   counts and indexes where anything beyond 2^53 is treated like Redis treats
 *   a huge count (callers clamp).
 * - Floats follow `strtod`/`strtold` as object.c's getDoubleFromObject and
 *   getLongDoubleFromObject wrap them: no leading space, the whole string must
 *   be consumed, NaN and out-of-range (ERANGE) values rejected, "inf" accepted.
 * - Option tokens (NX, EX, MATCH …) compare case-insensitively like strcasecmp.
 *
 * Every parser returns null on failure: the caller picks the reply
 * (ERR_NOT_INTEGER / ERR_NOT_FLOAT) because Redis's wording depends on it.
 */

export const INT64_MAX = 9223372036854775807n
export const INT64_MIN = -9223372036854775808n

/** util.c LONG_STR_SIZE: strings this long or longer are never integers. */
const LONG_STR_SIZE = 21

/** Redis's string2ll on raw bytes. */
export function parseInt64(arg: Buffer | string): bigint | null {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1')
  const len = s.length
  if (len === 0 || len >= LONG_STR_SIZE) return null
  if (len === 1 && s === '0') return 0n
  let i = 0
  if (s.charCodeAt(0) === 45 /* - */) {
    i = 1
    if (len === 1) return null
  }
  const first = s.charCodeAt(i)
  if (first < 49 || first > 57) return null // must be 1-9: no leading zero, no '+', no space
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j)
    if (c < 48 || c > 57) return null
  }
  const value = BigInt(s)
  if (value > INT64_MAX || value < INT64_MIN) return null
  return value
}

/** string2ll as a JS number; integers beyond ±2^53 saturate (callers use it for counts and indexes). */
export function parseSafeInt(arg: Buffer | string): number | null {
  const v = parseInt64(arg)
  if (v === null) return null
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
    // Still a valid integer for Redis: saturate so callers' range checks behave like C's.
    return v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER
  }
  return Number(v)
}

/** object.c MAX_LONG_DOUBLE_CHARS: longer float arguments are rejected outright. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const HEX_FLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/
const INFINITY_WORD = /^([+-]?)(?:inf|infinity)$/i

/**
 * The syntax strtod accepts (minus leading whitespace and NaN, which Redis
 * rejects). Returns the lexical class so the long-double parser can reuse it.
 */
export function floatSyntax(s: string): 'decimal' | 'hex' | 'inf' | null {
  if (DECIMAL_FLOAT.test(s)) return 'decimal'
  if (INFINITY_WORD.test(s)) return 'inf'
  if (HEX_FLOAT.test(s)) return 'hex'
  return null
}

function hexFloatValue(s: string): number {
  const m = HEX_FLOAT.exec(s)
  if (!m) return NaN
  const [, sign, body, exp] = m
  const dot = body.indexOf('.')
  const digits = dot < 0 ? body : body.slice(0, dot) + body.slice(dot + 1)
  const fractionDigits = dot < 0 ? 0 : body.length - dot - 1
  let value = 0
  for (const d of digits) value = value * 16 + parseInt(d, 16)
  const scaled = value * Math.pow(2, Number(exp ?? '0') - 4 * fractionDigits)
  return sign === '-' ? -scaled : scaled
}

/** True when the mantissa digits contain something other than zeros (for underflow detection). */
function hasNonZeroDigit(s: string): boolean {
  const mantissa = s.replace(/^[+-]?(0[xX])?/, '').split(/[eEpP]/)[0]
  return /[1-9a-fA-F]/.test(mantissa)
}

/** getDoubleFromObject: strtod semantics on the whole argument. */
export function parseDouble(arg: Buffer | string): number | null {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1')
  if (s.length === 0 || s.length > MAX_LONG_DOUBLE_CHARS) return null
  const kind = floatSyntax(s)
  if (kind === null) return null
  if (kind === 'inf') return s.startsWith('-') ? -Infinity : Infinity
  const value = kind === 'hex' ? hexFloatValue(s) : Number(s)
  // strtod reports ERANGE for overflow (±HUGE_VAL) and for underflow to zero: Redis rejects both.
  if (!Number.isFinite(value)) return null
  if (value === 0 && hasNonZeroDigit(s)) return null
  return value
}

/**
 * strcasecmp(arg, token) == 0 for an ASCII token given in any case. Like the C
 * call, the argument ends at its first NUL byte.
 */
export function isToken(arg: Buffer | string, token: string): boolean {
  const nul = typeof arg === 'string' ? arg.indexOf('\0') : arg.indexOf(0)
  const length = nul < 0 ? arg.length : nul
  if (length !== token.length) return false
  for (let i = 0; i < token.length; i++) {
    let a = typeof arg === 'string' ? arg.charCodeAt(i) : arg[i]
    let b = token.charCodeAt(i)
    if (a >= 65 && a <= 90) a += 32
    if (b >= 65 && b <= 90) b += 32
    if (a !== b) return false
  }
  return true
}

/** Lower-cased ASCII token, for `switch` over option names. */
export function tokenOf(arg: Buffer): string {
  return arg.toString('latin1').toLowerCase()
}

/**
 * t_string.c getExpireMillisecondsOrReply: the absolute expire time in ms for
 * SET/SETEX/PSETEX/GETEX's EX, PX, EXAT, PXAT argument. 'not-integer' and
 * 'invalid' select the reply (`value is not an integer…` / `invalid expire
 * time in '<cmd>' command`). Zero and negative values are invalid, and so is
 * anything whose conversion or addition of `now` overflows signed 64-bit.
 */
export function stringExpireAt(
  arg: Buffer,
  unit: 'seconds' | 'milliseconds',
  relative: boolean,
  now: number,
): number | 'not-integer' | 'invalid' {
  let ms = parseInt64(arg)
  if (ms === null) return 'not-integer'
  if (ms <= 0n || (unit === 'seconds' && ms > INT64_MAX / 1000n)) return 'invalid'
  if (unit === 'seconds') ms *= 1000n
  if (relative) ms += BigInt(now)
  if (ms > INT64_MAX) return 'invalid' // C's signed overflow wraps negative and is rejected
  return Number(ms)
}

/**
 * expire.c expireGenericCommand's conversion for EXPIRE/PEXPIRE/EXPIREAT/
 * PEXPIREAT: negative values are allowed (they delete the key), overflow of the
 * unit conversion or of `basetime` addition is 'invalid'.
 */
export function keyExpireAt(
  arg: Buffer,
  unit: 'seconds' | 'milliseconds',
  basetime: number,
): number | 'not-integer' | 'invalid' {
  let when = parseInt64(arg)
  if (when === null) return 'not-integer'
  if (unit === 'seconds') {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return 'invalid'
    when *= 1000n
  }
  if (when > INT64_MAX - BigInt(basetime)) return 'invalid'
  return Number(when + BigInt(basetime))
}

/** An argument as C code prints it with %s: cut at the first NUL byte. */
export function cString(arg: Buffer): string {
  const nul = arg.indexOf(0)
  return (nul < 0 ? arg : arg.subarray(0, nul)).toString('latin1')
}
