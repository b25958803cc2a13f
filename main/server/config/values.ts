/**
 * Parsing one directive's arguments into its CONFIG GET form, with Redis's
 * error strings (config.c), which the file loader and CONFIG SET both print.
 * Pure: the only state a parse needs (the current value, the current dir) is
 * passed in.
 */
import { existsSync, statSync } from 'node:fs'
import { resolve, basename } from 'node:path'
import { formatBound, type DirectiveSpec } from '../../../shared/config-directives'
import { parseInt64 } from '../commands/parse'

export type ParseResult = { ok: true; value: string } | { ok: false; error: string }

const ok = (value: string): ParseResult => ({ ok: true, value })
const fail = (error: string): ParseResult => ({ ok: false, error })

/** util.c memtoull: digits with an optional unit; k/m/g are powers of 1000, kb/mb/gb of 1024. */
export function parseMemory(s: string): bigint | null {
  const m = /^([0-9]*)([a-zA-Z]*)$/.exec(s)
  if (!m || m[1] === '') return null
  const units: Record<string, bigint> = { '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n }
  const mul = units[m[2].toLowerCase()]
  if (mul === undefined) return null
  const value = BigInt(m[1]) * mul
  return value > 2n ** 64n - 1n ? null : value
}

function bigBound(n: number): bigint {
  return BigInt(formatBound(n))
}

function rangeError(spec: DirectiveSpec, octal = false): string {
  const fmt = (n: number): string => (octal ? n.toString(8) : formatBound(n))
  return `argument must be between ${fmt(spec.min ?? 0)} and ${fmt(spec.max ?? 0)} inclusive`
}

function inRange(spec: DirectiveSpec, v: bigint): boolean {
  return v >= bigBound(spec.min ?? 0) && v <= bigBound(spec.max ?? 0)
}

function parseNumeric(spec: DirectiveSpec, arg: string): ParseResult {
  switch (spec.type) {
    case 'integer': {
      const v = parseInt64(arg)
      if (v === null) return fail("argument couldn't be parsed into an integer")
      return inRange(spec, v) ? ok(v.toString()) : fail(rangeError(spec))
    }
    case 'octal': {
      if (!/^[0-7]+$/.test(arg)) return fail("argument couldn't be parsed as an octal number")
      const v = BigInt(parseInt(arg, 8))
      return inRange(spec, v) ? ok(v.toString(8)) : fail(rangeError(spec, true))
    }
    case 'memory': {
      const v = parseMemory(arg)
      if (v === null) return fail('argument must be a memory value')
      return inRange(spec, v) ? ok(v.toString()) : fail(rangeError(spec))
    }
    case 'memory-percent': {
      const v = parseMemory(arg)
      if (v !== null) return v <= bigBound(spec.max ?? 0) ? ok(v.toString()) : fail(rangeError(spec))
      const pct = arg.length > 1 && arg.endsWith('%') ? parseInt64(arg.slice(0, -1)) : null
      if (pct === null || pct < 0n) return fail('argument must be a memory or percent value')
      const limit = -BigInt(spec.min ?? 0)
      if (pct > limit) return fail(`percentage argument must be less or equal to ${limit}`)
      return ok(`${pct}%`)
    }
    default:
      return fail('not a number')
  }
}

function isBaseName(s: string): boolean {
  return basename(s) === s && !s.includes('/')
}

function parseString(spec: DirectiveSpec, arg: string): ParseResult {
  switch (spec.name) {
    case 'dbfilename':
      return isBaseName(arg) ? ok(arg) : fail("dbfilename can't be a path, just a filename")
    case 'appendfilename':
      if (arg === '') return fail("appendfilename can't be empty")
      return isBaseName(arg) ? ok(arg) : fail("appendfilename can't be a path, just a filename")
    case 'appenddirname':
      if (arg === '') return fail("appenddirname can't be empty")
      return isBaseName(arg) ? ok(arg) : fail("appenddirname can't be a path, just a dirname")
    default:
      return ok(arg)
  }
}

function parseSave(args: readonly string[]): ParseResult {
  const list = args.length === 1 && args[0] === '' ? [] : args
  if (list.length % 2 !== 0) return fail('Invalid save parameters')
  const out: string[] = []
  for (let j = 0; j < list.length; j++) {
    // strtoll with the whole string consumed: an optional sign and digits.
    if (!/^[ \t]*[+-]?[0-9]+$/.test(list[j])) return fail('Invalid save parameters')
    const v = BigInt(list[j].trim())
    if ((j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) return fail('Invalid save parameters')
    out.push(v.toString())
  }
  return ok(out.join(' '))
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const

/** Merges `<class> <hard> <soft> <seconds>` groups into the current three-class value. */
function parseClientOutputBufferLimit(args: readonly string[], current: string): ParseResult {
  if (args.length % 4 !== 0) return fail('Wrong number of arguments in buffer limit configuration.')
  const cur = current.split(' ')
  const values = new Map<string, string>()
  for (let i = 0; i + 3 < cur.length; i += 4) values.set(cur[i], cur.slice(i + 1, i + 4).join(' '))
  for (let j = 0; j < args.length; j += 4) {
    const name = args[j].toLowerCase()
    const cls = name === 'replica' ? 'slave' : name
    if (!(OBUF_CLASSES as readonly string[]).includes(cls)) return fail('Invalid client class specified in buffer limit configuration.')
    const hard = parseMemory(args[j + 1])
    const soft = parseMemory(args[j + 2])
    const secondsOk = /^[ \t]*[+-]?[0-9]+$/.test(args[j + 3]) && BigInt(args[j + 3].trim()) >= 0n
    if (hard === null || soft === null || !secondsOk) {
      return fail('Error in hard, soft or soft_seconds setting in buffer limit configuration.')
    }
    values.set(cls, `${hard} ${soft} ${BigInt(args[j + 3].trim())}`)
  }
  return ok(OBUF_CLASSES.map((c) => `${c} ${values.get(c) ?? '0 0 0'}`).join(' '))
}

function parseOomValues(args: readonly string[]): ParseResult {
  if (args.length !== 3) return fail('wrong number of arguments')
  for (const a of args) {
    if (!/^[ \t]*[+-]?[0-9]+$/.test(a) || Math.abs(Number(a)) > 2000) {
      return fail('Invalid oom-score-adj-values, elements must be between -2000 and 2000.')
    }
  }
  return ok(args.map((a) => String(Number(a))).join(' '))
}

/** notify.c: class characters in, canonical string out ('A' stands for g$lshzxetd). */
export function normalizeKeyspaceEvents(s: string): string | null {
  const all = 'g$lshzxetd'
  const flags = new Set<string>()
  for (const c of s) {
    if (c === 'A') for (const a of all) flags.add(a)
    else if ('g$lshzxeKEtmdn'.includes(c)) flags.add(c)
    else return null
  }
  // As notify.c prints it: 'A' swallows the classes it stands for, and 'n' too.
  let out = [...all].every((c) => flags.has(c)) ? 'A' : [...'g$lshzxetdn'].filter((c) => flags.has(c)).join('')
  for (const c of 'KEm') if (flags.has(c)) out += c
  return out
}

function parsePercentiles(args: readonly string[]): ParseResult {
  const list = args.length === 1 && args[0] === '' ? [] : args
  const out: string[] = []
  for (const a of list) {
    const v = /^[ \t]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(a) ? Number(a) : NaN
    if (Number.isNaN(v)) return fail('Invalid latency-tracking-info-percentiles parameters')
    if (v > 100 || v < 0) return fail('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]')
    out.push(String(v))
  }
  return ok(out.join(' '))
}

function parseDir(arg: string, currentDir: string): ParseResult {
  const path = resolve(currentDir, arg)
  // chdir()'s strerror, as Redis reports it.
  if (!existsSync(path)) return fail('No such file or directory')
  if (!statSync(path).isDirectory()) return fail('Not a directory')
  return ok(path)
}

export interface ParseContext {
  /** The directive's current CONFIG GET value (multi-class directives merge into it). */
  current: string
  /** The current `dir`, against which a relative `dir` resolves (Redis chdir()s). */
  dir: string
}

/**
 * Validates `args` (the words after the directive name) for `spec` and returns
 * the value as CONFIG GET will print it.
 */
export function parseDirectiveValue(spec: DirectiveSpec, args: readonly string[], ctx: ParseContext): ParseResult {
  if (!spec.multiArg && args.length !== 1) return fail('wrong number of arguments')
  const arg = args[0] ?? ''
  switch (spec.type) {
    case 'bool': {
      const v = arg.toLowerCase()
      return v === 'yes' || v === 'no' ? ok(v) : fail("argument must be 'yes' or 'no'")
    }
    case 'integer':
    case 'octal':
    case 'memory':
    case 'memory-percent':
      return parseNumeric(spec, arg)
    case 'enum': {
      const values = spec.values ?? []
      const found = values.find((v) => v === arg.toLowerCase())
      return found !== undefined ? ok(found) : fail(`argument(s) must be one of the following: ${values.join(', ')}`)
    }
    case 'string':
      return parseString(spec, arg)
    case 'save':
      return parseSave(args)
    case 'bind': {
      if (args.length > 16) return fail('Too many bind addresses specified.')
      return ok(args.length === 1 && arg === '' ? '' : args.join(' '))
    }
    case 'replicaof': {
      if (args.length !== 2) return fail('wrong number of arguments')
      if (args[0].toLowerCase() === 'no' && args[1].toLowerCase() === 'one') return ok('')
      if (!/^[ \t]*[+-]?[0-9]+$/.test(args[1]) || Number(args[1]) < 0 || Number(args[1]) > 65535) return fail('Invalid master port')
      return ok(`${args[0]} ${Number(args[1])}`)
    }
    case 'client-output-buffer-limit':
      return parseClientOutputBufferLimit(args, ctx.current)
    case 'oom-score-adj-values':
      return parseOomValues(args)
    case 'notify-keyspace-events': {
      const v = normalizeKeyspaceEvents(arg)
      return v === null ? fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.") : ok(v)
    }
    case 'percentiles':
      return parsePercentiles(args)
    case 'dir':
      return parseDir(arg, ctx.dir)
    default:
      return fail('Bad directive or wrong number of arguments')
  }
}
