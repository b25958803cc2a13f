/**
 * BGSAVE on real processes: replies and INFO fields as Redis 7.0.15, the
 * point-in-time image while clients keep writing (the file loaded into a real
 * redis-server holds the data of the moment BGSAVE began), `save` points,
 * and MISCONF after a failed BGSAVE — compared with a real Redis byte for byte.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const running: RunningServer[] = []
const clients: Redis[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect()
  await Promise.all(running.splice(0).map((s) => s.stop()))
})

async function tandem(args: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startTandem(['--save', '', '--enable-debug-command', 'yes', ...args])
  running.push(server)
  const client = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 })
  clients.push(client)
  await client.connect()
  return { server, client }
}

async function redis(args: string[] = []): Promise<{ server: RunningServer; client: Redis }> {
  const server = await startRedis(['--enable-debug-command', 'yes', ...args])
  running.push(server)
  const client = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 })
  clients.push(client)
  await client.connect()
  return { server, client }
}

async function info(client: Redis): Promise<Map<string, string>> {
  const text = await client.info('persistence')
  const fields = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':')
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1))
  }
  return fields
}

async function waitForBgsave(client: Redis, timeoutMs = 30_000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const fields = await info(client)
    if (fields.get('rdb_bgsave_in_progress') === '0') return fields
    if (Date.now() > deadline) throw new Error('BGSAVE did not finish')
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function load(client: Redis, n: number, prefix = 'key:'): Promise<void> {
  for (let from = 0; from < n; from += 10_000) {
    const pipe = client.pipeline()
    for (let i = from; i < Math.min(n, from + 10_000); i++) pipe.set(`${prefix}${i}`, `value-${i}`)
    await pipe.exec()
  }
}

/** Error text of a command, '' when it succeeded. */
async function errorOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return ''
  } catch (e) {
    return (e as Error).message
  }
}

