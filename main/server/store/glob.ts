/**
 * util.c stringmatchlen (Redis 7.0.15), byte for byte: `*`, `?`, `[abc]`,
 * `[^a]`, `[a-z]` (reversed ranges allowed), `\x` escapes, an unclosed `[`
 * taken up to the end of the pattern. Bytes compare as C's signed `char`,
 * which matters for ranges with bytes >= 0x80. KEYS and SCAN MATCH share it.
 *
 * Patterns and subjects are byte strings (latin1, one char per byte). Reads
 * past the end of the pattern see 0, like C reading sds's terminating NUL.
 */

/** Recursion guard from 7.0.9 (CVE-2022-36021): absurdly nested `*` patterns simply fail. */
const MAX_NESTING = 1000

function signedByte(code: number): number {
  return code >= 128 ? code - 256 : code
}

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const state = { skipLongerMatches: false }
  return matchFrom(pattern, 0, subject, 0, nocase, state, 0)
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c
}

function matchFrom(
  pat: string,
  p: number,
  str: string,
  s: number,
  nocase: boolean,
  state: { skipLongerMatches: boolean },
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false
  const plen = pat.length
  const slen = str.length
  const at = (i: number): number => (i < plen ? pat.charCodeAt(i) : 0)

  while (p < plen && s < slen) {
    const c = at(p)
    if (c === 42 /* * */) {
      while (p + 1 < plen && at(p + 1) === 42) p++
      if (p + 1 === plen) return true
      while (s < slen) {
        if (matchFrom(pat, p + 1, str, s, nocase, state, nesting + 1)) return true
        if (state.skipLongerMatches) return false
        s++
      }
      state.skipLongerMatches = true
      return false
    } else if (c === 63 /* ? */) {
      s++
    } else if (c === 91 /* [ */) {
      p++
      const not = at(p) === 94 /* ^ */
      if (not) p++
      let match = false
      const sc = str.charCodeAt(s)
      for (;;) {
        if (at(p) === 92 /* \ */ && plen - p >= 2) {
          p++
          if (at(p) === sc) match = true
        } else if (at(p) === 93 /* ] */) {
          break
        } else if (p >= plen) {
          p--
          break
        } else if (plen - p >= 3 && at(p + 1) === 45 /* - */) {
          let start = signedByte(at(p))
          let end = signedByte(at(p + 2))
          let ch = signedByte(sc)
          if (start > end) [start, end] = [end, start]
          if (nocase) {
            start = lower(start)
            end = lower(end)
            ch = lower(ch)
          }
          p += 2
          if (ch >= start && ch <= end) match = true
        } else if (nocase ? lower(at(p)) === lower(sc) : at(p) === sc) {
          match = true
        }
        p++
      }
      if (not) match = !match
      if (!match) return false
      s++
    } else {
      let literal = c
      if (c === 92 /* \ */ && plen - p >= 2) {
        p++
        literal = at(p)
      }
      const sc = str.charCodeAt(s)
      if (nocase ? lower(literal) !== lower(sc) : literal !== sc) return false
      s++
    }
    p++
    if (s === slen) {
      while (p < plen && at(p) === 42) p++
      break
    }
  }
  return p >= plen && s === slen
}
