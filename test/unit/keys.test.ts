import { describe, expect, it } from 'vitest'
import { fakeServer, resp } from './helpers/fake-context'

const NOT_INT = resp.err('ERR value is not an integer or out of range')
const SYNTAX = resp.err('ERR syntax error')

/** Parses a SCAN reply: [cursor, keys]. */
function scanStep(s: ReturnType<typeof fakeServer>, ...args: string[]): { cursor: string; keys: string[] } {
  const reply = s.reply('SCAN', ...args)
  if (reply.t !== 'array') throw new Error(`SCAN replied ${JSON.stringify(reply)}`)
  const [cursor, keys] = reply.v
  if (cursor.t !== 'bulk' || keys.t !== 'array') throw new Error('bad SCAN reply shape')
  return {
    cursor: cursor.v.toString(),
    keys: keys.v.map((k) => (k.t === 'bulk' ? Buffer.from(k.v).toString('latin1') : '?')),
  }
}

function scanAll(s: ReturnType<typeof fakeServer>, ...options: string[]): string[] {
  const seen: string[] = []
  let cursor = '0'
  do {
    const step = scanStep(s, cursor, ...options)
    seen.push(...step.keys)
    cursor = step.cursor
  } while (cursor !== '0')
  return seen
}

describe('DEL / UNLINK / EXISTS / TOUCH / TYPE', () => {
  it('DEL counts what it removed; EXISTS counts duplicates', () => {
    const s = fakeServer()
    s.call('MSET', 'a', '1', 'b', '2')
    expect(s.call('EXISTS', 'a', 'a', 'b', 'c')).toBe(resp.int(3))
    expect(s.call('TOUCH', 'a', 'c')).toBe(resp.int(1))
    expect(s.call('DEL', 'a', 'a', 'c')).toBe(resp.int(1))
    expect(s.call('UNLINK', 'b')).toBe(resp.int(1))
    expect(s.call('EXISTS', 'a', 'b')).toBe(resp.int(0))
    expect(s.dirty).toBe(4)
  })

  it('TYPE names the value type or none', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1')
    expect(s.call('TYPE', 'a')).toBe(resp.simple('string'))
    expect(s.call('TYPE', 'zz')).toBe(resp.simple('none'))
  })

  it('DEL of an expired key answers 0 and counts an expiry', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1', 'PX', '10')
    s.clock += 11
    expect(s.call('DEL', 'a')).toBe(resp.int(0))
    expect(s.stats.expiredKeys).toBe(1)
  })
})

describe('KEYS', () => {
  it('filters with the glob matcher and hides expired keys', () => {
    const s = fakeServer()
    s.call('MSET', 'hello', '1', 'hallo', '2', 'hxllo', '3', 'world', '4')
    s.call('SET', 'hbllo', 'x', 'PX', '5')
    s.clock += 10
    expect(s.call('KEYS', 'h[ae]llo').length).toBeGreaterThan(0)
    const keys = (pattern: string): string[] => {
      const r = s.reply('KEYS', pattern)
      return r.t === 'array' ? r.v.map((k) => (k.t === 'bulk' ? k.v.toString() : '?')).sort() : []
    }
    expect(keys('h[ae]llo')).toEqual(['hallo', 'hello'])
    expect(keys('h?llo')).toEqual(['hallo', 'hello', 'hxllo'])
    expect(keys('*')).toEqual(['hallo', 'hello', 'hxllo', 'world'])
    expect(keys('w*')).toEqual(['world'])
  })
})

