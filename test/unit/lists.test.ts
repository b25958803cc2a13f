/**
 * List command handlers at unit level (fake server, RESP2 bytes): a
 * property test drives random command sequences against a plain array model
 * and checks every reply and the whole keyspace after each step; example
 * tests pin the bookkeeping (dirty, modification signals, emptied keys) and
 * the blocking commands' answers when blocking is unavailable.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fakeServer, resp, type FakeServer } from './helpers/fake-context'
import { listCommands } from '../../main/server/commands/lists'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'

const TABLE = new Map(listCommands.map((c) => [c.name, c]))

/** Runs a list command (arity checked as dispatch does) and returns the RESP2 reply text. */
function call(server: FakeServer, ...args: string[]): string {
  const argv = args.map((a) => Buffer.from(a, 'latin1'))
  const spec = TABLE.get(args[0].toLowerCase())
  if (!spec?.handler) return server.call(...args)
  const arityOk = spec.arity >= 0 ? argv.length === spec.arity : argv.length >= -spec.arity
  if (!arityOk) return resp.err(`ERR wrong number of arguments for '${spec.name}' command`)
  const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
  return encodeReply(spec.handler(ctx), 2).toString('latin1')
}

const arr = (items: string[]): string => resp.array(items.map(resp.bulk))
const nilArray = '*-1\r\n'
const WRONGTYPE = resp.err('WRONGTYPE Operation against a key holding the wrong kind of value')

// ---- the model ---------------------------------------------------------------

type Model = Map<string, string[]>

const KEYS = ['k1', 'k2']
const key = fc.constantFrom('k1', 'k2', 's')
const elem = fc.constantFrom('a', 'b', 'c')
const small = fc.integer({ min: -6, max: 6 })
const end = fc.constantFrom('LEFT', 'RIGHT')

/** A command as argv, generated so most are valid and some hit errors. */
const commandArb: fc.Arbitrary<string[]> = fc.oneof(
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), key, fc.array(elem, { minLength: 1, maxLength: 3 })).map(
    ([c, k, vs]) => [c, k, ...vs],
  ),
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH'), key, fc.array(elem, { minLength: 1, maxLength: 3 })).map(([c, k, vs]) => [c, k, ...vs]),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, fc.option(fc.integer({ min: -1, max: 4 }))).map(([c, k, n]) =>
    n === null ? [c, k] : [c, k, String(n)],
  ),
  fc.tuple(key).map(([k]) => ['LLEN', k]),
  fc.tuple(key, small, small).map(([k, a, b]) => ['LRANGE', k, String(a), String(b)]),
  fc.tuple(key, small).map(([k, i]) => ['LINDEX', k, String(i)]),
  fc.tuple(key, small, elem).map(([k, i, v]) => ['LSET', k, String(i), v]),
  fc.tuple(key, fc.integer({ min: -3, max: 3 }), elem).map(([k, n, v]) => ['LREM', k, String(n), v]),
  fc.tuple(key, small, small).map(([k, a, b]) => ['LTRIM', k, String(a), String(b)]),
  fc.tuple(key, fc.constantFrom('BEFORE', 'AFTER'), elem, elem).map(([k, w, p, v]) => ['LINSERT', k, w, p, v]),
  fc
    .tuple(key, elem, fc.option(fc.integer({ min: -3, max: 3 })), fc.option(fc.nat(3)), fc.option(fc.nat(4)))
    .map(([k, v, rank, count, maxlen]) => [
      'LPOS',
      k,
      v,
      ...(rank === null ? [] : ['RANK', String(rank)]),
      ...(count === null ? [] : ['COUNT', String(count)]),
      ...(maxlen === null ? [] : ['MAXLEN', String(maxlen)]),
    ]),
  fc.tuple(key, key, end, end).map(([s, d, f, t]) => ['LMOVE', s, d, f, t]),
  fc.tuple(key, key).map(([s, d]) => ['RPOPLPUSH', s, d]),
  fc.tuple(fc.shuffledSubarray(['k1', 'k2', 's'], { minLength: 1 }), end, fc.option(fc.integer({ min: 1, max: 4 }))).map(
    ([ks, w, n]) => ['LMPOP', String(ks.length), ...ks, w, ...(n === null ? [] : ['COUNT', String(n)])],
  ),
  fc.tuple(fc.shuffledSubarray(['k1', 'k2'], { minLength: 1 }), fc.constantFrom('BLPOP', 'BRPOP')).map(([ks, c]) => [c, ...ks, '0']),
)

