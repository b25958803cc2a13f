/**
 * Blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) over real connections,
 * run against tandem-server and, with the same expectations, against real
 * Redis 7.0 so the expectations are Redis's own: timeouts, wake-up by another
 * client's ZADD, and a client waiting on several keys served from the key
 * that became ready first rather than the first key it named.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const kinds = hasRealRedis() ? (['tandem', 'redis'] as const) : (['tandem'] as const)

describe.each(kinds)('blocking sorted-set pops (%s)', (kind) => {
  let server: RunningServer
  const clients: Redis[] = []

  beforeAll(async () => {
    server = kind === 'tandem' ? await startTandem(['--save', '']) : await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect()
    const admin = connect('admin')
    await admin.flushall()
    admin.disconnect()
    clients.pop()
  })

  function connect(name: string): Redis {
    const client = new Redis({ port: server.port, connectionName: name, maxRetriesPerRequest: 0, retryStrategy: () => null })
    clients.push(client)
    return client
  }

  /** Waits until the server has started `command` for the client named `name` (it is then blocked). */
  async function untilRunning(admin: Redis, name: string, command: string): Promise<void> {
    const deadline = Date.now() + 5000
    for (;;) {
      const list = String(await admin.client('LIST'))
      const line = list.split('\n').find((l) => l.includes(` name=${name} `))
      if (line?.includes(` cmd=${command} `) || line?.includes(` cmd=${command}\r`)) return
      if (Date.now() > deadline) throw new Error(`${name} never ran ${command}:\n${list}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  it('times out with a null reply after the timeout, not before', async () => {
    const c = connect('c')
    const started = Date.now()
    expect(await c.call('BZPOPMIN', 'empty', '0.2')).toBeNull()
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(await c.call('BZMPOP', '0.05', '2', 'e1', 'e2', 'MAX')).toBeNull()
  })

  it('wakes a blocked client when another client adds, and the popped member is gone', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.call('BZPOPMAX', 'z', '0')
    await untilRunning(admin, 'waiter', 'bzpopmax')
    expect(await admin.zadd('z', '1', 'low', '2', 'high')).toBe(2)
    expect(await popped).toEqual(['z', 'high', '2'])
    expect(await admin.zrange('z', '0', '-1')).toEqual(['low'])
  })

  it('BZPOPMIN waiting on a and b is served from b when one EXEC adds to b, then a', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.call('BZPOPMIN', 'a', 'b', '0')
    await untilRunning(admin, 'waiter', 'bzpopmin')
    await admin.multi().zadd('b', 1, 'from-b').zadd('a', 1, 'from-a').exec()
    expect(await popped).toEqual(['b', 'from-b', '1'])
    expect(await admin.zrange('a', '0', '-1')).toEqual(['from-a'])
    expect(await admin.exists('b')).toBe(0)
  })

  it('BZMPOP waiting on a and b is served from b when one EXEC adds to b, then a', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.call('BZMPOP', '0', '2', 'a', 'b', 'MIN', 'COUNT', '2')
    await untilRunning(admin, 'waiter', 'bzmpop')
    await admin.multi().zadd('b', '1', 'b1', '2', 'b2', '3', 'b3').zadd('a', 1, 'a1').exec()
    expect(await popped).toEqual(['b', [['b1', '1'], ['b2', '2']]])
    expect(await admin.zrange('a', '0', '-1')).toEqual(['a1'])
    expect(await admin.zrange('b', '0', '-1')).toEqual(['b3'])
  })

  it('serves a client whose key exists in its db after SWAPDB, which it stays selected into', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.call('BZPOPMIN', 'z', '0')
    await untilRunning(admin, 'waiter', 'bzpopmin')
    await admin.select(1)
    await admin.zadd('z', '3', 'from-db1')
    expect(await admin.swapdb(0, 1)).toBe('OK')
    expect(await popped).toEqual(['z', 'from-db1', '3'])
    expect(await waiter.set('mine', 'x')).toBe('OK')
    expect(await admin.get('mine')).toBeNull()
    await admin.select(0)
    expect(await admin.get('mine')).toBe('x')
    expect(await admin.exists('z')).toBe(0)
  })

  it('keeps waiting while the written key is not a sorted set, then serves the next ZADD', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    let served = false
    const popped = waiter.call('BZPOPMIN', 'a', 'b', '0')
    void popped.then(() => (served = true))
    await untilRunning(admin, 'waiter', 'bzpopmin')
    await admin.multi().set('b', 'string').zadd('a', 5, 'm').del('a').exec()
    await new Promise((r) => setTimeout(r, 50))
    expect(served).toBe(false)
    await admin.zadd('a', 7, 'n')
    expect(await popped).toEqual(['a', 'n', '7'])
    expect(await admin.get('b')).toBe('string')
  })
})
