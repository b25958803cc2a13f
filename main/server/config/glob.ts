/**
 * Redis's stringmatchlen (util.c) for CONFIG GET patterns: `*`, `?`, `[...]`
 * with `^` negation and `a-z` ranges, `\` escapes. Kept here because the
 * keyspace matcher of store/ was not there yet when config/ was written; swap
 * to it once it exists (same semantics).
 */
export function globMatch(pattern: string, text: string, noCase = false): boolean {
  const p = noCase ? pattern.toLowerCase() : pattern
  const s = noCase ? text.toLowerCase() : text
  return matchFrom(p, 0, s, 0)
}

function matchFrom(p: string, pi: number, s: string, si: number): boolean {
  while (pi < p.length) {
    const c = p[pi]
    if (c === '*') {
      while (p[pi + 1] === '*') pi++
      if (pi + 1 === p.length) return true
      for (let k = si; k <= s.length; k++) if (matchFrom(p, pi + 1, s, k)) return true
      return false
    }
    if (si >= s.length) return false
    if (c === '?') {
      si++
      pi++
      continue
    }
    if (c === '[') {
      pi++
      const negate = p[pi] === '^'
      if (negate) pi++
      let matched = false
      while (pi < p.length && p[pi] !== ']') {
        if (p[pi] === '\\' && pi + 1 < p.length) {
          pi++
          if (p[pi] === s[si]) matched = true
        } else if (p[pi + 1] === '-' && pi + 2 < p.length && p[pi + 2] !== undefined) {
          let lo = p[pi]
          let hi = p[pi + 2]
          if (lo > hi) [lo, hi] = [hi, lo]
          if (s[si] >= lo && s[si] <= hi) matched = true
          pi += 2
        } else if (p[pi] === s[si]) {
          matched = true
        }
        pi++
      }
      if (negate) matched = !matched
      if (!matched) return false
      pi++ // past ']' (an unterminated class ends the pattern, as in Redis)
      si++
      continue
    }
    if (c === '\\' && pi + 1 < p.length) pi++
    if (p[pi] !== s[si]) return false
    pi++
    si++
  }
  return si === s.length
}
