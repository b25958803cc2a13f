/**
 * MONITOR's stream line (replicationFeedMonitors of Redis 7.0.15):
 * `+<sec>.<usec> [<db> <addr>] "arg" "arg"…\r\n`, each argument quoted by
 * sdscatrepr. The line is sent as raw bytes, the same in RESP2 and RESP3.
 * Passwords never reach the stream: AUTH and HELLO … AUTH arguments are
 * replaced by "(redacted)" as the commands themselves redact them.
 */
import type { CommandSpec } from './commands/types'

const REDACTED = Buffer.from('(redacted)')

/** sdscatrepr: a double-quoted, C-escaped rendering of binary-safe bytes. */
export function sdsRepr(bytes: Buffer): string {
  let out = '"'
  for (const b of bytes) {
    switch (b) {
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
        out += b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`
    }
  }
  return `${out}"`
}

/**
 * The argv as the monitor sees it. AUTH redacts every argument once its arity
 * is acceptable (authCommand); HELLO redacts the two words after each AUTH it
 * parses, stopping where its own parsing stops (helloCommand).
 */
export function redactedArgv(spec: CommandSpec, argv: readonly Buffer[]): readonly Buffer[] {
  if (spec.name === 'auth') return argv.length > 3 ? argv : argv.map((a, i) => (i === 0 ? a : REDACTED))
  if (spec.name !== 'hello' || argv.length < 2) return argv
  const version = argv[1].toString()
  if (!/^-?\d+$/.test(version) || Number(version) < 2 || Number(version) > 3) return argv
  const out = [...argv]
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j
    const option = argv[j].toString().toLowerCase()
    if (option === 'auth' && more >= 2) {
      out[j + 1] = REDACTED
      out[j + 2] = REDACTED
      j += 2
    } else if (option === 'setname' && more >= 1) {
      j++
    } else {
      break
    }
  }
  return out
}

/** call()'s rule: admin commands (CONFIG, CLIENT LIST, DEBUG …) and skip_monitor ones never reach the stream. */
export function monitorShows(spec: CommandSpec): boolean {
  return !spec.flags.includes('admin') && !spec.flags.includes('skip_monitor')
}

/** The whole status line, `nowUs` being microseconds since the epoch. */
export function monitorLine(nowUs: number, dbIndex: number, addr: string, argv: readonly Buffer[]): Buffer {
  const seconds = Math.floor(nowUs / 1e6)
  const micros = Math.floor(nowUs - seconds * 1e6)
  const args = argv.map(sdsRepr).join(' ')
  return Buffer.from(`+${seconds}.${String(micros).padStart(6, '0')} [${dbIndex} ${addr}] ${args}\r\n`, 'latin1')
}
