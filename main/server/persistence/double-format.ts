/**
 * C's printf formats for doubles that RDB encodings and DEBUG DIGEST depend
 * on: `%.17g` (glibc spelling of inf/nan) and Redis's d2string, which listpack
 * zsets use for scores.
 */

/** printf("%.17g", v) as glibc prints it. */
export function formatDouble17g(v: number): string {
  if (Number.isNaN(v)) return 'nan'
  if (v === Infinity) return 'inf'
  if (v === -Infinity) return '-inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  const exp = Number(v.toExponential(16).split('e')[1])
  if (exp < -4 || exp >= 17) {
    const [mantissa, e] = v.toExponential(16).split('e')
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa
    const n = Number(e)
    const digits = String(Math.abs(n)).padStart(2, '0')
    return `${trimmed}e${n < 0 ? '-' : '+'}${digits}`
  }
  const fixed = v.toFixed(16 - exp)
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed
}

/** util.c d2string (Redis 7.0): integers in ±2^52 as integers, else %.17g. */
export function d2string(v: number): string {
  if (Number.isNaN(v)) return 'nan'
  if (v === Infinity) return 'inf'
  if (v === -Infinity) return '-inf'
  if (v === 0) return Object.is(v, -0) ? '-0' : '0'
  if (v > -4503599627370495 && v < 4503599627370496 && Number.isInteger(v)) return String(v)
  return formatDouble17g(v)
}
