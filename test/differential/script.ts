/**
 * The differential script format: one command per line in redis-cli quoting
 * (parsed by the same splitArgs as tandem-server's inline commands), `#`
 * comments, and a few `@` directives a Redis user can read at a glance:
 *
 *   @sleep 120                   wait 120 ms (expiry edges)
 *   @unordered KEYS *            array reply compared as a multiset
 *   @unordered-pairs CONFIG GET maxmemory*   flat/map pairs compared as a set
 *   @scan SCAN 0 MATCH k*        SCAN followed to cursor 0, keys compared as a set
 *   @ttl-range 2 PTTL k          integers may differ by 2 (negatives must be equal)
 *   @shape info INFO server      variable output: checked for shape, not bytes
 *   @shape random SPOP s 2       random picks: same reply type, element counts and nesting
 *   @closes SHUTDOWN NOSAVE      both servers must close the connection without a reply
 *
 * Everything without a directive must match byte for byte.
 */
import { splitArgsBytes } from '../../shared/split-args'

export type ShapeKind = 'info' | 'client-list' | 'time' | 'integer' | 'hello' | 'command' | 'command-list' | 'random'

export const SHAPE_KINDS: readonly ShapeKind[] = ['info', 'client-list', 'time', 'integer', 'hello', 'command', 'command-list', 'random']

export type Comparison =
  | { readonly kind: 'exact' }
  | { readonly kind: 'unordered' }
  | { readonly kind: 'unordered-pairs' }
  | { readonly kind: 'scan' }
  | { readonly kind: 'ttl-range'; readonly tolerance: number }
  | { readonly kind: 'shape'; readonly shape: ShapeKind }
  | { readonly kind: 'closes' }

export type Step =
  | { readonly type: 'command'; readonly line: number; readonly text: string; readonly args: Uint8Array[]; readonly comparison: Comparison }
  | { readonly type: 'sleep'; readonly line: number; readonly ms: number }

export class ScriptError extends Error {}

function toBytes(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0) & 0xff)
}

function fromBytes(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes)
}

/** Takes the leading `@directive [param]` off a line; returns the comparison and the rest. */
function parseDirective(words: Uint8Array[], line: number): { comparison: Comparison; rest: Uint8Array[] } | { sleepMs: number } {
  const name = fromBytes(words[0])
  const param = words[1] ? fromBytes(words[1]) : undefined
  const fail = (why: string): never => {
    throw new ScriptError(`line ${line}: ${why}`)
  }
  switch (name) {
    case '@sleep': {
      const ms = Number(param)
      if (!Number.isInteger(ms) || ms < 0 || words.length !== 2) fail('@sleep takes one whole number of milliseconds')
      return { sleepMs: ms }
    }
    case '@unordered':
    case '@unordered-pairs':
    case '@scan':
    case '@closes':
      return { comparison: { kind: name.slice(1) as 'unordered' | 'unordered-pairs' | 'scan' | 'closes' }, rest: words.slice(1) }
    case '@ttl-range': {
      const tolerance = Number(param)
      if (!Number.isInteger(tolerance) || tolerance < 0) fail('@ttl-range takes a whole-number tolerance')
      return { comparison: { kind: 'ttl-range', tolerance }, rest: words.slice(2) }
    }
    case '@shape': {
      if (!SHAPE_KINDS.includes(param as ShapeKind)) fail(`@shape takes one of ${SHAPE_KINDS.join(', ')}`)
      return { comparison: { kind: 'shape', shape: param as ShapeKind }, rest: words.slice(2) }
    }
    default:
      return fail(`unknown directive ${name}`)
  }
}

export function parseScript(source: Buffer): Step[] {
  const steps: Step[] = []
  const lines = source.toString('latin1').split('\n')
  lines.forEach((raw, index) => {
    const line = index + 1
    const text = raw.trim()
    if (text === '' || text.startsWith('#')) return
    const words = splitArgsBytes(toBytes(text))
    if (words === null || words.length === 0) throw new ScriptError(`line ${line}: unbalanced quotes: ${text}`)
    let comparison: Comparison = { kind: 'exact' }
    let args = words
    if (text.startsWith('@')) {
      const parsed = parseDirective(words, line)
      if ('sleepMs' in parsed) {
        steps.push({ type: 'sleep', line, ms: parsed.sleepMs })
        return
      }
      comparison = parsed.comparison
      args = parsed.rest
      if (args.length === 0) throw new ScriptError(`line ${line}: directive without a command`)
    }
    steps.push({ type: 'command', line, text: renderCommand(args), args, comparison })
  })
  return steps
}

/** The command as redis-cli would echo it: printable words bare, anything else quoted and escaped. */
export function renderCommand(args: readonly Uint8Array[]): string {
  return args.map((arg) => (/^[\x21-\x7e]+$/.test(fromBytes(arg)) && !/["'\\]/.test(fromBytes(arg)) ? fromBytes(arg) : escapeBytes(arg))).join(' ')
}

/** Bytes as a double-quoted string with C escapes, the way redis-cli shows binary data. */
export function escapeBytes(bytes: Uint8Array): string {
  let out = '"'
  for (const b of bytes) {
    if (b === 0x0d) out += '\\r'
    else if (b === 0x0a) out += '\\n'
    else if (b === 0x22 || b === 0x5c) out += '\\' + String.fromCharCode(b)
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b)
    else out += '\\x' + b.toString(16).padStart(2, '0')
  }
  return out + '"'
}

export function countCommands(steps: readonly Step[]): number {
  return steps.filter((s) => s.type === 'command').length
}
