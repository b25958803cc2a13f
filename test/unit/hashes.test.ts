/**
 * Hash commands through their handlers: random HSET/HSETNX/HDEL/HINCRBY
 * sequences against a Map model (a Map iterates like Redis's listpack: insertion
 * order, an update keeps its place), plus encoding and HSCAN checks.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fakeServer, resp, type FakeServer } from './helpers/fake-context'
import { hashCommands } from '../../main/server/commands/hashes'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'
import { hashEncoding, type HashObject } from '../../main/server/store/hash'

const TABLE = new Map(hashCommands.map((c) => [c.name, c]))

/** Runs a hash command on the fake server's current database; the RESP2 (or RESP3) reply text. */
function call(server: FakeServer, ...args: string[]): string {
  const argv = args.map((a) => Buffer.from(a, 'latin1'))
  const spec = TABLE.get(args[0].toLowerCase())
  if (!spec?.handler) throw new Error(`not a hash command: ${args[0]}`)
  const arityOk = spec.arity >= 0 ? argv.length === spec.arity : argv.length >= -spec.arity
  if (!arityOk) return resp.err(`ERR wrong number of arguments for '${spec.name}' command`)
  const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
  return encodeReply(spec.handler(ctx), server.client.protocol).toString('latin1')
}

function flatPairs(model: Map<string, string>): string {
  return resp.array([...model].flatMap(([f, v]) => [resp.bulk(f), resp.bulk(v)]))
}

const field = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f')
const op = fc.oneof(
  fc.record({ kind: fc.constant('hset' as const), field, value: fc.constantFrom('1', 'x', '', '-5', 'v'.repeat(70)) }),
  fc.record({ kind: fc.constant('hsetnx' as const), field, value: fc.constantFrom('2', 'y') }),
  fc.record({ kind: fc.constant('hdel' as const), field }),
  fc.record({ kind: fc.constant('hincrby' as const), field, by: fc.integer({ min: -3, max: 3 }) }),
)

describe('hash commands against a Map model', () => {
  it('HGETALL, HLEN, HEXISTS and the key itself follow the model; small hashes keep insertion order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.constantFrom(3, 512), (ops, maxEntries) => {
        const server = fakeServer()
        server.configValues.set('hash-max-listpack-entries', String(maxEntries))
        const model = new Map<string, string>()
        let converted = false
        for (const o of ops) {
          if (o.kind === 'hset') {
            expect(call(server, 'HSET', 'h', o.field, o.value)).toBe(resp.int(model.has(o.field) ? 0 : 1))
            model.set(o.field, o.value)
            if (o.value.length > 64) converted = true
          } else if (o.kind === 'hsetnx') {
            expect(call(server, 'HSETNX', 'h', o.field, o.value)).toBe(resp.int(model.has(o.field) ? 0 : 1))
            if (!model.has(o.field)) model.set(o.field, o.value)
          } else if (o.kind === 'hdel') {
            expect(call(server, 'HDEL', 'h', o.field)).toBe(resp.int(model.delete(o.field) ? 1 : 0))
          } else {
            const old = model.get(o.field) ?? '0'
            const reply = call(server, 'HINCRBY', 'h', o.field, String(o.by))
            if (/^(0|-?[1-9]\d*)$/.test(old)) {
              const next = String(BigInt(old) + BigInt(o.by))
              expect(reply).toBe(resp.int(next))
              model.set(o.field, next)
            } else expect(reply).toBe(resp.err('ERR hash value is not an integer'))
          }
          if (model.size > maxEntries) converted = true
          expect(call(server, 'HLEN', 'h')).toBe(resp.int(model.size))
          expect(server.db().has('h')).toBe(model.size > 0)
          const all = call(server, 'HGETALL', 'h')
          if (!converted) expect(all).toBe(flatPairs(model))
          else expect(all.length).toBe(flatPairs(model).length)
          const value = server.db().peek('h') as HashObject | undefined
          if (value) expect(hashEncoding(value)).toBe(converted ? 'hashtable' : 'listpack')
          if (model.size === 0) converted = false
        }
        for (const [f, v] of model) expect(call(server, 'HGET', 'h', f)).toBe(resp.bulk(v))
      }),
      { numRuns: 150 },
    )
  })
})

describe('hash commands', () => {
  it('counts every write in dirty and deletes the key when the last field goes', () => {
    const server = fakeServer()
    call(server, 'HSET', 'h', 'a', '1', 'b', '2')
    expect(server.dirty).toBe(2)
    call(server, 'HDEL', 'h', 'a', 'b', 'c')
    expect(server.dirty).toBe(4)
    expect(server.db().has('h')).toBe(false)
    expect(call(server, 'HDEL', 'h', 'a')).toBe(resp.int(0))
    expect(server.dirty).toBe(4)
  })

  it('HINCRBYFLOAT formats like an 80-bit long double', () => {
    const server = fakeServer()
    expect(call(server, 'HINCRBYFLOAT', 'h', 'f', '0.1')).toBe(resp.bulk('0.1'))
    expect(call(server, 'HINCRBYFLOAT', 'h', 'f', '0.2')).toBe(resp.bulk('0.3'))
    expect(call(server, 'HINCRBYFLOAT', 'h', 'f', 'inf')).toBe(resp.err('ERR value is NaN or Infinity'))
    call(server, 'HSET', 'h', 's', ' 1')
    expect(call(server, 'HINCRBYFLOAT', 'h', 's', '1')).toBe(resp.err('ERR hash value is not a float'))
  })

  it('HRANDFIELD WITHVALUES nests pairs in RESP3 and flattens them in RESP2', () => {
    const server = fakeServer()
    call(server, 'HSET', 'h', 'a', '1', 'b', '2')
    expect(call(server, 'HRANDFIELD', 'h', '5', 'WITHVALUES')).toBe('*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n')
    server.client.protocol = 3
    expect(call(server, 'HRANDFIELD', 'h', '5', 'WITHVALUES')).toBe('*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n')
    const picks = call(server, 'HRANDFIELD', 'h', '-7')
    expect(picks.startsWith('*7\r\n')).toBe(true)
    expect(picks.slice(4).replace(/\$1\r\n[ab]\r\n/g, '')).toBe('')
  })

  it('HSCAN over a hashtable returns every field present throughout, following the cursor', () => {
    const server = fakeServer()
    const fields = Array.from({ length: 600 }, (_, i) => `field:${i}`)
    for (const f of fields) call(server, 'HSET', 'big', f, 'v')
    expect(hashEncoding(server.db().peek('big') as HashObject)).toBe('hashtable')
    const seen = new Set<string>()
    let cursor = '0'
    let rounds = 0
    do {
      const reply = call(server, 'HSCAN', 'big', cursor, 'COUNT', '20')
      const [next, ...rest] = reply.split('\r\n').filter((line) => line !== '' && !/^[*$]/.test(line))
      cursor = next ?? '0'
      for (let i = 0; i + 1 < rest.length; i += 2) seen.add(rest[i])
      // Churn while iterating: fields deleted and added must not hide the ones that stay.
      call(server, 'HDEL', 'big', `field:${rounds}`)
      call(server, 'HSET', 'big', `extra:${rounds}`, 'v')
      rounds++
    } while (cursor !== '0' && rounds < 1000)
    expect(cursor).toBe('0')
    for (const f of fields.slice(rounds)) expect(seen.has(f)).toBe(true)
  })
})