describe('SCAN', () => {
  it('walks every key exactly once on a stable keyspace and ends at cursor 0', () => {
    const s = fakeServer()
    for (let i = 0; i < 1000; i++) s.call('SET', `key:${i}`, 'v')
    const seen = scanAll(s, 'COUNT', '7')
    expect(new Set(seen).size).toBe(1000)
    expect(seen.length).toBe(1000)
  })

  it('returns every key present for the whole iteration while others come and go (table grows and shrinks)', () => {
    const s = fakeServer()
    for (let i = 0; i < 300; i++) s.call('SET', `stable:${i}`, 'v')
    for (let i = 0; i < 300; i++) s.call('SET', `churn:${i}`, 'v')
    const seen = new Set<string>()
    let cursor = '0'
    let round = 0
    do {
      const step = scanStep(s, cursor, 'COUNT', '5')
      step.keys.forEach((k) => seen.add(k))
      cursor = step.cursor
      // Between calls the keyspace changes under the cursor: transient keys come and go,
      // and twice a burst of 3000 keys makes the table grow, then shrink again when removed.
      const phase = round % 4
      if (phase === 0) for (let i = 0; i < 40; i++) s.call('DEL', `churn:${(round * 40 + i) % 300}`)
      if (phase === 2) for (let i = 0; i < 40; i++) s.call('SET', `churn:${(round * 40 + i) % 300}`, 'v')
      if (round === 10 || round === 60) for (let i = 0; i < 3000; i++) s.call('SET', `burst:${i}`, 'v')
      if (round === 30 || round === 80) for (let i = 0; i < 3000; i++) s.call('DEL', `burst:${i}`)
      round++
    } while (cursor !== '0' && round < 5000)
    expect(cursor).toBe('0')
    for (let i = 0; i < 300; i++) expect(seen.has(`stable:${i}`), `stable:${i}`).toBe(true)
  })

  it('MATCH, TYPE and COUNT options, with Redis errors', () => {
    const s = fakeServer()
    s.call('MSET', 'user:1', 'a', 'user:2', 'b', 'other', 'c')
    expect(scanAll(s, 'MATCH', 'user:*').sort()).toEqual(['user:1', 'user:2'])
    expect(scanAll(s, 'TYPE', 'STRING').length).toBe(3)
    expect(scanAll(s, 'TYPE', 'list')).toEqual([])
    expect(scanAll(s, 'TYPE', 'nosuch')).toEqual([])
    expect(s.call('SCAN', '0', 'COUNT', '0')).toBe(SYNTAX)
    expect(s.call('SCAN', '0', 'COUNT', '-1')).toBe(SYNTAX)
    expect(s.call('SCAN', '0', 'COUNT', 'abc')).toBe(NOT_INT)
    expect(s.call('SCAN', '0', 'MATCH')).toBe(SYNTAX)
    expect(s.call('SCAN', '0', 'foo', 'bar')).toBe(SYNTAX)
  })

  it('parses the cursor as strtoul does', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1')
    expect(s.call('SCAN', 'abc')).toBe(resp.err('ERR invalid cursor'))
    expect(s.call('SCAN', ' 0')).toBe(resp.err('ERR invalid cursor'))
    expect(s.call('SCAN', '18446744073709551616')).toBe(resp.err('ERR invalid cursor'))
    expect(s.call('SCAN', '-')).toBe(resp.err('ERR invalid cursor'))
    expect(scanStep(s, '+0').keys).toEqual(['a'])
    expect(scanStep(s, '').keys).toEqual(['a'])
    expect(scanStep(s, '18446744073709551615').cursor).toBe('0')
  })

  it('does not return expired keys and reclaims them', () => {
    const s = fakeServer()
    s.call('SET', 'live', '1')
    s.call('SET', 'dead', '1', 'PX', '1')
    s.clock += 2
    expect(scanAll(s)).toEqual(['live'])
    expect(s.stats.expiredKeys).toBe(1)
  })
})

