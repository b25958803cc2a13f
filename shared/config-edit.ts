/**
 * Editing redis.conf values and files, shared by the config editor (renderer
 * validation, import), the control plane (writing non-runtime directives into
 * a node's file) and tandem-server's CONFIG REWRITE (the same merge Redis's
 * config.c rewriteConfig does). Plain data and string work only: the renderer
 * loads it. Names, types, bounds and defaults come from config-directives.ts.
 */
import { formatBound, findDirective, type DirectiveSpec } from './config-directives'
import { quoteArg, splitArgs } from './split-args'

export type EditCheck = { ok: true; value: string } | { ok: false; message: string }

const good = (value: string): EditCheck => ({ ok: true, value })
const bad = (message: string): EditCheck => ({ ok: false, message })

const MEMORY_UNITS: Readonly<Record<string, bigint>> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n }

/** util.c memtoull: digits with an optional unit (k/m/g powers of 1000, kb/mb/gb of 1024); null when malformed. */
export function parseMemoryValue(s: string): bigint | null {
  const m = /^([0-9]+)([a-zA-Z]*)$/.exec(s.trim())
  if (!m) return null
  const unit = MEMORY_UNITS[m[2].toLowerCase()]
  return unit === undefined ? null : BigInt(m[1]) * unit
}

function range(spec: DirectiveSpec): string {
  return `must be between ${formatBound(spec.min ?? 0)} and ${formatBound(spec.max ?? 0)}`
}

function inBounds(spec: DirectiveSpec, v: bigint): boolean {
  return v >= BigInt(formatBound(spec.min ?? 0)) && v <= BigInt(formatBound(spec.max ?? 0))
}

function checkInteger(spec: DirectiveSpec, s: string): EditCheck {
  if (!/^-?[0-9]+$/.test(s)) return bad('must be a whole number')
  return inBounds(spec, BigInt(s)) ? good(String(BigInt(s))) : bad(range(spec))
}

function checkMemory(spec: DirectiveSpec, s: string): EditCheck {
  if (spec.type === 'memory-percent' && /^[0-9]+%$/.test(s)) return good(s)
  const v = parseMemoryValue(s)
  if (v === null) return bad('must be a size such as 1048576, 100mb or 2gb (units k, kb, m, mb, g, gb)')
  return inBounds(spec, v) ? good(s.trim().toLowerCase()) : bad(`${range(spec)} bytes`)
}

const CLIENT_CLASSES = ['normal', 'replica', 'slave', 'pubsub']

function checkClientOutputBufferLimit(words: string[]): EditCheck {
  if (words.length === 0 || words.length % 4 !== 0) return bad('needs groups of four: <class> <hard limit> <soft limit> <soft seconds>')
  for (let i = 0; i < words.length; i += 4) {
    if (!CLIENT_CLASSES.includes(words[i].toLowerCase())) return bad(`unknown client class "${words[i]}" (normal, replica, pubsub)`)
    if (parseMemoryValue(words[i + 1]) === null || parseMemoryValue(words[i + 2]) === null) return bad('limits must be sizes such as 256mb')
    if (!/^[0-9]+$/.test(words[i + 3])) return bad('soft seconds must be a whole number')
  }
  return good(words.join(' '))
}

/**
 * Checks a value typed in the editor (CONFIG SET form: multi-argument values
 * as one space-separated string) for `spec`. The message says what is wrong in
 * words a user can act on; the server stays the final judge.
 */
