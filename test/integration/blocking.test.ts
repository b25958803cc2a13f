/**
 * The blocking infrastructure (main/server/blocking.ts) on the wire, through
 * BLPOP: timeouts, wake-up by another client's push, FIFO among several
 * blocked clients, non-blocking inside MULTI, commands pipelined behind a
 * blocked one, and a blocked client that disconnects.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { startTandem, type RunningServer } from '../helpers/processes'

describe('blocking commands', () => {
  let server: RunningServer
  const clients: Redis[] = []
  const client = (): Redis => {
    const c = new Redis({ port: server.port, lazyConnect: false, maxRetriesPerRequest: 0 })
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

  it('times out with a null reply after the fractional timeout', async () => {
    const c = client()
    const started = Date.now()
    expect(await c.blpop('bl:none', 0.3)).toBeNull()
    const waited = Date.now() - started
    expect(waited).toBeGreaterThanOrEqual(280)
    expect(waited).toBeLessThan(2000)
  })

  it('rejects bad timeouts with Redis errors', async () => {
    const c = client()
    await expect(c.blpop('k', 'abc')).rejects.toThrow('ERR timeout is not a float or out of range')
    await expect(c.blpop('k', -1)).rejects.toThrow('ERR timeout is negative')
  })

  it('wakes up when another client pushes, and serves blocked clients first come first served', async () => {
    const first = client()
    const second = client()
    const pusher = client()
    await pusher.del('bl:q')
    const a = first.blpop('bl:q', 5)
    await new Promise((r) => setTimeout(r, 50))
    const b = second.blpop('bl:q', 5)
    await new Promise((r) => setTimeout(r, 50))
    expect(await pusher.rpush('bl:q', 'one')).toBe(1)
    expect(await a).toEqual(['bl:q', 'one'])
    await pusher.rpush('bl:q', 'two', 'three')
    expect(await b).toEqual(['bl:q', 'two'])
    expect(await pusher.lrange('bl:q', 0, -1)).toEqual(['three'])
  })

  it('runs commands pipelined behind a blocked one only after it is served', async () => {
    const blocked = client()
    const pusher = client()
    await pusher.del('bl:p')
    const results = blocked.pipeline().blpop('bl:p', 5).get('bl:after').exec()
    await new Promise((r) => setTimeout(r, 50))
    await pusher.set('bl:after', 'written-later')
    await pusher.lpush('bl:p', 'x')
    expect(await results).toEqual([
      [null, ['bl:p', 'x']],
      [null, 'written-later'],
    ])
  })

  it('does not block inside MULTI: BLPOP answers null at once', async () => {
    const c = client()
    await c.del('bl:m')
    const started = Date.now()
    expect(await c.multi().blpop('bl:m', 0).exec()).toEqual([[null, null]])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('forgets a client that disconnects while blocked', async () => {
    const leaving = client()
    const pusher = client()
    await pusher.del('bl:d')
    leaving.blpop('bl:d', 0).catch(() => undefined)
    await new Promise((r) => setTimeout(r, 50))
    leaving.disconnect()
    await new Promise((r) => setTimeout(r, 50))
    await pusher.rpush('bl:d', 'kept')
    expect(await pusher.lrange('bl:d', 0, -1)).toEqual(['kept'])
  })
})