describe('RENAME / RENAMENX', () => {
  it('moves value and TTL, replaces the destination', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1', 'EX', '100')
    s.call('SET', 'b', '2', 'EX', '5')
    expect(s.call('RENAME', 'a', 'b')).toBe(resp.ok)
    expect(s.call('GET', 'b')).toBe(resp.bulk('1'))
    expect(s.call('TTL', 'b')).toBe(resp.int(100))
    expect(s.call('EXISTS', 'a')).toBe(resp.int(0))
    s.call('SET', 'c', '3')
    s.call('SET', 'd', '4', 'EX', '5')
    expect(s.call('RENAME', 'c', 'd')).toBe(resp.ok)
    expect(s.call('TTL', 'd')).toBe(resp.int(-1))
  })

  it('errors on a missing source; a key renamed onto itself is OK / 0', () => {
    const s = fakeServer()
    expect(s.call('RENAME', 'nokey', 'x')).toBe(resp.err('ERR no such key'))
    expect(s.call('RENAMENX', 'nokey', 'nokey')).toBe(resp.err('ERR no such key'))
    s.call('SET', 'a', '1')
    expect(s.call('RENAME', 'a', 'a')).toBe(resp.ok)
    expect(s.call('RENAMENX', 'a', 'a')).toBe(resp.int(0))
    s.call('SET', 'b', '2')
    expect(s.call('RENAMENX', 'a', 'b')).toBe(resp.int(0))
    expect(s.call('RENAMENX', 'a', 'c')).toBe(resp.int(1))
    expect(s.call('GET', 'c')).toBe(resp.bulk('1'))
  })
})

describe('EXPIRE family / TTL / PTTL / PERSIST', () => {
  it('TTL and PTTL: -2 missing, -1 no TTL, rounding of seconds', () => {
    const s = fakeServer()
    expect(s.call('TTL', 'x')).toBe(resp.int(-2))
    s.call('SET', 'k', 'v')
    expect(s.call('TTL', 'k')).toBe(resp.int(-1))
    s.call('PEXPIRE', 'k', '1499')
    expect(s.call('TTL', 'k')).toBe(resp.int(1))
    s.call('PEXPIRE', 'k', '1500')
    expect(s.call('TTL', 'k')).toBe(resp.int(2))
    expect(s.call('PTTL', 'k')).toBe(resp.int(1500))
  })

  it('option checks and errors match Redis 7.0', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1')
    expect(s.call('EXPIRE', 'a', '10', 'nx', 'xx')).toBe(
      resp.err('ERR NX and XX, GT or LT options at the same time are not compatible'),
    )
    expect(s.call('EXPIRE', 'a', '10', 'gt', 'lt')).toBe(resp.err('ERR GT and LT options at the same time are not compatible'))
    expect(s.call('EXPIRE', 'a', '10', 'foo')).toBe(resp.err('ERR Unsupported option foo'))
    expect(s.call('EXPIRE', 'nokey', '10', 'foo')).toBe(resp.err('ERR Unsupported option foo'))
    expect(s.call('EXPIRE', 'a', 'abc')).toBe(NOT_INT)
    expect(s.call('EXPIRE', 'a', '1.5')).toBe(NOT_INT)
    expect(s.call('EXPIRE', 'a', '9223372036854775807')).toBe(resp.err("ERR invalid expire time in 'expire' command"))
    expect(s.call('EXPIRE', 'a', '9223372036854775')).toBe(resp.err("ERR invalid expire time in 'expire' command"))
    expect(s.call('PEXPIRE', 'a', '9223372036854775807')).toBe(resp.err("ERR invalid expire time in 'pexpire' command"))
    expect(s.call('EXPIREAT', 'a', '9223372036854775807')).toBe(resp.err("ERR invalid expire time in 'expireat' command"))
    expect(s.call('EXPIRE', 'nokey', '10')).toBe(resp.int(0))
  })

  it('NX / XX / GT / LT semantics (no TTL counts as infinite)', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'v')
    expect(s.call('EXPIRE', 'k', '10', 'XX')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '10', 'GT')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '10', 'LT')).toBe(resp.int(1))
    expect(s.call('EXPIRE', 'k', '20', 'NX')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '5', 'GT')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '-1', 'GT')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '20', 'GT')).toBe(resp.int(1))
    expect(s.call('EXPIRE', 'k', '30', 'LT')).toBe(resp.int(0))
    expect(s.call('EXPIRE', 'k', '15', 'XX', 'LT')).toBe(resp.int(1))
    expect(s.call('TTL', 'k')).toBe(resp.int(15))
  })

  it('a time in the past deletes the key at once', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1')
    s.call('SET', 'b', '1')
    s.call('SET', 'c', '1')
    expect(s.call('EXPIRE', 'a', '0')).toBe(resp.int(1))
    expect(s.call('PEXPIREAT', 'b', String(s.clock))).toBe(resp.int(1))
    expect(s.call('EXPIREAT', 'c', '1')).toBe(resp.int(1))
    expect(s.db().size()).toBe(0)
  })

  it('a replica keeps a key given a past TTL and hides it until the master deletes it', () => {
    const s = fakeServer()
    s.call('SET', 'a', '1')
    s.expiry = 'hide'
    expect(s.call('EXPIRE', 'a', '-10')).toBe(resp.int(1))
    expect(s.call('GET', 'a')).toBe(resp.nil)
    expect(s.db().peek('a')).toBeDefined()
    expect(s.stats.expiredKeys).toBe(0)
    s.expiry = 'keep'
    expect(s.call('GET', 'a')).toBe(resp.bulk('1'))
  })

  it('EXPIREAT / PEXPIREAT use absolute times; PERSIST removes the TTL', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'v')
    expect(s.call('EXPIREAT', 'k', String(Math.floor(s.clock / 1000) + 100))).toBe(resp.int(1))
    expect(s.call('TTL', 'k')).toBe(resp.int(100))
    expect(s.call('PEXPIREAT', 'k', String(s.clock + 1234))).toBe(resp.int(1))
    expect(s.call('PTTL', 'k')).toBe(resp.int(1234))
    expect(s.call('PERSIST', 'k')).toBe(resp.int(1))
    expect(s.call('PERSIST', 'k')).toBe(resp.int(0))
    expect(s.call('PERSIST', 'nokey')).toBe(resp.int(0))
    expect(s.call('TTL', 'k')).toBe(resp.int(-1))
  })

  it('lazy expiry: a key expiring exactly now is alive, one ms later it is gone', () => {
    const s = fakeServer()
    s.call('SET', 'k', 'v', 'PX', '100')
    s.clock += 100
    expect(s.call('GET', 'k')).toBe(resp.bulk('v'))
    expect(s.call('PTTL', 'k')).toBe(resp.int(0))
    s.clock += 1
    expect(s.call('GET', 'k')).toBe(resp.nil)
    expect(s.call('TTL', 'k')).toBe(resp.int(-2))
    expect(s.stats.expiredKeys).toBe(1)
  })
})