function clamp(start: number, stop: number, length: number): [number, number] | undefined {
  if (start < 0) start += length
  if (stop < 0) stop += length
  if (start < 0) start = 0
  if (start > stop || start >= length) return undefined
  return [start, Math.min(stop, length - 1)]
}

/** What Redis answers, computed on plain arrays; mutates the model. */
function expected(model: Model, argv: string[]): string {
  const [name, k] = argv
  const isString = (x: string): boolean => x === 's'
  const list = (x: string): string[] => model.get(x) ?? []
  const store = (x: string, items: string[]): void => {
    if (items.length === 0) model.delete(x)
    else model.set(x, items)
  }
  switch (name) {
    case 'LPUSH':
    case 'RPUSH':
    case 'LPUSHX':
    case 'RPUSHX': {
      if (isString(k)) return WRONGTYPE
      if (name.endsWith('X') && !model.has(k)) return resp.int(0)
      const items = list(k)
      for (const v of argv.slice(2)) if (name.startsWith('L')) items.unshift(v)
      else items.push(v)
      store(k, items)
      return resp.int(items.length)
    }
    case 'LPOP':
    case 'RPOP': {
      const hasCount = argv.length === 3
      const n = hasCount ? Number(argv[2]) : 0
      if (hasCount && n < 0) return resp.err('ERR value is out of range, must be positive')
      if (isString(k)) return WRONGTYPE
      if (!model.has(k)) return hasCount ? nilArray : resp.nil
      if (hasCount && n === 0) return resp.array([])
      const items = list(k)
      const popped = name === 'LPOP' ? items.splice(0, hasCount ? n : 1) : items.splice(-(hasCount ? n : 1)).reverse()
      store(k, items)
      return hasCount ? arr(popped) : resp.bulk(popped[0])
    }
    case 'LLEN':
      return isString(k) ? WRONGTYPE : resp.int(list(k).length)
    case 'LRANGE': {
      if (isString(k)) return WRONGTYPE
      const items = list(k)
      const r = clamp(Number(argv[2]), Number(argv[3]), items.length)
      return arr(r ? items.slice(r[0], r[1] + 1) : [])
    }
    case 'LINDEX': {
      if (isString(k)) return WRONGTYPE
      const items = list(k)
      let i = Number(argv[2])
      if (i < 0) i += items.length
      return i >= 0 && i < items.length ? resp.bulk(items[i]) : resp.nil
    }
    case 'LSET': {
      if (isString(k)) return WRONGTYPE
      if (!model.has(k)) return resp.err('ERR no such key')
      const items = list(k)
      let i = Number(argv[2])
      if (i < 0) i += items.length
      if (i < 0 || i >= items.length) return resp.err('ERR index out of range')
      items[i] = argv[3]
      return resp.ok
    }
    case 'LREM': {
      if (isString(k)) return WRONGTYPE
      const n = Number(argv[2])
      const items = list(k)
      const order = items.map((_, i) => i)
      if (n < 0) order.reverse()
      const doomed = new Set<number>()
      for (const i of order) {
        if (n !== 0 && doomed.size >= Math.abs(n)) break
        if (items[i] === argv[3]) doomed.add(i)
      }
      if (model.has(k)) store(k, items.filter((_, i) => !doomed.has(i)))
      return resp.int(doomed.size)
    }
    case 'LTRIM': {
      if (isString(k)) return WRONGTYPE
      if (!model.has(k)) return resp.ok
      const items = list(k)
      const r = clamp(Number(argv[2]), Number(argv[3]), items.length)
      store(k, r ? items.slice(r[0], r[1] + 1) : [])
      return resp.ok
    }
    case 'LINSERT': {
      if (isString(k)) return WRONGTYPE
      if (!model.has(k)) return resp.int(0)
      const items = list(k)
      const at = items.indexOf(argv[3])
      if (at < 0) return resp.int(-1)
      items.splice(argv[2] === 'AFTER' ? at + 1 : at, 0, argv[4])
      return resp.int(items.length)
    }
    case 'LPOS': {
      let rank = 1
      let count = -1
      let maxlen = 0
      for (let j = 3; j < argv.length; j += 2) {
        const v = Number(argv[j + 1])
        if (argv[j] === 'RANK') {
          if (v === 0) {
            return resp.err(
              "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
            )
          }
          rank = v
        } else if (argv[j] === 'COUNT') count = v
        else maxlen = v
      }
      if (!model.has(k) && !isString(k)) return count === -1 ? resp.nil : resp.array([])
      if (isString(k)) return WRONGTYPE
      const items = list(k)
      const order = items.map((_, i) => i)
      if (rank < 0) order.reverse()
      const scanned = maxlen === 0 ? order : order.slice(0, maxlen)
      const hits = scanned.filter((i) => items[i] === argv[2]).slice(Math.abs(rank) - 1)
      if (count === -1) return hits.length > 0 ? resp.int(hits[0]) : resp.nil
      return resp.array((count === 0 ? hits : hits.slice(0, count)).map(resp.int))
    }
    case 'LMOVE':
    case 'RPOPLPUSH': {
      const [, source, destination] = argv
      const from = name === 'RPOPLPUSH' ? 'RIGHT' : argv[3]
      const to = name === 'RPOPLPUSH' ? 'LEFT' : argv[4]
      if (isString(source)) return WRONGTYPE
      if (!model.has(source)) return resp.nil
      if (isString(destination)) return WRONGTYPE
      const src = list(source)
      const v = (from === 'LEFT' ? src.shift() : src.pop()) as string
      store(source, src)
      const dst = list(destination)
      if (to === 'LEFT') dst.unshift(v)
      else dst.push(v)
      store(destination, dst)
      return resp.bulk(v)
    }
    case 'LMPOP': {
      const numkeys = Number(argv[1])
      const keys = argv.slice(2, 2 + numkeys)
      const where = argv[2 + numkeys]
      const count = argv.length > 3 + numkeys ? Number(argv[4 + numkeys]) : 1
      for (const x of keys) {
        if (isString(x)) return WRONGTYPE
        if (!model.has(x)) continue
        const items = list(x)
        const popped = where === 'LEFT' ? items.splice(0, count) : items.splice(-count).reverse()
        store(x, items)
        return resp.array([resp.bulk(x), arr(popped)])
      }
      return nilArray
    }
    case 'BLPOP':
    case 'BRPOP': {
      for (const x of argv.slice(1, -1)) {
        if (!model.has(x)) continue
        const items = list(x)
        const v = (name === 'BLPOP' ? items.shift() : items.pop()) as string
        store(x, items)
        return arr([x, v])
      }
      // The fake server has no blocking service: the timeout reply comes at once.
      return nilArray
    }
  }
  throw new Error(`model lacks ${name}`)
}

