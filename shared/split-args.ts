/**
 * Redis's `sdssplitargs`: splits a line into arguments the way redis-cli,
 * inline commands and redis.conf do. Double quotes understand \n \r \t \b \a,
 * \xHH and any other escaped character as itself; single quotes only \'.
 * A closing quote must be followed by whitespace or the end of the line,
 * otherwise the line is unbalanced and the result is null (Redis rejects it).
 *
 * Works on UTF-16 code units: `\xHH` yields the code unit HH. Callers holding
 * raw bytes decode them as latin1 first and encode the results as latin1 again
 * (see `splitArgsBytes`), which keeps binary arguments exact.
 */

/** C's isspace(): space, \t \n \v \f \r. */
function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r'
}

function isHexDigit(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch)
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }

export function splitArgs(line: string): string[] | null {
  const args: string[] = []
  let p = 0
  const n = line.length
  for (;;) {
    while (p < n && isSpace(line[p])) p++
    if (p >= n) return args
    let current = ''
    let inDouble = false
    let inSingle = false
    let done = false
    while (!done) {
      const ch = line[p]
      if (inDouble) {
        if (ch === '\\' && line[p + 1] === 'x' && isHexDigit(line[p + 2]) && isHexDigit(line[p + 3])) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16))
          p += 3
        } else if (ch === '\\' && p + 1 < n) {
          p++
          const escaped = line[p]
          current += ESCAPES[escaped] ?? escaped
        } else if (ch === '"') {
          if (p + 1 < n && !isSpace(line[p + 1])) return null
          done = true
        } else if (p >= n) {
          return null
        } else {
          current += ch
        }
      } else if (inSingle) {
        if (ch === '\\' && line[p + 1] === "'") {
          p++
          current += "'"
        } else if (ch === "'") {
          if (p + 1 < n && !isSpace(line[p + 1])) return null
          done = true
        } else if (p >= n) {
          return null
        } else {
          current += ch
        }
      } else if (p >= n || ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\0') {
        done = true
      } else if (ch === '"') {
        inDouble = true
      } else if (ch === "'") {
        inSingle = true
      } else {
        current += ch
      }
      if (p < n) p++
    }
    args.push(current)
  }
}

/** Byte-exact variant for binary input (inline commands): latin1 in, latin1 out. */
export function splitArgsBytes(line: Uint8Array): Uint8Array[] | null {
  let text = ''
  for (let i = 0; i < line.length; i += 8192) {
    text += String.fromCharCode(...line.subarray(i, i + 8192))
  }
  const parts = splitArgs(text)
  if (parts === null) return null
  return parts.map((part) => {
    const bytes = new Uint8Array(part.length)
    for (let i = 0; i < part.length; i++) bytes[i] = part.charCodeAt(i) & 0xff
    return bytes
  })
}

/**
 * sds.c sdscatrepr: a double-quoted, C-escaped string that splitArgs turns
 * back into `s` (config files, CONFIG REWRITE, the AOF manifest). With
 * `bytes`, `s` holds latin1 bytes (an sds) and every byte isprint() rejects,
 * 0x7f and above, is written \xHH as Redis writes it; without, characters
 * above 0x7f are kept, since config text may hold any Unicode character,
 * which \xHH could not express.
 */
export function quoteArg(s: string, { bytes = false } = {}): string {
  let out = '"'
  for (const ch of s) {
    const code = ch.charCodeAt(0)
    if (ch === '\\' || ch === '"') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\x07') out += '\\a'
    else if (ch === '\b') out += '\\b'
    else if (code < 32 || code === 127 || (bytes && code > 127)) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return `${out}"`
}
