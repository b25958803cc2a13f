/**
 * The x87 80-bit `long double` that Redis uses for INCRBYFLOAT (and
 * HINCRBYFLOAT), emulated exactly with BigInt: a 64-bit mantissa, correct
 * rounding (round-half-even) after every parse and addition, and glibc's exact
 * `%.17Lf` output. JS doubles would not do: `INCRBYFLOAT k 0.1` on "0" replies
 * "0.1" in Redis precisely because 0.1L printed to 17 places is
 * 0.10000000000000000, whereas the double 0.1 prints 0.10000000000000001.
 */
import { MAX_LONG_DOUBLE_CHARS, floatSyntax } from '../commands/parse'

export type LongDouble =
  | { readonly kind: 'finite'; readonly neg: boolean; readonly mant: bigint; readonly exp: number }
  | { readonly kind: 'inf'; readonly neg: boolean }
  | { readonly kind: 'nan' }

const MANTISSA_BITS = 64
/** 2^16384 is the first power of two a long double cannot hold. */
const MAX_BINARY_EXPONENT = 16384
/** Decimal magnitudes beyond which strtold reports ERANGE (max ≈ 1.19e4932, min subnormal ≈ 3.65e-4951). */
const MAX_DECIMAL_MAGNITUDE = 4933
const MIN_DECIMAL_MAGNITUDE = -4951

const ZERO = { kind: 'finite', neg: false, mant: 0n, exp: 0 } as const

function zero(neg: boolean): LongDouble {
  return { kind: 'finite', neg, mant: 0n, exp: 0 }
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length
}

/** Round num/den (both positive) to a 64-bit mantissa: returns mant·2^exp nearest to the ratio, ties to even. */
function roundRatio(neg: boolean, num: bigint, den: bigint, exp2: number): LongDouble {
  if (num === 0n) return zero(neg)
  let shift = MANTISSA_BITS - (bitLength(num) - bitLength(den))
  for (;;) {
    const n = shift >= 0 ? num << BigInt(shift) : num
    const d = shift >= 0 ? den : den << BigInt(-shift)
    let q = n / d
    const bits = bitLength(q)
    if (bits > MANTISSA_BITS) {
      shift--
      continue
    }
    if (bits < MANTISSA_BITS) {
      shift++
      continue
    }
    const twiceRemainder = 2n * (n - q * d)
    if (twiceRemainder > d || (twiceRemainder === d && (q & 1n) === 1n)) q += 1n
    let exp = exp2 - shift
    if (bitLength(q) > MANTISSA_BITS) {
      q >>= 1n
      exp++
    }
    if (exp + MANTISSA_BITS > MAX_BINARY_EXPONENT) return { kind: 'inf', neg }
    return { kind: 'finite', neg, mant: q, exp }
  }
}

/**
 * strtold as getLongDoubleFromObject uses it: null when Redis would reply
 * "value is not a valid float" (bad syntax, leading space, NaN, ERANGE).
 */
export function parseLongDouble(arg: Buffer | string): LongDouble | null {
  const s = typeof arg === 'string' ? arg : arg.toString('latin1')
  if (s.length === 0 || s.length > MAX_LONG_DOUBLE_CHARS) return null
  const kind = floatSyntax(s)
  if (kind === null) return null
  const neg = s.startsWith('-')
  if (kind === 'inf') return { kind: 'inf', neg }
  const body = s.replace(/^[+-]/, '')
  if (kind === 'hex') {
    const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?\d+))?$/.exec(body)
    if (!m) return null
    const digits = BigInt('0x' + (m[1] + m[2] || '0'))
    if (digits === 0n) return zero(neg)
    const exp2 = Number(m[3] ?? '0') - 4 * m[2].length
    if (!Number.isFinite(exp2) || Math.abs(exp2) > 100_000) return null
    const result = roundRatio(neg, digits, 1n, exp2)
    return result.kind === 'inf' ? null : result
  }
  const m = /^(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(body)
  if (!m) return null
  const allDigits = (m[1] + m[2]).replace(/^0+/, '')
  if (allDigits === '') return zero(neg)
  const exp10 = Number(m[3] ?? '0') - m[2].length
  const magnitude = allDigits.length + exp10
  if (magnitude > MAX_DECIMAL_MAGNITUDE || magnitude < MIN_DECIMAL_MAGNITUDE) return null
  const digits = BigInt(allDigits)
  const result =
    exp10 >= 0 ? roundRatio(neg, digits * 10n ** BigInt(exp10), 1n, 0) : roundRatio(neg, digits, 10n ** BigInt(-exp10), 0)
  return result.kind === 'inf' ? null : result
}

export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  if (a.kind === 'nan' || b.kind === 'nan') return { kind: 'nan' }
  if (a.kind === 'inf' && b.kind === 'inf') return a.neg === b.neg ? a : { kind: 'nan' }
  if (a.kind === 'inf') return a
  if (b.kind === 'inf') return b
  if (a.mant === 0n) return b.mant === 0n ? zero(a.neg && b.neg) : b
  if (b.mant === 0n) return a
  const exp = Math.min(a.exp, b.exp)
  const av = (a.neg ? -a.mant : a.mant) << BigInt(a.exp - exp)
  const bv = (b.neg ? -b.mant : b.mant) << BigInt(b.exp - exp)
  const sum = av + bv
  if (sum === 0n) return ZERO
  return roundRatio(sum < 0n, sum < 0n ? -sum : sum, 1n, exp)
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return v.kind === 'finite'
}

/**
 * util.c ld2string in LD_STR_HUMAN mode: `%.17Lf`, then trailing zeros (and a
 * bare '.') trimmed, and "-0" printed as "0".
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  if (v.kind === 'nan') return 'nan'
  if (v.kind === 'inf') return v.neg ? '-inf' : 'inf'
  const scaled = v.mant * 10n ** 17n
  let q: bigint
  if (v.exp >= 0) q = scaled << BigInt(v.exp)
  else {
    const shift = BigInt(-v.exp)
    q = scaled >> shift
    const twiceRemainder = 2n * (scaled - (q << shift))
    const den = 1n << shift
    if (twiceRemainder > den || (twiceRemainder === den && (q & 1n) === 1n)) q += 1n
  }
  const digits = q.toString().padStart(18, '0')
  let text = `${digits.slice(0, -17)}.${digits.slice(-17)}`.replace(/0+$/, '').replace(/\.$/, '')
  if (v.neg) text = '-' + text
  return text === '-0' ? '0' : text
}
