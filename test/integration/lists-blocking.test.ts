/**
 * Blocking list commands over real connections (ioredis, several clients),
 * run against tandem-server and, with the same expectations, against real
 * Redis 7.0 so the expectations are Redis's own: timeouts, wake-up by another
 * client's push, first-blocked-first-served, MULTI answering at once, and a
 * BLMOVE whose push wakes a client blocked on its destination.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const kinds = hasRealRedis() ? (['tandem', 'redis'] as const) : (['tandem'] as const)

describe.each(kinds)('blocking list commands (%s)', (kind) => {
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
      const list = await admin.client('LIST')
      const line = String(list)
        .split('\n')
        .find((l) => l.includes(` name=${name} `))
      if (line?.includes(` cmd=${command} `) || line?.includes(` cmd=${command}\r`)) return
      if (Date.now() > deadline) throw new Error(`${name} never ran ${command}:\n${String(list)}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }

  it('times out with a null reply after the timeout, not before', async () => {
    const c = connect('c')
    const started = Date.now()
    expect(await c.blpop('empty', 0.2)).toBeNull()
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
    expect(await c.brpoplpush('empty', 'dst', 0.05)).toBeNull()
    expect(await c.exists('dst')).toBe(0)
  })

  it('wakes a blocked client when another client pushes, and the popped element is gone', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.blpop('queue', 0)
    await untilRunning(admin, 'waiter', 'blpop')
    expect(await admin.rpush('queue', 'job1')).toBe(1)
    expect(await popped).toEqual(['queue', 'job1'])
    expect(await admin.exists('queue')).toBe(0)
  })

  it('serves the key that received data among several, with the key named', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.brpop('a', 'b', 'c', 0)
    await untilRunning(admin, 'waiter', 'brpop')
    await admin.rpush('c', 'x', 'y')
    expect(await popped).toEqual(['c', 'y'])
    expect(await admin.lrange('c', 0, -1)).toEqual(['x'])
  })

  it('serves a client waiting on several keys from the key written first, not the first it named', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.blpop('a', 'b', 0)
    await untilRunning(admin, 'waiter', 'blpop')
    await admin.multi().rpush('b', 'from-b').rpush('a', 'from-a').exec()
    expect(await popped).toEqual(['b', 'from-b'])
    expect(await admin.lrange('a', 0, -1)).toEqual(['from-a'])
  })

  it('serves blocked clients first blocked, first served', async () => {
    const admin = connect('admin')
    const first = connect('first')
    const second = connect('second')
    const third = connect('third')
    const p1 = first.blpop('q', 0)
    await untilRunning(admin, 'first', 'blpop')
    const p2 = second.blpop('q', 0)
    await untilRunning(admin, 'second', 'blpop')
    const p3 = third.blpop('q', 0)
    await untilRunning(admin, 'third', 'blpop')
    await admin.rpush('q', 'a', 'b')
    expect(await p1).toEqual(['q', 'a'])
    expect(await p2).toEqual(['q', 'b'])
    let thirdServed = false
    void p3.then(() => (thirdServed = true))
    await new Promise((r) => setTimeout(r, 50))
    expect(thirdServed).toBe(false)
    await admin.rpush('q', 'c')
    expect(await p3).toEqual(['q', 'c'])
  })

  it('keeps a blocked client\'s later commands waiting behind it', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.blpop('q', 0)
    const after = waiter.get('marker')
    await untilRunning(admin, 'waiter', 'blpop')
    await admin.set('marker', 'set-after-block')
    await admin.rpush('q', 'v')
    expect(await popped).toEqual(['q', 'v'])
    // GET ran only after BLPOP was served, so it sees the later SET.
    expect(await after).toBe('set-after-block')
  })

  it('answers BLPOP, BLMOVE and BLMPOP inside MULTI at once instead of blocking', async () => {
    const c = connect('c')
    const started = Date.now()
    const results = await c.multi().blpop('none', 0).blmove('none', 'dst', 'LEFT', 'LEFT', 0).call('BLMPOP', '0', '1', 'none', 'LEFT').rpush('none', 'v').blpop('none', 0).exec()
    expect(results).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [null, 1],
      [null, ['none', 'v']],
    ])
    expect(Date.now() - started).toBeLessThan(1000)
  })

  it('serves a client blocked on a key that a MULTI/EXEC fills, once EXEC has run', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.blpop('q', 0)
    await untilRunning(admin, 'waiter', 'blpop')
    const results = await admin.multi().rpush('q', 'a').rpush('q', 'b').lrange('q', 0, -1).exec()
    // Inside the transaction nobody was served yet: both elements were there.
    expect(results?.[2]).toEqual([null, ['a', 'b']])
    expect(await popped).toEqual(['q', 'a'])
  })

  it('BLMOVE\'s push wakes a client blocked on its destination', async () => {
    const admin = connect('admin')
    const onDestination = connect('ondst')
    const mover = connect('mover')
    const final = onDestination.blpop('dst', 0)
    await untilRunning(admin, 'ondst', 'blpop')
    const moved = mover.blmove('src', 'dst', 'RIGHT', 'LEFT', 0)
    await untilRunning(admin, 'mover', 'blmove')
    await admin.rpush('src', 'first', 'last')
    expect(await moved).toBe('last')
    expect(await final).toEqual(['dst', 'last'])
    expect(await admin.lrange('src', 0, -1)).toEqual(['first'])
    expect(await admin.exists('dst')).toBe(0)
  })

  it('BLMOVE served while its destination holds a string answers WRONGTYPE and leaves the element', async () => {
    const admin = connect('admin')
    const mover = connect('mover')
    await admin.set('dst', 'a string')
    const moved = mover.blmove('src', 'dst', 'LEFT', 'LEFT', 0).catch((e: Error) => e.message)
    await untilRunning(admin, 'mover', 'blmove')
    await admin.rpush('src', 'v')
    expect(await moved).toMatch(/^WRONGTYPE /)
    expect(await admin.lrange('src', 0, -1)).toEqual(['v'])
  })

  it('BLMPOP waits, then pops up to COUNT from the list that got data', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.call('BLMPOP', '0', '2', 'x', 'y', 'RIGHT', 'COUNT', '2')
    await untilRunning(admin, 'waiter', 'blmpop')
    await admin.rpush('y', '1', '2', '3')
    expect(await popped).toEqual(['y', ['3', '2']])
    expect(await admin.lrange('y', 0, -1)).toEqual(['1'])
  })

  it('leaves the element in the list when the blocked client went away', async () => {
    const admin = connect('admin')
    const waiter = connect('waiter')
    const popped = waiter.blpop('q', 0).catch(() => 'closed')
    await untilRunning(admin, 'waiter', 'blpop')
    waiter.disconnect()
    await popped
    // Let the server notice the close before the push.
    const deadline = Date.now() + 5000
    while (String(await admin.client('LIST')).includes('name=waiter ') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    await admin.rpush('q', 'kept')
    expect(await admin.lrange('q', 0, -1)).toEqual(['kept'])
  })
})