describe('list commands against an array model', () => {
  it('agree on every reply and on the whole keyspace after every step', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 1, maxLength: 60 }), (commands) => {
        const server = fakeServer()
        server.call('SET', 's', 'string')
        const model: Model = new Map()
        for (const argv of commands) {
          const want = expected(model, argv)
          expect(call(server, ...argv), argv.join(' ')).toBe(want)
          for (const k of KEYS) {
            // Emptied lists must be gone, not stored empty.
            expect(call(server, 'EXISTS', k), `EXISTS ${k} after ${argv.join(' ')}`).toBe(resp.int(model.has(k) ? 1 : 0))
            expect(call(server, 'LRANGE', k, '0', '-1')).toBe(arr(model.get(k) ?? []))
          }
        }
      }),
      { numRuns: 600 },
    )
  })
})

describe('list bookkeeping', () => {
  function watch(server: FakeServer): string[] {
    const signals: string[] = []
    server.db().modifiedListeners.push((_db, k) => signals.push(k))
    return signals
  }

  it('counts one dirty change per element pushed or popped and signals each write', () => {
    const server = fakeServer()
    const signals = watch(server)
    expect(call(server, 'RPUSH', 'l', 'a', 'b', 'c')).toBe(resp.int(3))
    expect(server.dirty).toBe(3)
    expect(call(server, 'LPOP', 'l', '2')).toBe(arr(['a', 'b']))
    expect(server.dirty).toBe(5)
    expect(signals.filter((k) => k === 'l').length).toBeGreaterThanOrEqual(2)
  })

  it('does not count or signal reads and writes that change nothing', () => {
    const server = fakeServer()
    call(server, 'RPUSH', 'l', 'a')
    const signals = watch(server)
    const before = server.dirty
    call(server, 'LRANGE', 'l', '0', '-1')
    call(server, 'LREM', 'l', '0', 'zzz')
    call(server, 'LINSERT', 'l', 'BEFORE', 'zzz', 'x')
    call(server, 'LPUSHX', 'nokey', 'x')
    call(server, 'LPOP', 'l', '0')
    expect(server.dirty).toBe(before)
    expect(signals).toEqual([])
  })

  it('deletes the key when a pop, move, LREM or LTRIM empties it', () => {
    const server = fakeServer()
    for (const [fill, empty] of [
      [['RPUSH', 'l', 'a'], ['RPOP', 'l']],
      [['RPUSH', 'l', 'a'], ['LMOVE', 'l', 'other', 'LEFT', 'LEFT']],
      [['RPUSH', 'l', 'a', 'a'], ['LREM', 'l', '0', 'a']],
      [['RPUSH', 'l', 'a'], ['LTRIM', 'l', '1', '0']],
      [['RPUSH', 'l', 'a'], ['LMPOP', '1', 'l', 'LEFT', 'COUNT', '5']],
    ]) {
      call(server, ...fill)
      call(server, ...empty)
      expect(call(server, 'EXISTS', 'l'), empty.join(' ')).toBe(resp.int(0))
    }
  })

  it('keeps a TTL across pushes and drops it with the emptied key', () => {
    const server = fakeServer()
    call(server, 'RPUSH', 'l', 'a')
    server.call('PEXPIRE', 'l', '1000')
    call(server, 'RPUSH', 'l', 'b')
    expect(server.call('PTTL', 'l')).toBe(resp.int(1000))
    call(server, 'LPOP', 'l', '2')
    call(server, 'RPUSH', 'l', 'c')
    expect(server.call('PTTL', 'l')).toBe(resp.int(-1))
  })

  it('stores copies of the argument bytes', () => {
    const server = fakeServer()
    const arg = Buffer.from('abc')
    const ctx: CommandContext = { argv: [Buffer.from('RPUSH'), Buffer.from('l'), arg], client: server.client, server, db: server.db() }
    TABLE.get('rpush')?.handler?.(ctx)
    arg.write('xyz')
    expect(call(server, 'LINDEX', 'l', '0')).toBe(resp.bulk('abc'))
  })

  it('answers blocking commands at once when the server cannot block', () => {
    const server = fakeServer()
    expect(call(server, 'BLPOP', 'none', '0')).toBe(nilArray)
    expect(call(server, 'BLMPOP', '0', '1', 'none', 'LEFT')).toBe(nilArray)
    expect(call(server, 'BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0')).toBe(nilArray)
    expect(call(server, 'BRPOPLPUSH', 'none', 'd', '0')).toBe(nilArray)
  })

  it('answers BLMOVE with a plain nil, not the timeout reply, when blocking is denied (MULTI)', () => {
    const server = fakeServer()
    const argv = ['BLMOVE', 'none', 'd', 'LEFT', 'LEFT', '0'].map((a) => Buffer.from(a))
    const ctx: CommandContext = { argv, client: server.client, server, db: server.db(), denyBlocking: true }
    const reply = TABLE.get('blmove')?.handler?.(ctx)
    expect(reply && encodeReply(reply, 2).toString('latin1')).toBe(resp.nil)
  })
})