export function checkDirectiveValue(spec: DirectiveSpec, raw: string): EditCheck {
  if (/[\r\n]/.test(raw)) return bad('must be one line')
  const s = raw.trim()
  const words = s === '' ? [] : s.split(/\s+/)
  switch (spec.type) {
    case 'bool':
      return s.toLowerCase() === 'yes' || s.toLowerCase() === 'no' ? good(s.toLowerCase()) : bad("must be 'yes' or 'no'")
    case 'integer':
      return checkInteger(spec, s)
    case 'octal':
      if (!/^[0-7]+$/.test(s)) return bad('must be an octal number such as 700')
      return parseInt(s, 8) <= (spec.max ?? 0) ? good(s) : bad(`must be at most ${(spec.max ?? 0).toString(8)}`)
    case 'memory':
    case 'memory-percent':
      return checkMemory(spec, s)
    case 'enum': {
      const values = spec.values ?? []
      return values.includes(s.toLowerCase()) ? good(s.toLowerCase()) : bad(`must be one of: ${values.join(', ')}`)
    }
    case 'save': {
      if (words.length % 2 !== 0) return bad('save points are pairs: <seconds> <changes>')
      if (words.some((w) => !/^[0-9]+$/.test(w))) return bad('seconds and changes must be whole numbers')
      return good(words.join(' '))
    }
    case 'bind':
      return words.length > 16 ? bad('at most 16 addresses') : good(words.join(' '))
    case 'replicaof': {
      if (words.length === 0) return good('')
      if (words.length === 2 && words[0].toLowerCase() === 'no' && words[1].toLowerCase() === 'one') return good('')
      if (words.length !== 2) return bad('must be "<host> <port>" or empty')
      if (!/^[0-9]+$/.test(words[1]) || Number(words[1]) > 65535) return bad('the port must be a number from 0 to 65535')
      return good(`${words[0]} ${Number(words[1])}`)
    }
    case 'client-output-buffer-limit':
      return checkClientOutputBufferLimit(words)
    case 'oom-score-adj-values':
      if (words.length !== 3 || words.some((w) => !/^-?[0-9]+$/.test(w) || Math.abs(Number(w)) > 2000)) return bad('must be three whole numbers from -2000 to 2000')
      return good(words.join(' '))
    case 'notify-keyspace-events':
      return /^[Ag$lshzxeKEtmdn]*$/.test(s) ? good(s) : bad("may only hold the event classes A g $ l s h z x e K E t m d n")
    case 'percentiles':
      if (words.some((w) => !/^[0-9]+(\.[0-9]+)?$/.test(w) || Number(w) > 100)) return bad('must be numbers from 0 to 100')
      return good(words.join(' '))
    case 'dir':
      return s === '' ? bad('must name a folder') : good(raw)
    default:
      return good(raw)
  }
}

/** Two values as CONFIG GET would print them are the same setting (case of yes/no and enums, memory units). */
export function sameValue(spec: DirectiveSpec, a: string, b: string): boolean {
  if (a === b) return true
  if (spec.type === 'bool' || spec.type === 'enum') return a.toLowerCase() === b.toLowerCase()
  if (spec.type === 'memory') {
    const x = parseMemoryValue(a)
    return x !== null && x === parseMemoryValue(b)
  }
  if (spec.multiArg || spec.type === 'save') return a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ')
  return false
}

/** Save points as a list of [seconds, changes]. */
export function savePoints(value: string): [number, number][] {
  const w = value.trim() === '' ? [] : value.trim().split(/\s+/).map(Number)
  const out: [number, number][] = []
  for (let i = 0; i + 1 < w.length; i += 2) out.push([w[i], w[i + 1]])
  return out
}

/** sds.c sdscatrepr: how Redis quotes string values in a rewritten file (the one quoting, beside splitArgs). */
export const reprArg = quoteArg

/** config.c rewriteConfigFormatMemory: the largest unit that divides exactly. */
export function formatMemory(value: string): string {
  const v = parseMemoryValue(value)
  if (v === null) return value
  const GB = 1024n ** 3n
  const MB = 1024n ** 2n
  if (v !== 0n && v % GB === 0n) return `${v / GB}gb`
  if (v !== 0n && v % MB === 0n) return `${v / MB}mb`
  if (v !== 0n && v % 1024n === 0n) return `${v / 1024n}kb`
  return String(v)
}

/** The lines a directive with this CONFIG GET value takes in a file, as Redis's CONFIG REWRITE writes them. */
export function directiveLines(spec: DirectiveSpec, value: string, defaultValue: string = spec.default): string[] {
  const name = spec.name
  switch (spec.type) {
    case 'save': {
      const points = savePoints(value)
      return points.length === 0 ? [`${name} ""`] : points.map(([s, c]) => `${name} ${s} ${c}`)
    }
    case 'client-output-buffer-limit': {
      const words = value.trim().split(/\s+/)
      const defaults = defaultValue.trim().split(/\s+/)
      const lines: string[] = []
      for (let i = 0; i + 3 < words.length; i += 4) {
        const group = words.slice(i, i + 4).join(' ')
        if (defaults.join(' ').includes(group)) continue
        const cls = words[i] === 'slave' ? 'replica' : words[i]
        lines.push(`${name} ${cls} ${formatMemory(words[i + 1])} ${formatMemory(words[i + 2])} ${words[i + 3]}`)
      }
      return lines
    }
    case 'bind':
    case 'replicaof':
    case 'oom-score-adj-values':
    case 'percentiles':
      return value.trim() === '' ? [] : [`${name} ${value.trim()}`]
    case 'memory':
      return [`${name} ${formatMemory(value)}`]
    case 'string':
    case 'dir':
    case 'notify-keyspace-events':
      return [`${name} ${reprArg(value)}`]
    default:
      return [`${name} ${value}`]
  }
}