describe('BGSAVE', () => {
  it('replies, INFO fields and log lines as Redis 7.0', async () => {
    // rdb-key-save-delay (5 µs × 50 000 keys) keeps the first save in progress while the next commands ask about it.
    const { server, client } = await tandem(['--rdb-key-save-delay', '5'])
    await load(client, 50_000)
    expect((await info(client)).get('rdb_changes_since_last_save')).toBe('50000')
    expect(await client.bgsave()).toBe('Background saving started')
    expect(await errorOf(client.bgsave())).toBe('ERR Background save already in progress')
    expect(await errorOf(client.call('BGSAVE', 'now'))).toBe('ERR syntax error')
    const during = await info(client)
    expect(during.get('rdb_bgsave_in_progress')).toBe('1')
    await client.set('written-during', 'x')
    await client.config('SET', 'rdb-key-save-delay', '0')
    const after = await waitForBgsave(client)
    expect(after.get('rdb_last_bgsave_status')).toBe('ok')
    // The write made during the BGSAVE is still unsaved.
    expect(after.get('rdb_changes_since_last_save')).toBe('1')
    expect(after.get('rdb_saves')).toBe('1')
    expect(after.get('rdb_last_bgsave_time_sec')).toBe('0')
    expect(after.get('rdb_current_bgsave_time_sec')).toBe('-1')
    expect(Number(after.get('rdb_last_save_time'))).toBe(await client.lastsave())
    expect(existsSync(join(server.dir, 'dump.rdb'))).toBe(true)
    expect(readdirSync(server.dir).filter((f) => f.startsWith('temp-'))).toEqual([])
    expect(server.output()).toMatch(/Background saving started by pid \d+/)
    expect(server.output()).toContain('DB saved on disk')
    expect(server.output()).toContain('Background saving terminated with success')
    // BGSAVE SCHEDULE with nothing else running simply starts; inside MULTI it is scheduled.
    expect(await client.call('BGSAVE', 'SCHEDULE')).toBe('Background saving started')
    await waitForBgsave(client)
    expect(await client.multi().bgsave().exec()).toEqual([[null, 'Background saving scheduled']])
    await new Promise((r) => setTimeout(r, 300))
    expect((await waitForBgsave(client)).get('rdb_saves')).toBe('3')
  })

  it('rdb-key-save-delay holds a BGSAVE in progress without holding up clients', async () => {
    const { client } = await tandem(['--rdb-key-save-delay', '500'])
    await load(client, 2000)
    const started = Date.now()
    expect(await client.bgsave()).toBe('Background saving started')
    // 2000 keys × 500 µs: about a second during which the server still answers.
    await new Promise((r) => setTimeout(r, 300))
    expect(await client.ping()).toBe('PONG')
    expect(await client.set('during', 'x')).toBe('OK')
    expect((await info(client)).get('rdb_bgsave_in_progress')).toBe('1')
    await waitForBgsave(client)
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect((await info(client)).get('rdb_last_bgsave_status')).toBe('ok')
  })

  it('INFO persistence lists the same fields in the same order as Redis 7.0', async () => {
    if (!hasRealRedis()) return
    const t = await tandem()
    const r = await redis()
    expect([...(await info(t.client)).keys()]).toEqual([...(await info(r.client)).keys()])
  })

  it('the file holds the data of the moment BGSAVE began while clients keep writing', async () => {
    if (!hasRealRedis()) return
    // 20 µs per key: the walk of 100 000 keys lasts about 2 s, so every write below lands while it runs.
    const { server, client } = await tandem(['--rdb-key-save-delay', '20'])
    await load(client, 100_000)
    await client.rpush('list', 'a', 'b', 'c')
    await client.hset('hash', 'f', 'v')
    await client.zadd('zset', 1, 'm')
    await client.sadd('set', 'x')
    expect(await client.bgsave()).toBe('Background saving started')
    // Writes while the walk is in progress: overwrite, delete, mutate in place, create.
    const pipe = client.pipeline()
    for (let i = 99_999; i >= 50_000; i -= 7) pipe.set(`key:${i}`, 'changed')
    for (let i = 0; i < 100_000; i += 1000) pipe.del(`key:${i}`)
    pipe.rpush('list', 'd').hset('hash', 'f', 'changed').zadd('zset', 9, 'm').sadd('set', 'y')
    for (let i = 0; i < 1000; i++) pipe.set(`new:${i}`, 'n')
    await pipe.exec()
    expect((await info(client)).get('rdb_bgsave_in_progress')).toBe('1')
    await waitForBgsave(client)
    expect(await client.get('key:99999')).toBe('changed')
    // Real Redis loads the file and has exactly the dataset of the start.
    const r = await redis(['--dir', server.dir, '--dbfilename', 'dump.rdb'])
    expect(await r.client.dbsize()).toBe(100_004)
    const sample = [0, 1000, 50_000, 50_001, 99_999, 99_992, 75_000, 12_345]
    expect(await r.client.mget(sample.map((i) => `key:${i}`))).toEqual(sample.map((i) => `value-${i}`))
    expect(await r.client.exists('new:0', 'new:999')).toBe(0)
    expect(await r.client.lrange('list', 0, -1)).toEqual(['a', 'b', 'c'])
    expect(await r.client.hgetall('hash')).toEqual({ f: 'v' })
    // (WITHSCORES' reply shape differs between RESP2 and RESP3; members and score asked separately.)
    expect(await r.client.zrange('zset', '0', '-1')).toEqual(['m'])
    expect(await r.client.zscore('zset', 'm')).toBe('1')
    expect(await r.client.smembers('set')).toEqual(['x'])
  })

  it('save points start a BGSAVE on their own; save "" stops them', async () => {
    const { server, client } = await tandem()
    await client.config('SET', 'save', '1 2')
    await client.set('a', '1')
    await client.set('b', '2')
    const deadline = Date.now() + 5000
    while ((await info(client)).get('rdb_saves') !== '1' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect((await waitForBgsave(client)).get('rdb_changes_since_last_save')).toBe('0')
    expect(server.output()).toContain('2 changes in 1 seconds. Saving...')
    await client.config('SET', 'save', '')
    await client.set('c', '3')
    await client.set('d', '4')
    await new Promise((r) => setTimeout(r, 1500))
    expect((await info(client)).get('rdb_saves')).toBe('1')
  })

  it('after a failed BGSAVE, writes and PING get MISCONF exactly as from Redis, reads work, and save "" lifts it', async () => {
    const replies: string[][] = []
    const targets = hasRealRedis() ? [tandem, redis] : [tandem]
    for (const start of targets) {
      const { server, client } = await start()
      await client.config('SET', 'save', '3600 1')
      await client.set('a', '1')
      // A directory where the dump should go: the rename fails (even for root).
      mkdirSync(join(server.dir, 'dump.rdb'))
      expect(await client.bgsave()).toBe('Background saving started')
      const fields = await waitForBgsave(client)
      const seen = [fields.get('rdb_last_bgsave_status') ?? '']
      seen.push(await errorOf(client.set('b', '2')))
      seen.push(await errorOf(client.ping()))
      seen.push(String(await client.get('a')))
      seen.push(await errorOf(client.multi().set('x', '1').exec()))
      await client.config('SET', 'save', '')
      seen.push(String(await client.set('b', '2')))
      replies.push(seen)
      expect(server.output()).toContain('Background saving error')
    }
    expect(replies[0][0]).toBe('err')
    expect(replies[0][1]).toMatch(/^MISCONF Redis is configured to save RDB snapshots/)
    if (replies.length === 2) expect(replies[0]).toEqual(replies[1])
  })
})
