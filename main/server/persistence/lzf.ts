/**
 * LZF as liblzf 3.6 does it (Redis's src/lzf_c.c and lzf_d.c, built with
 * HLOG 16, VERY_FAST, no ULTRA_FAST). The compressor reproduces lzf_compress
 * step for step — same hash, same match search, same run splitting — so a
 * string Redis would compress gets the same bytes here, which keeps DUMP
 * payloads byte-identical to a real Redis's.
 */

const HLOG = 16
const HSIZE = 1 << HLOG
const MAX_LIT = 1 << 5
const MAX_OFF = 1 << 13
const MAX_REF = (1 << 8) + (1 << 3)

/**
 * The hash table, shared by every call: a fresh 256 KB table per string made
 * an RDB save of many short strings crawl (zeroing dominated). A slot is live
 * only when its stamp is the current call's, which reads as "never seen"
 * otherwise — the same matches as a zeroed table.
 */
const HTAB_POS = new Int32Array(HSIZE)
const HTAB_STAMP = new Uint32Array(HSIZE)
let currentStamp = 0

/** IDX for VERY_FAST: ((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1), in 32-bit unsigned arithmetic. */
function slotOf(h: number): number {
  return ((h >>> (24 - HLOG)) - Math.imul(h, 5)) & (HSIZE - 1)
}

/**
 * lzf_compress: the compressed bytes, or null when they would not fit in
 * `outLimit` bytes (Redis passes len-4 and then stores the string as is).
 */
export function lzfCompress(input: Uint8Array, outLimit: number): Buffer | null {
  const inLen = input.length
  if (inLen === 0 || outLimit === 0) return null
  // Every byte below op is written before it is returned: no need to zero (a pooled allocation keeps short strings cheap).
  const out = Buffer.allocUnsafe(outLimit + 1)
  const outEnd = outLimit
  // Slots hold position+1 so 0 means "never seen" (ref would be in_data, which the `ref > in_data` test rejects).
  currentStamp = (currentStamp + 1) >>> 0
  if (currentStamp === 0) {
    HTAB_STAMP.fill(0)
    currentStamp = 1
  }
  const stamp = currentStamp
  const inEnd = inLen
  let ip = 0
  let op = 0
  let lit = 0
  op++ // start run

  const first = (p: number) => (input[p] << 8) | input[p + 1]
  const next = (v: number, p: number) => ((v << 8) | input[p + 2]) >>> 0

  let hval = first(ip)
  while (ip < inEnd - 2) {
    hval = next(hval, ip)
    const slot = slotOf(hval)
    const ref = HTAB_STAMP[slot] === stamp ? HTAB_POS[slot] - 1 : -1
    HTAB_POS[slot] = ip + 1
    HTAB_STAMP[slot] = stamp
    const off = ip - ref - 1
    if (
      ref > 0 &&
      off < MAX_OFF &&
      input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1]
    ) {
      let len = 2
      let maxlen = inEnd - ip - len
      if (maxlen > MAX_REF) maxlen = MAX_REF
      if (op + 3 + 1 >= outEnd) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null
      }
      out[op - lit - 1] = lit - 1 // stop run
      if (lit === 0) op-- // undo run if length is zero
      len = matchLength(input, ref, ip, len, maxlen)
      len -= 2
      ip++
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5)
      } else {
        out[op++] = (off >> 8) + (7 << 5)
        out[op++] = len - 7
      }
      out[op++] = off & 0xff
      lit = 0
      op++ // start run
      ip += len + 1
      if (ip >= inEnd - 2) break
      // VERY_FAST: re-hash the two positions just before the new ip.
      ip -= 2
      hval = first(ip)
      hval = next(hval, ip)
      HTAB_POS[slotOf(hval)] = ip + 1
      HTAB_STAMP[slotOf(hval)] = stamp
      ip++
      hval = next(hval, ip)
      HTAB_POS[slotOf(hval)] = ip + 1
      HTAB_STAMP[slotOf(hval)] = stamp
      ip++
    } else {
      if (op >= outEnd) return null
      lit++
      out[op++] = input[ip++]
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1
        lit = 0
        op++
      }
    }
  }
  if (op + 3 > outEnd) return null
  while (ip < inEnd) {
    lit++
    out[op++] = input[ip++]
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1
      lit = 0
      op++
    }
  }
  out[op - lit - 1] = lit - 1 // end run
  if (lit === 0) op--
  return out.subarray(0, op)
}

/** The match extension loop of lzf_compress, unrolled part included (it skips the maxlen check). */
function matchLength(input: Uint8Array, ref: number, ip: number, len: number, maxlen: number): number {
  if (maxlen > 16) {
    for (let k = 0; k < 16; k++) {
      len++
      if (input[ref + len] !== input[ip + len]) return len
    }
  }
  do len++
  while (len < maxlen && input[ref + len] === input[ip + len])
  return len
}

/**
 * lzf_decompress into exactly `outLength` bytes; null when the data is
 * corrupt (a back reference before the start, or output of another size).
 */
export function lzfDecompress(input: Uint8Array, outLength: number): Buffer | null {
  const out = Buffer.alloc(outLength)
  let ip = 0
  let op = 0
  while (ip < input.length) {
    let ctrl = input[ip++]
    if (ctrl < 1 << 5) {
      ctrl++
      if (op + ctrl > outLength || ip + ctrl > input.length) return null
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++]
    } else {
      let len = ctrl >> 5
      let ref = op - ((ctrl & 0x1f) << 8) - 1
      if (ip >= input.length) return null
      if (len === 7) {
        len += input[ip++]
        if (ip >= input.length) return null
      }
      ref -= input[ip++]
      len += 2
      if (op + len > outLength || ref < 0) return null
      for (let i = 0; i < len; i++) out[op++] = out[ref++]
    }
  }
  return op === outLength ? out : null
}