describe('RANDOMKEY', () => {
  it('nil on an empty db, never an expired key', () => {
    const s = fakeServer()
    expect(s.call('RANDOMKEY')).toBe(resp.nil)
    s.call('SET', 'live', '1')
    for (let i = 0; i < 50; i++) s.call('SET', `dead:${i}`, '1', 'PX', '1')
    s.clock += 5
    for (let i = 0; i < 20; i++) expect(s.call('RANDOMKEY')).toBe(resp.bulk('live'))
  })
})

describe('declarations', () => {
  it('match COMMAND INFO of Redis 7.0.15 for a sample', async () => {
    const { keyCommands } = await import('../../main/server/commands/keys')
    const { stringCommands } = await import('../../main/server/commands/strings')
    const byName = new Map([...keyCommands, ...stringCommands].map((c) => [c.name, c]))
    expect(byName.get('set')).toMatchObject({ arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: 1, step: 1 } })
    expect(byName.get('mset')).toMatchObject({ arity: -3, flags: ['write', 'denyoom'], keys: { first: 1, last: -1, step: 2 } })
    expect(byName.get('randomkey')).toMatchObject({ arity: 1, flags: ['readonly'] })
    expect(byName.get('randomkey')?.keys).toBeUndefined()
    expect(byName.get('scan')).toMatchObject({ arity: -2, flags: ['readonly'], group: 'generic', since: '2.8.0' })
    expect(byName.size).toBe(36)
    for (const spec of byName.values()) expect(spec.handler, spec.name).toBeTypeOf('function')
  })
})
