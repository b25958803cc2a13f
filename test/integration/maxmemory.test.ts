/**
 * maxmemory on a real tandem-server process (and the same OOM scenario on a
 * real Redis 7, byte for byte): refusing writes under noeviction, evicting by
 * policy, and INFO memory following the data.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { RespConnection } from '../differential/resp-client'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n"
const VALUE_1K = 'v'.repeat(1024)

const running: { server: RunningServer; conn: RespConnection }[] = []
afterEach(async () => {
  for (const { server, conn } of running.splice(0)) {
    conn.close()
    await server.stop()
  }
})

async function open(server: RunningServer): Promise<RespConnection> {
  const conn = new RespConnection(server.port)
  await conn.open()
  running.push({ server, conn })
  return conn
}

async function cmd(conn: RespConnection, ...args: string[]): Promise<string> {
  const reply = await conn.send(args.map((a) => Buffer.from(a)))
  return reply.bytes.toString('latin1')
}

async function infoField(conn: RespConnection, section: string, field: string): Promise<string> {
  const text = await cmd(conn, 'INFO', section)
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`))
  if (line === undefined) throw new Error(`INFO ${section} has no ${field}`)
  return line.slice(field.length + 1)
}

async function usedMemory(conn: RespConnection): Promise<number> {
  return Number(await infoField(conn, 'memory', 'used_memory'))
}

/** SET 1 KB values until the server refuses one; returns the refusal and how many went in. */
async function fillUntilRefused(conn: RespConnection, limit = 2000): Promise<{ refusal: string; stored: number }> {
  for (let i = 0; i < limit; i++) {
    const reply = await cmd(conn, 'SET', `fill:${i}`, VALUE_1K)
    if (reply !== '+OK\r\n') return { refusal: reply, stored: i }
  }
  return { refusal: '', stored: limit }
}

async function noevictionScenario(conn: RespConnection): Promise<{ refusal: string; stored: number; read: string }> {
  const used = await usedMemory(conn)
  expect(await cmd(conn, 'CONFIG', 'SET', 'maxmemory', String(used + 100 * 1024))).toBe('+OK\r\n')
  const result = await fillUntilRefused(conn)
  return { ...result, read: await cmd(conn, 'GET', 'fill:0') }
}

describe('maxmemory', () => {
  it('noeviction refuses writes with Redis\'s exact OOM error while reads and DEL still work', async () => {
    const conn = await open(await startTandem(['--save', '']))
    const { refusal, stored, read } = await noevictionScenario(conn)
    expect(refusal).toBe(OOM)
    expect(stored).toBeGreaterThan(50)
    expect(stored).toBeLessThan(150)
    expect(read).toBe(`$1024\r\n${VALUE_1K}\r\n`)
    expect(await cmd(conn, 'APPEND', 'fill:0', 'x')).toBe(OOM)
    expect(await cmd(conn, 'DEL', 'fill:0', 'fill:1', 'fill:2', 'fill:3')).toBe(':4\r\n')
    expect(await cmd(conn, 'SET', 'again', 'fits')).toBe('+OK\r\n')
    expect(await infoField(conn, 'stats', 'evicted_keys')).toBe('0')
  })

  it.runIf(hasRealRedis())('real Redis 7 refuses with the same bytes in the same situation', async () => {
    const conn = await open(await startRedis())
    const { refusal, read } = await noevictionScenario(conn)
    expect(refusal).toBe(OOM)
    expect(read).toBe(`$1024\r\n${VALUE_1K}\r\n`)
  })

  it('allkeys-lru keeps the keys that are being read and stays under the limit', async () => {
    const conn = await open(await startTandem(['--save', '', '--maxmemory-policy', 'allkeys-lru']))
    const hot = Array.from({ length: 8 }, (_, i) => `hot:${i}`)
    for (const k of hot) await cmd(conn, 'SET', k, VALUE_1K)
    const limit = (await usedMemory(conn)) + 64 * 1024
    expect(await cmd(conn, 'CONFIG', 'SET', 'maxmemory', String(limit))).toBe('+OK\r\n')
    for (let i = 0; i < 300; i++) {
      expect(await cmd(conn, 'SET', `cold:${i}`, VALUE_1K)).toBe('+OK\r\n')
      for (const k of hot) await cmd(conn, 'GET', k)
    }
    expect(await cmd(conn, 'EXISTS', ...hot)).toBe(`:${hot.length}\r\n`)
    expect(Number(await infoField(conn, 'stats', 'evicted_keys'))).toBeGreaterThan(200)
    expect(await usedMemory(conn)).toBeLessThanOrEqual(limit + 2 * 1024)
    expect(await cmd(conn, 'EXISTS', 'cold:0')).toBe(':0\r\n')
  })

  it('volatile-lru with no key that has a TTL refuses writes', async () => {
    const conn = await open(await startTandem(['--save', '', '--maxmemory-policy', 'volatile-lru']))
    const used = await usedMemory(conn)
    await cmd(conn, 'CONFIG', 'SET', 'maxmemory', String(used + 30 * 1024))
    const { refusal } = await fillUntilRefused(conn)
    expect(refusal).toBe(OOM)
    expect(await cmd(conn, 'EXISTS', 'fill:0')).toBe(':1\r\n')
    expect(await cmd(conn, 'CONFIG', 'GET', 'maxmemory-policy')).toBe('*2\r\n$16\r\nmaxmemory-policy\r\n$12\r\nvolatile-lru\r\n')
  })

  it('INFO memory reports Redis\'s fields and used_memory follows the data', async () => {
    const conn = await open(await startTandem(['--save', '']))
    const fields = (await cmd(conn, 'INFO', 'memory')).split('\r\n').map((l) => l.split(':')[0])
    for (const name of ['used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_peak', 'used_memory_overhead', 'used_memory_startup', 'used_memory_dataset', 'maxmemory', 'maxmemory_human', 'maxmemory_policy', 'mem_fragmentation_ratio', 'mem_allocator', 'lazyfree_pending_objects']) {
      expect(fields).toContain(name)
    }
    const empty = await usedMemory(conn)
    for (let i = 0; i < 100; i++) await cmd(conn, 'SET', `k:${i}`, VALUE_1K)
    const full = await usedMemory(conn)
    expect(full - empty).toBeGreaterThan(100 * 1024)
    expect(full - empty).toBeLessThan(150 * 1024)
    expect(Number(await infoField(conn, 'memory', 'used_memory_peak'))).toBeGreaterThanOrEqual(full)
    await cmd(conn, 'DEL', 'k:0')
    expect(await usedMemory(conn)).toBeLessThan(full)
    expect(await cmd(conn, 'FLUSHALL')).toBe('+OK\r\n')
    expect(await usedMemory(conn)).toBe(empty)
    await cmd(conn, 'CONFIG', 'SET', 'maxmemory', '10mb')
    expect(await infoField(conn, 'memory', 'maxmemory')).toBe('10485760')
    expect(await infoField(conn, 'memory', 'maxmemory_human')).toBe('10.00M')
  })
})
