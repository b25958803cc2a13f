/**
 * Set commands through their handlers: random SADD/SREM/SMOVE/SPOP sequences
 * against Set models, checking that an intset replies in ascending integer
 * order (as Redis does) until it must become a hashtable, and never goes back.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { fakeServer, resp, type FakeServer } from './helpers/fake-context'
import { setCommands } from '../../main/server/commands/sets'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'
import { setEncoding, type SetObject } from '../../main/server/store/set'
import { stringValue } from '../../main/server/store/values'

const TABLE = new Map(setCommands.map((c) => [c.name, c]))

function call(server: FakeServer, ...args: string[]): string {
  const argv = args.map((a) => Buffer.from(a, 'latin1'))
  const spec = TABLE.get(args[0].toLowerCase())
  if (!spec?.handler) throw new Error(`not a set command: ${args[0]}`)
  const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
  return encodeReply(spec.handler(ctx), server.client.protocol).toString('latin1')
}

/** The bulk strings of an array reply. */
function members(reply: string): string[] {
  return reply.split('\r\n').slice(1).filter((_, i) => i % 2 === 1)
}

const member = fc.constantFrom('1', '2', '3', '10', '-4', '07', 'a', 'b')
const key = fc.constantFrom('s', 't')
const op = fc.oneof(
  fc.record({ kind: fc.constant('sadd' as const), key, member }),
  fc.record({ kind: fc.constant('srem' as const), key, member }),
  fc.record({ kind: fc.constant('smove' as const), key, member }),
  fc.record({ kind: fc.constant('spop' as const), key }),
)

const isInt = (m: string): boolean => /^(0|-?[1-9]\d*)$/.test(m)

describe('set commands against Set models', () => {
  it('SMEMBERS, SCARD, SISMEMBER and encodings follow the model', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.constantFrom(3, 512), (ops, maxIntset) => {
        const server = fakeServer()
        server.configValues.set('set-max-intset-entries', String(maxIntset))
        const models = new Map([['s', new Set<string>()], ['t', new Set<string>()]])
        const hashtable = new Map([['s', false], ['t', false]])
        const other = (k: string): string => (k === 's' ? 't' : 's')
        const added = (k: string, m: string): void => {
          const model = models.get(k) as Set<string>
          if (model.size === 0 && !hashtable.get(k)) hashtable.set(k, !isInt(m))
          model.add(m)
          if (!isInt(m) || model.size > maxIntset) hashtable.set(k, true)
        }
        for (const o of ops) {
          const model = models.get(o.key) as Set<string>
          if (o.kind === 'sadd') {
            expect(call(server, 'SADD', o.key, o.member)).toBe(resp.int(model.has(o.member) ? 0 : 1))
            added(o.key, o.member)
          } else if (o.kind === 'srem') {
            expect(call(server, 'SREM', o.key, o.member)).toBe(resp.int(model.delete(o.member) ? 1 : 0))
          } else if (o.kind === 'smove') {
            const moved = model.has(o.member)
            expect(call(server, 'SMOVE', o.key, other(o.key), o.member)).toBe(resp.int(moved ? 1 : 0))
            if (moved) {
              model.delete(o.member)
              added(other(o.key), o.member)
            }
          } else {
            const reply = call(server, 'SPOP', o.key)
            if (model.size === 0) expect(reply).toBe(resp.nil)
            else {
              const popped = reply.split('\r\n')[1]
              expect(model.delete(popped)).toBe(true)
            }
          }
          for (const [k, m] of models) {
            if (m.size === 0) hashtable.set(k, false)
            expect(call(server, 'SCARD', k)).toBe(resp.int(m.size))
            expect(server.db().has(k)).toBe(m.size > 0)
            const listed = members(call(server, 'SMEMBERS', k))
            if (hashtable.get(k)) expect([...listed].sort()).toEqual([...m].sort())
            else expect(listed).toEqual([...m].sort((x, y) => Number(BigInt(x) - BigInt(y))))
            const value = server.db().peek(k) as SetObject | undefined
            if (value) expect(setEncoding(value)).toBe(hashtable.get(k) ? 'hashtable' : 'intset')
            for (const candidate of ['1', '07', 'a']) expect(call(server, 'SISMEMBER', k, candidate)).toBe(resp.int(m.has(candidate) ? 1 : 0))
          }
        }
      }),
      { numRuns: 150 },
    )
  })

  it('SINTER, SUNION and SDIFF agree with set algebra on the models', () => {
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), fc.array(member, { maxLength: 8 }), (xs, ys) => {
        const server = fakeServer()
        if (xs.length) call(server, 'SADD', 'x', ...xs)
        if (ys.length) call(server, 'SADD', 'y', ...ys)
        const [x, y] = [new Set(xs), new Set(ys)]
        const sorted = (s: Iterable<string>): string[] => [...s].sort()
        expect(sorted(members(call(server, 'SINTER', 'x', 'y')))).toEqual(sorted([...x].filter((m) => y.has(m))))
        expect(sorted(members(call(server, 'SUNION', 'x', 'y')))).toEqual(sorted(new Set([...x, ...y])))
        expect(sorted(members(call(server, 'SDIFF', 'x', 'y')))).toEqual(sorted([...x].filter((m) => !y.has(m))))
        const inter = [...x].filter((m) => y.has(m)).length
        expect(call(server, 'SINTERCARD', '2', 'x', 'y', 'LIMIT', '1')).toBe(resp.int(Math.min(inter, 1)))
        expect(call(server, 'SINTERSTORE', 'd', 'x', 'y')).toBe(resp.int(inter))
        expect(server.db().has('d')).toBe(inter > 0)
      }),
      { numRuns: 150 },
    )
  })
})

describe('set commands', () => {
  it('SPOP with a count removes exactly the members it returns', () => {
    const server = fakeServer()
    call(server, 'SADD', 's', 'a', 'b', 'c', 'd', 'e')
    const popped = members(call(server, 'SPOP', 's', '3'))
    expect(popped).toHaveLength(3)
    expect(new Set(popped).size).toBe(3)
    for (const m of popped) expect(call(server, 'SISMEMBER', 's', m)).toBe(resp.int(0))
    expect(call(server, 'SCARD', 's')).toBe(resp.int(2))
    server.client.protocol = 3
    expect(call(server, 'SPOP', 's', '9').startsWith('~2\r\n')).toBe(true)
    expect(server.db().has('s')).toBe(false)
  })

  it('SRANDMEMBER with a negative count repeats members and changes nothing', () => {
    const server = fakeServer()
    call(server, 'SADD', 's', '1', '2')
    const picks = members(call(server, 'SRANDMEMBER', 's', '-20'))
    expect(picks).toHaveLength(20)
    for (const m of picks) expect(['1', '2']).toContain(m)
    expect(call(server, 'SMEMBERS', 's')).toBe(resp.array([resp.bulk('1'), resp.bulk('2')]))
  })

  it('*STORE replaces a key of another type and drops its TTL', () => {
    const server = fakeServer()
    server.db().set('d', stringValue(Buffer.from('x')))
    server.db().setExpire('d', server.clock + 10_000)
    call(server, 'SADD', 'a', '3', '1')
    expect(call(server, 'SUNIONSTORE', 'd', 'a')).toBe(resp.int(2))
    expect(server.db().getExpire('d')).toBeUndefined()
    expect(call(server, 'SMEMBERS', 'd')).toBe(resp.array([resp.bulk('1'), resp.bulk('3')]))
  })
})
