import { afterEach, describe, expect, it, vi } from 'vitest'
import { BlockingService, block, parseBlockTimeout } from '../../main/server/blocking'
import type { Reply } from '../../main/server/protocol/reply'
import { NULL_ARRAY, bulk, error } from '../../main/server/protocol/replies'
import { encodeReply } from '../../main/server/protocol/writer'
import { fakeServer } from './helpers/fake-context'
import type { Database } from '../../main/server/store/database'
import type { CommandContext } from '../../main/server/context'

/** A fake blocking pop: serves when the key holds a string value, taking it. */
function takeString(db: Database, key: string): Reply | undefined {
  const value = db.lookupWrite(key)
  if (!value || value.type !== 'string') return undefined
  db.delete(key)
  return bulk(`${key} taken`)
}

function harness() {
  const server = fakeServer()
  const served: { client: object; reply: string }[] = []
  const service = new BlockingService({
    unblocked: (client, reply) => served.push({ client, reply: encodeReply(reply, 2).toString() }),
  })
  const blockOn = (client: object, key: string, timeoutMs = 0) =>
    service.block(client, server.db(), {
      keys: [key],
      timeoutMs,
      tryServe: (db) => takeString(db, key),
      onTimeout: () => NULL_ARRAY,
    })
  return { server, served, service, blockOn }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('blocking timeouts as getTimeoutFromObjectOrReply(UNIT_SECONDS)', () => {
  it('accepts seconds as floats, rounded up to milliseconds; 0 and tiny negatives mean forever', () => {
    expect(parseBlockTimeout('1')).toBe(1000)
    expect(parseBlockTimeout('0.5')).toBe(500)
    expect(parseBlockTimeout('0.0001')).toBe(1)
    expect(parseBlockTimeout('0')).toBe(0)
    expect(parseBlockTimeout('-0.0001')).toBe(0)
  })
  it('rejects what Redis 7.0 rejects, with its error strings', () => {
    expect(parseBlockTimeout('abc')).toEqual(error('ERR timeout is not a float or out of range'))
    expect(parseBlockTimeout(' 1')).toEqual(error('ERR timeout is not a float or out of range'))
    expect(parseBlockTimeout('-1')).toEqual(error('ERR timeout is negative'))
    expect(parseBlockTimeout('inf')).toEqual(error('ERR timeout is negative'))
    expect(parseBlockTimeout('1e30')).toEqual(error('ERR timeout is negative'))
    expect(parseBlockTimeout('9223372036854775')).toBeGreaterThan(2 ** 62)
    expect(parseBlockTimeout('9223372036854776')).toEqual(error('ERR timeout is negative'))
  })
})

describe('BlockingService', () => {
  it('serves a blocked client when its key is written, after the writing command', () => {
    const { server, served, service, blockOn } = harness()
    const a = {}
    blockOn(a, 'k')
    expect(service.isBlocked(a)).toBe(true)
    server.call('SET', 'other', 'x')
    expect(service.hasReadyKeys).toBe(false)
    server.call('SET', 'k', 'v')
    expect(served).toEqual([])
    service.serveReady()
    expect(served).toEqual([{ client: a, reply: '$7\r\nk taken\r\n' }])
    expect(service.isBlocked(a)).toBe(false)
    expect(server.call('EXISTS', 'k')).toBe(':0\r\n')
  })

  it('serves clients blocked on the same key in the order they blocked', () => {
    const { server, served, service, blockOn } = harness()
    const first = { n: 1 }
    const second = { n: 2 }
    blockOn(first, 'k')
    blockOn(second, 'k')
    server.call('SET', 'k', 'v')
    service.serveReady()
    expect(served.map((s) => s.client)).toEqual([first])
    expect(service.isBlocked(second)).toBe(true)
    server.call('SET', 'k', 'v2')
    service.serveReady()
    expect(served.map((s) => s.client)).toEqual([first, second])
  })

  it('keeps waiting while the key offers nothing it can serve', () => {
    const { server, served, service, blockOn } = harness()
    const a = {}
    blockOn(a, 'k')
    server.call('SET', 'k', 'v')
    server.call('DEL', 'k')
    service.serveReady()
    expect(served).toEqual([])
    expect(service.isBlocked(a)).toBe(true)
  })

  it('answers the timeout reply when the timeout fires, and forgets removed clients', () => {
    vi.useFakeTimers()
    const { server, served, service, blockOn } = harness()
    const a = {}
    const gone = {}
    blockOn(a, 'k', 100)
    blockOn(gone, 'k')
    service.remove(gone)
    vi.advanceTimersByTime(99)
    expect(served).toEqual([])
    vi.advanceTimersByTime(1)
    expect(served).toEqual([{ client: a, reply: '*-1\r\n' }])
    server.call('SET', 'k', 'v')
    service.serveReady()
    expect(served).toHaveLength(1)
    expect(service.blockedCount).toBe(0)
  })

  it('block() inside a transaction answers the timeout reply at once', () => {
    const { server, service } = harness()
    const ctx: CommandContext = {
      argv: [Buffer.from('bfake')],
      client: server.client,
      server: Object.assign(Object.create(server) as CommandContext['server'], { blocking: service }),
      db: server.db(),
      denyBlocking: true,
    }
    const request = { keys: ['k'], timeoutMs: 0, tryServe: () => undefined, onTimeout: () => NULL_ARRAY }
    expect(block(ctx, request)).toEqual(NULL_ARRAY)
    expect(service.blockedCount).toBe(0)
    expect(block({ ...ctx, denyBlocking: false }, request)).toEqual({ t: 'none' })
    expect(service.blockedCount).toBe(1)
  })
})
