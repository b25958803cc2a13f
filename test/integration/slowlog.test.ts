/** SLOWLOG on the wire: entries as Redis 7.0 shapes them, truncation, LEN/RESET, limits from CONFIG. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { startTandem, type RunningServer } from '../helpers/processes'

describe('SLOWLOG', () => {
  let server: RunningServer
  let c: Redis

  beforeAll(async () => {
    server = await startTandem(['--save', ''])
    c = new Redis({ port: server.port, maxRetriesPerRequest: 0 })
  })
  afterAll(async () => {
    await c?.quit()
    await server?.stop()
  })

  it('logs every command when the threshold is 0, newest first, with client address and name', async () => {
    await c.config('SET', 'slowlog-log-slower-than', '0')
    await c.slowlog('RESET')
    await c.client('SETNAME', 'slowpoke')
    await c.set('sl:k', 'v')
    const entries = (await c.slowlog('GET', 2)) as [number, number, number, string[], string, string][]
    expect(entries).toHaveLength(2)
    const [newest, older] = entries
    expect(newest[3]).toEqual(['set', 'sl:k', 'v'])
    expect(older[3]).toEqual(['client', 'SETNAME', 'slowpoke'])
    expect(newest[0]).toBe(older[0] + 1)
    expect(Math.abs(newest[1] - Date.now() / 1000)).toBeLessThan(5)
    expect(newest[2]).toBeGreaterThanOrEqual(0)
    expect(newest[4]).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(newest[5]).toBe('slowpoke')
  })

  it('truncates long argument lists and long arguments as Redis does', async () => {
    await c.slowlog('RESET')
    const args = Array.from({ length: 40 }, (_, i) => `m${i}`)
    await c.del(...args)
    await c.set('sl:long', 'x'.repeat(200))
    const entries = (await c.slowlog('GET', 2)) as [number, number, number, string[], string, string][]
    expect(entries[0][3]).toEqual(['set', 'sl:long', `${'x'.repeat(128)}... (72 more bytes)`])
    expect(entries[1][3]).toHaveLength(32)
    expect(entries[1][3][31]).toBe('... (10 more arguments)')
  })

  it('keeps at most slowlog-max-len entries, logs nothing when the threshold is -1, and reports bad counts', async () => {
    await c.config('SET', 'slowlog-max-len', '3')
    for (let i = 0; i < 5; i++) await c.ping()
    expect(await c.slowlog('LEN')).toBe(3)
    await c.config('SET', 'slowlog-log-slower-than', '-1')
    await c.slowlog('RESET')
    await c.ping()
    expect(await c.slowlog('LEN')).toBe(0)
    expect(await c.slowlog('GET')).toEqual([])
    await expect(c.slowlog('GET', -2)).rejects.toThrow('ERR count should be greater than or equal to -1')
  })
})
