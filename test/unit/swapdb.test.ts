/**
 * SWAPDB exchanges two databases' contents in O(1), as Redis's
 * dbSwapDatabases swaps dict pointers: no key is visited, copied, guarded or
 * signalled, and the same value objects, TTLs, scan order and memory
 * accounting end up in the other database.
 */
import { describe, expect, it } from 'vitest'
import { fakeServer, resp, type FakeServer } from './helpers/fake-context'
import { allCommands } from '../../main/server/commands/index'
import type { CommandContext } from '../../main/server/context'
import { encodeReply } from '../../main/server/protocol/writer'
import type { Database } from '../../main/server/store/database'
import { stringValue } from '../../main/server/store/values'

const TABLE = new Map(allCommands().map((c) => [c.name, c]))

function call(server: FakeServer, ...args: string[]): string {
  const argv = args.map((a) => Buffer.from(a, 'latin1'))
  const spec = TABLE.get(args[0].toLowerCase())
  if (!spec?.handler) throw new Error(`no handler for ${args[0]}`)
  const ctx: CommandContext = { argv, client: server.client, server, db: server.db() }
  return encodeReply(spec.handler(ctx), 2).toString('latin1')
}

/** Counts every per-key hook a key-by-key copy would have to pass through. */
function countPerKeyWork(db: Database): { count: number } {
  const counter = { count: 0 }
  db.writeGuards.push(() => counter.count++)
  db.modifiedListeners.push(() => counter.count++)
  db.expiredListeners.push(() => counter.count++)
  return counter
}

describe('SWAPDB', () => {
  it('swaps 100,000 keys without touching a single one', () => {
    const server = fakeServer()
    const big = server.db(0)
    // Straight into the store: 100,000 command round trips would only slow the test down.
    for (let i = 0; i < 100_000; i++) big.set(`k:${i}`, stringValue(Buffer.from(`v${i}`)))
    call(server, 'PEXPIREAT', 'k:7', String(server.clock + 60_000))
    server.client.db = 1
    call(server, 'RPUSH', 'small', 'a', 'b')
    server.client.db = 0

    const sample = big.peek('k:42')
    const bigMemory = big.memory.datasetBytes
    const smallMemory = server.db(1).memory.datasetBytes
    const firstScan = big.scan(0, 10)
    const work = [countPerKeyWork(big), countPerKeyWork(server.db(1))]

    expect(call(server, 'SWAPDB', '0', '1')).toBe(resp.ok)

    expect(work.map((w) => w.count)).toEqual([0, 0])
    expect(server.db(1).peek('k:42')).toBe(sample)
    expect(server.db(1).memory.datasetBytes).toBe(bigMemory)
    expect(server.db(0).memory.datasetBytes).toBe(smallMemory)
    expect(server.db(1).scan(0, 10)).toEqual(firstScan)
    expect(server.db(1).getExpire('k:7')).toBe(server.clock + 60_000)
    expect(call(server, 'DBSIZE')).toBe(resp.int(1))
    expect(call(server, 'LRANGE', 'small', '0', '-1')).toBe(resp.array([resp.bulk('a'), resp.bulk('b')]))
    expect(call(server, 'GET', 'k:42')).toBe(resp.nil)
    server.client.db = 1
    expect(call(server, 'DBSIZE')).toBe(resp.int(100_000))
    expect(call(server, 'GET', 'k:42')).toBe(resp.bulk('v42'))
    expect(call(server, 'PTTL', 'k:7')).toBe(resp.int(60_000))
  }, 30_000)

  it('keeps TTL bookkeeping per database: avg_ttl and active expiry follow the keys', () => {
    const server = fakeServer()
    call(server, 'SET', 'short', 'x', 'PX', '1000')
    server.client.db = 1
    call(server, 'SET', 'long', 'y', 'PX', '100000')
    expect(call(server, 'SWAPDB', '0', '1')).toBe(resp.ok)
    expect(server.db(0).avgTtl()).toBe(100_000)
    expect(server.db(1).avgTtl()).toBe(1000)
    server.clock += 2000
    expect(server.db(1).activeExpireCycle(server.clock, 25)).toBe(1)
    expect(server.db(0).activeExpireCycle(server.clock, 25)).toBe(0)
    expect(server.db(0).size()).toBe(1)
  })

  it('answers the index errors and treats swapping a db with itself as a no-op', () => {
    const server = fakeServer()
    call(server, 'SET', 'k', 'v')
    expect(call(server, 'SWAPDB', '0', '0')).toBe(resp.ok)
    expect(call(server, 'GET', 'k')).toBe(resp.bulk('v'))
    expect(call(server, 'SWAPDB', '0', '16')).toBe(resp.err('ERR DB index is out of range'))
    expect(call(server, 'SWAPDB', 'x', '1')).toBe(resp.err('ERR invalid first DB index'))
    expect(call(server, 'SWAPDB', '0', 'y')).toBe(resp.err('ERR invalid second DB index'))
  })
})