export const REWRITE_SIGNATURE = '# Generated by CONFIG REWRITE'

/** What one directive should look like after a rewrite. */
export interface RewriteEntry {
  /** Canonical name. */
  name: string
  /** Its new lines (empty: the directive's old lines are removed). */
  lines: string[]
  /** Append when the old file does not have it (Redis forces non-default values). */
  force: boolean
}

/** Lines of a config file that the rewrite treats as belonging to a directive: canonical name per line, or null. */
function lineOwner(line: string): { owner: string | null; text: string } {
  if (line === '' || line.startsWith('#')) return { owner: null, text: line }
  const argv = splitArgs(line)
  const name = argv?.[0]?.toLowerCase()
  if (argv === null || name === undefined) return { owner: null, text: `# ??? ${line}` }
  const spec = findDirective(name)
  if (!spec && !['include', 'rename-command', 'user', 'loadmodule', 'sentinel'].includes(name)) return { owner: null, text: `# ??? ${line}` }
  return { owner: spec?.name ?? name, text: line }
}

/**
 * config.c rewriteConfig on text: every line of the old file stays where it
 * is (comments, blank lines, directives nobody touches); a directive's first
 * old lines are replaced by its new lines, extra old lines are dropped, new
 * ones are appended after a "# Generated by CONFIG REWRITE" line; runs of
 * blank lines collapse to one. Lines with unbalanced quotes or unknown
 * directives are kept as `# ??? <line>`, as Redis does.
 */
export function rewriteConfText(oldText: string, entries: readonly RewriteEntry[]): string {
  const lines: string[] = []
  const byOwner = new Map<string, number[]>()
  let needsSignature = true
  // As Redis's sdssplitlen: the text after the last newline is a line too (usually empty).
  const raw = oldText === '' ? [] : oldText.split('\n')
  for (const original of raw) {
    const trimmed = original.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
    const { owner, text } = lineOwner(trimmed)
    if (text === REWRITE_SIGNATURE) needsSignature = false
    if (owner !== null) byOwner.set(owner, [...(byOwner.get(owner) ?? []), lines.length])
    lines.push(text)
  }
  const appended: string[] = []
  for (const entry of entries) {
    const slots = byOwner.get(entry.name) ?? []
    entry.lines.forEach((line, i) => {
      if (i < slots.length) lines[slots[i]] = line
      else if (slots.length > 0 || entry.force) appended.push(line)
    })
    // Orphans: old lines this directive no longer needs become blank.
    for (let i = entry.lines.length; i < slots.length; i++) lines[slots[i]] = ''
  }
  if (appended.length > 0) {
    if (needsSignature) lines.push(REWRITE_SIGNATURE)
    lines.push(...appended)
  }
  let out = ''
  let wasEmpty = false
  for (const line of lines) {
    if (line === '') {
      if (wasEmpty) continue
      wasEmpty = true
    } else wasEmpty = false
    out += `${line}\n`
  }
  return out
}

/** One `name value` line of a parsed redis.conf (`save` lines accumulate; include etc. are reported). */
export interface ConfDirective {
  name: string
  /** The arguments as CONFIG SET takes them (several joined by a space). */
  value: string
  line: number
}

/**
 * Reads redis.conf text into directives, last one winning (save lines add up,
 * `save ""` clears), with aliases resolved. Lines that cannot be read come
 * back in `problems` with their line number.
 */
export function parseConfText(text: string): { directives: Map<string, ConfDirective>; problems: { line: number; message: string }[] } {
  const directives = new Map<string, ConfDirective>()
  const problems: { line: number; message: string }[] = []
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) return
    const argv = splitArgs(line)
    if (argv === null) {
      problems.push({ line: i + 1, message: `unbalanced quotes: ${line}` })
      return
    }
    const spec = findDirective(argv[0])
    if (!spec) {
      problems.push({ line: i + 1, message: `unknown directive "${argv[0]}"` })
      return
    }
    const args = argv.slice(1)
    let value = args.map((a) => (/\s/.test(a) || a === '' ? (args.length === 1 ? a : reprArg(a)) : a)).join(' ')
    if (spec.name === 'save') {
      const before = directives.get('save')
      const cleared = args.length === 1 && args[0] === ''
      value = cleared ? '' : [before?.value ?? '', args.join(' ')].filter((v) => v !== '').join(' ')
    }
    directives.set(spec.name, { name: spec.name, value, line: i + 1 })
  })
  return { directives, problems }
}
