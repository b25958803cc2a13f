/**
 * Replies printed the way `redis-cli` 7 prints them on a terminal, so the
 * console in Tandem reads exactly like the tool people already know.
 *
 * Two printers, as in redis-cli.c:
 * - `formatReplyTTY` (cliFormatReplyTTY): typed and quoted — `OK`, `"v"`,
 *   `(integer) 1`, numbered and indented aggregates.
 * - `formatReplyRaw` (cliFormatReplyRaw): plain text. redis-cli uses it even on
 *   a terminal for a few commands whose reply is a report meant to be read
 *   as-is (INFO, CLIENT LIST …); `formatConsoleReply` makes that choice.
 *
 * Strings are printed over their UTF-8 bytes because redis-cli escapes bytes,
 * not characters: "é" shows as `"\xc3\xa9"`.
 */
import type { ConsoleReply } from './types'

const utf8 = new TextEncoder()

/** sdscatrepr: a quoted string with C-style escapes for every byte outside printable ASCII. */
export function quoteRepr(value: string): string {
  let out = '"'
  for (const byte of utf8.encode(value)) {
    switch (byte) {
      case 0x5c:
        out += '\\\\'
        break
      case 0x22:
        out += '\\"'
        break
      case 0x0a:
        out += '\\n'
        break
      case 0x0d:
        out += '\\r'
        break
      case 0x09:
        out += '\\t'
        break
      case 0x07:
        out += '\\a'
        break
      case 0x08:
        out += '\\b'
        break
      default:
        // C's isprint() in the "C" locale: 0x20..0x7e.
        out += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, '0')}`
    }
  }
  return out + '"'
}

const EMPTY_AGGREGATE: Record<'array' | 'set' | 'push' | 'map', string> = {
  array: '(empty array)',
  set: '(empty set)',
  push: '(empty push)',
  map: '(empty hash)',
}

const INDEX_SEPARATOR: Record<'array' | 'set' | 'push' | 'map', string> = {
  array: ')',
  set: '~',
  push: ')',
  map: '#',
}

/**
 * One reply as redis-cli prints it on a terminal, newline-terminated.
 * `prefix` is the indentation of the enclosing aggregate: nested elements
 * after the first are indented by it (the first sits right after its parent's
 * index, as in `1) 1) "x"`).
 */
export function formatReplyTTY(reply: ConsoleReply, prefix = ''): string {
  switch (reply.type) {
    case 'error':
      return `(error) ${reply.value}\n`
    case 'status':
      return `${reply.value}\n`
    case 'integer':
      return `(integer) ${reply.value}\n`
    case 'double':
      return `(double) ${reply.value}\n`
    case 'bulk':
      return `${quoteRepr(reply.value)}\n`
    case 'verbatim':
      return `${reply.value}\n`
    case 'nil':
      return '(nil)\n'
    case 'boolean':
      return reply.value ? '(true)\n' : '(false)\n'
    // redis-cli 7.0 has no case for big numbers (it aborts with "Unknown reply
    // type"); this is the line 7.2 and later print.
    case 'bignum':
      return `(big number) ${reply.value}\n`
    case 'array':
    case 'set':
    case 'push':
      return formatAggregate(reply.type, reply.items.map((item) => [item]), prefix)
    case 'map':
      return formatAggregate('map', reply.entries, prefix)
  }
}

/** Arrays, sets, pushes (one reply per element) and maps (key and value per element). */
function formatAggregate(
  type: 'array' | 'set' | 'push' | 'map',
  elements: readonly (readonly ConsoleReply[])[],
  prefix: string,
): string {
  if (elements.length === 0) return `${EMPTY_AGGREGATE[type]}\n`
  // Indexes are right-aligned to the widest one; nested replies indent past it.
  const width = String(elements.length).length
  const childPrefix = prefix + ' '.repeat(width + 2)
  let out = ''
  elements.forEach((element, i) => {
    out += `${i === 0 ? '' : prefix}${String(i + 1).padStart(width)}${INDEX_SEPARATOR[type]} `
    const [first, value] = element
    out += formatReplyTTY(first, childPrefix)
    if (value !== undefined) {
      out = out.slice(0, -1) + ' => '
      const formattedValue = formatReplyTTY(value, childPrefix)
      // A value spanning several lines starts on its own line, aligned with the nesting.
      const multiLine = formattedValue.indexOf('\n') < formattedValue.length - 1
      out += multiLine ? `\n${childPrefix}${formattedValue}` : formattedValue
    }
  })
  return out
}

/** cliFormatReplyRaw: the reply's text without types or quotes; elements one per line. */
export function formatReplyRaw(reply: ConsoleReply): string {
  switch (reply.type) {
    case 'nil':
      return ''
    case 'error':
      return `${reply.value}\n`
    case 'status':
    case 'bulk':
    case 'verbatim':
    case 'integer':
    case 'double':
    case 'bignum':
      return reply.value
    case 'boolean':
      return reply.value ? '(true)' : '(false)'
    case 'array':
    case 'set':
    case 'push':
      return reply.items.map(formatReplyRaw).join('\n')
    case 'map':
      return reply.entries.map(([key, value]) => `${formatReplyRaw(key)} ${formatReplyRaw(value)}`).join('\n')
  }
}

/**
 * Commands whose replies redis-cli prints raw even on a terminal, because they
 * are human-readable reports (the list in redis-cli.c's cliSendCommand).
 */
export function printsRaw(argv: readonly string[]): boolean {
  const command = (argv[0] ?? '').toLowerCase()
  const sub = (argv[1] ?? '').toLowerCase()
  const argc = argv.length
  if (command === 'info' || command === 'lolwut') return true
  if (argc >= 2 && command === 'debug') return ['htstats', 'htstats-key', 'client-eviction'].includes(sub)
  if (argc >= 2 && command === 'memory') return sub === 'malloc-stats' || sub === 'doctor'
  if (argc === 2 && command === 'cluster') return sub === 'nodes' || sub === 'info'
  if (argc >= 2 && command === 'client') return sub === 'list' || sub === 'info'
  if (command === 'latency') return (argc === 3 && sub === 'graph') || (argc === 2 && sub === 'doctor')
  if (argc >= 2 && command === 'proxy') return sub === 'info'
  return false
}

/** What the console prints for `argv`'s reply: exactly redis-cli's terminal output. */
export function formatConsoleReply(argv: readonly string[], reply: ConsoleReply): string {
  return printsRaw(argv) ? formatReplyRaw(reply) : formatReplyTTY(reply)
}
