/**
 * WATCH across clients: a transaction fails (EXEC → null) when another client
 * writes a watched key, when the key expires, or when FLUSHALL removes it —
 * and only then. The one-connection flows are in test/differential/transactions.redis.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { startTandem, type RunningServer } from '../helpers/processes'

describe('WATCH between clients', () => {
  let server: RunningServer
  const clients: Redis[] = []
  const client = (protocol?: 3): Redis => {
    const c = new Redis({ port: server.port, maxRetriesPerRequest: 0, ...(protocol ? { protocol } : {}) })
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    server = await startTandem(['--save', ''])
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())))
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('EXEC fails when another client writes a watched key, succeeds otherwise', async () => {
    const a = client()
    const b = client()
    await a.set('tx:k', '1')
    await a.watch('tx:k')
    await b.set('tx:other', 'x')
    expect(await a.multi().incr('tx:k').exec()).toEqual([[null, 2]])

    await a.watch('tx:k')
    await b.incr('tx:k')
    expect(await a.multi().incr('tx:k').exec()).toBeNull()
    expect(await a.get('tx:k')).toBe('3')
  })

  it('EXEC fails when a watched key expires before it, even if nobody touched it', async () => {
    const a = client()
    await a.set('tx:e', 'v', 'PX', 100)
    await a.watch('tx:e')
    await new Promise((r) => setTimeout(r, 200))
    expect(await a.multi().set('tx:done', '1').exec()).toBeNull()
    expect(await a.exists('tx:done')).toBe(0)
  })

  it('FLUSHALL from another client invalidates watches of keys that existed only', async () => {
    const a = client()
    const b = client()
    await a.set('tx:f', '1')
    await a.watch('tx:f')
    await b.flushall()
    expect(await a.multi().ping().exec()).toBeNull()

    await a.watch('tx:never')
    await b.flushall()
    expect(await a.multi().ping().exec()).toEqual([[null, 'PONG']])
  })

  it('answers a failed EXEC with a RESP3 null', async () => {
    const a = client(3)
    const b = client()
    await a.set('tx:r3', '1')
    await a.watch('tx:r3')
    await b.del('tx:r3')
    expect(await a.multi().get('tx:r3').exec()).toBeNull()
  })
})
