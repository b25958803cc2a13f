/**
 * Acceptance tests for issue 5 (replication), server side, part 1: the
 * tutorial's two-process example as written, a chain of three, WAIT,
 * read-only replicas and min-replicas-to-write.
 *
 * Every case runs once per combination of implementations (real redis-server
 * / tandem-server in each role): the all-Redis run proves the test itself is
 * right and can fail; the others prove tandem-server behaves the same.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REDIS_SERVER, REPO_ROOT, TANDEM_SERVER_JS, freePort, waitForPort } from '../helpers/processes'
import {
  Fixture,
  PAIRS,
  info,
  kill9,
  populateEveryType,
  resume,
  suspend,
  waitForLinkUp,
  waitForOnlineReplicas,
  waitForSameData,
  waitForSameOffset,
  waitUntil,
  withTimeout,
  type Impl,
} from '../helpers/replication'

const fx = new Fixture()
afterEach(() => fx.cleanup())

const TUTORIAL = join(REPO_ROOT, 'test', 'fixtures', 'tutorial')

function redisCli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 }).stdout
}

/** The first reply line, byte for byte, to a raw RESP request. */
async function rawReply(port: number, request: string): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  try {
    socket.write(request)
    let data = ''
    await withTimeout(
      new Promise<void>((res, rej) => {
        socket.on('data', (d: Buffer) => {
          data += d.toString('latin1')
          if (data.includes('\r\n')) res()
        })
        socket.on('error', rej)
      }),
      5_000,
      'no reply',
    )
    return data
  } finally {
    socket.destroy()
  }
}

const pairName = (p: { master: Impl; replica: Impl }): string => `${p.master} master → ${p.replica} replica`

describe('the tutorial example as written (master.conf + slave.conf)', () => {
  /** The tutorial's file with the ports and the system paths moved to `root`. */
  function tutorialConf(name: string, masterPort: number, replicaPort: number, root: string): string {
    const text = readFileSync(join(TUTORIAL, name), 'utf8')
      .replaceAll('6380', String(replicaPort))
      .replaceAll('6379', String(masterPort))
      .replaceAll('/var/run', join(root, 'run'))
      .replaceAll('/var/lib/redis', join(root, 'lib'))
    const path = join(root, name)
    writeFileSync(path, text)
    return path
  }

  /** `redis-server <conf>` / `tandem-server <conf>` as the tutorial runs them: the command returns once the daemon is on its way. */
  async function startDaemon(impl: Impl, conf: string, port: number): Promise<number> {
    const [cmd, args] = impl === 'redis' ? [REDIS_SERVER, [conf]] : [process.execPath, [TANDEM_SERVER_JS, conf]]
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 })
    expect(r.status, `${impl} ${conf}: ${r.stdout}${r.stderr}`).toBe(0)
    await waitForPort(port)
    const pid = Number(redisCli(port, 'info', 'server').match(/process_id:(\d+)/)?.[1])
    expect(pid).toBeGreaterThan(0)
    fx.adoptPid(pid)
    return pid
  }

  for (const impl of ['redis', 'tandem'] as const) {
    it(`${impl}-server master and replica: set on the master, get on the replica`, async () => {
      const root = fx.dir('tutorial-')
      const masterPort = await freePort()
      let replicaPort = await freePort()
      while (replicaPort === masterPort) replicaPort = await freePort()
      mkdirSync(join(root, 'run'))
      mkdirSync(join(root, 'lib', String(masterPort)), { recursive: true })
      mkdirSync(join(root, 'lib', String(replicaPort)), { recursive: true })
      const masterConf = tutorialConf('master.conf', masterPort, replicaPort, root)
      const slaveConf = tutorialConf('slave.conf', masterPort, replicaPort, root)

      const masterPid = await startDaemon(impl, masterConf, masterPort)
      const replicaPid = await startDaemon(impl, slaveConf, replicaPort)
      expect(replicaPid).not.toBe(masterPid)

      // Save points on the replica as its file says; the master's are commented out, which in
      // Redis 7.0 leaves the built-in defaults (no snapshot happens within this test either way).
      expect(redisCli(replicaPort, 'config', 'get', 'save')).toBe('save\n900 1 300 10 60 10000\n')
      expect(redisCli(masterPort, 'config', 'get', 'save')).toBe('save\n3600 1 300 100 60 10000\n')

      expect(redisCli(masterPort, 'set', 'user.1.name', 'Zhangsan')).toBe('OK\n')
      let got = ''
      await waitUntil(
        'user.1.name on the replica',
        async () => (got = redisCli(replicaPort, 'get', 'user.1.name')) === 'Zhangsan\n',
        15_000,
        async () => `replica GET said ${JSON.stringify(got)}; ${redisCli(replicaPort, 'info', 'replication').replaceAll('\r\n', ' ')}`,
      )
      expect(redisCli(replicaPort, 'role').split('\n').slice(0, 4)).toEqual(['slave', '127.0.0.1', String(masterPort), 'connected'])
    }, 40_000)
  }
})

describe('a chain of three (top → A → B) converges with the top master’s id and offsets', () => {
  const chains: [Impl, Impl, Impl][] = [
    ['redis', 'redis', 'redis'],
    ['tandem', 'tandem', 'tandem'],
    ['redis', 'tandem', 'redis'],
    ['tandem', 'redis', 'tandem'],
  ]
  for (const [topImpl, aImpl, bImpl] of chains) {
    it(`${topImpl} → ${aImpl} → ${bImpl}`, async () => {
      const top = await fx.start(topImpl)
      await populateEveryType(top.client)
      const a = await fx.startReplica(aImpl, top.port)
      const b = await fx.startReplica(bImpl, a.port)
      const writer = fx.writer(top.port)
      await waitForLinkUp(b.client)
      await waitUntil('the writer to make progress', async () => writer.batches >= 20)
      await writer.stop()
      await top.client.set('last', 'write')

      const d = await waitForSameData(top.client, [a.client, b.client])
      expect(d).not.toBe('0'.repeat(40))
      // The top may have streamed more since (a ping, DELs of keys that expired): offsets first settle again.
      await waitForSameOffset(top.client, [a.client, b.client])
      const [t, ai, bi] = await Promise.all([info(top.client, 'replication'), info(a.client, 'replication'), info(b.client, 'replication')])
      expect(ai.master_replid).toBe(t.master_replid)
      expect(bi.master_replid).toBe(t.master_replid)
      expect(bi.master_repl_offset).toBe(t.master_repl_offset)
      expect(bi.slave_repl_offset).toBe(t.master_repl_offset)
      expect(ai.connected_slaves).toBe('1')
      expect(t.connected_slaves).toBe('1')
      expect(await b.client.get('last')).toBe('write')
    }, 40_000)
  }
})

describe('WAIT counts the replicas that acknowledged', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      const m = master.client
      const wait = async (n: number, timeoutMs: number): Promise<{ count: unknown; ms: number }> => {
        const t0 = Date.now()
        const count = await withTimeout(m.call('WAIT', String(n), String(timeoutMs)), timeoutMs + 5_000, `WAIT ${n} ${timeoutMs} did not return`)
        return { count, ms: Date.now() - t0 }
      }

      expect((await wait(0, 0)).count).toBe(0)
      await m.set('k', '0')
      const none = await wait(1, 300)
      expect(none.count).toBe(0)
      expect(none.ms).toBeGreaterThanOrEqual(250)

      const r1 = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(m, 1)
      await m.set('k', '1')
      const one = await wait(1, 10_000)
      expect(one.count).toBe(1)
      expect(one.ms).toBeLessThan(5_000)

      const r2 = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(m, 2)
      await m.set('k', '2')
      expect((await wait(2, 10_000)).count).toBe(2)

      // A stopped replica cannot acknowledge: not counted, and WAIT gives up at its timeout.
      suspend(r2.pid)
      await m.set('k', '3')
      const stalled = await wait(2, 800)
      expect(stalled.count).toBe(1)
      expect(stalled.ms).toBeGreaterThanOrEqual(700)
      expect(stalled.ms).toBeLessThan(5_000)
      expect((await wait(1, 5_000)).count).toBe(1)

      resume(r2.pid)
      expect((await wait(2, 10_000)).count).toBe(2)
      expect(await r1.client.get('k')).toBe('3')
      expect(await r2.client.get('k')).toBe('3')
    }, 40_000)
  }
})

describe('a read-only replica refuses writes', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForLinkUp(replica.client)
      await master.client.set('k', 'from master')
      await waitUntil('k on the replica', async () => (await replica.client.get('k')) === 'from master')

      await expect(replica.client.set('k', 'local')).rejects.toThrow(/^READONLY You can't write against a read only replica\.$/)
      await expect(replica.client.incr('n')).rejects.toThrow(/^READONLY You can't write against a read only replica\.$/)
      expect(await rawReply(replica.port, '*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n')).toBe("-READONLY You can't write against a read only replica.\r\n")
      expect(await replica.client.get('k')).toBe('from master')
      expect((await info(replica.client, 'replication')).slave_read_only).toBe('1')

      // REPLICAOF NO ONE: a master again, with the data it had, and writable.
      expect(await replica.client.call('REPLICAOF', 'NO', 'ONE')).toBe('OK')
      expect(await replica.client.set('k2', 'local')).toBe('OK')
      expect(await replica.client.get('k')).toBe('from master')
      expect((await info(replica.client, 'replication')).role).toBe('master')
    }, 30_000)
  }
})

describe('min-replicas-to-write refuses writes while the replicas are gone', () => {
  const NOREPLICAS = /^NOREPLICAS Not enough good replicas to write\.$/
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master, ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '10'])
      const m = master.client
      await expect(m.set('k', 'v')).rejects.toThrow(NOREPLICAS)
      expect(await m.get('k')).toBeNull()

      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(m, 1)
      await waitUntil('the master to accept writes with a replica online', async () => (await m.set('k', 'v1')) === 'OK')
      expect((await info(m, 'replication')).min_slaves_good_slaves).toBe('1')

      await kill9(replica)
      // As in Redis (freeClient → refreshGoodSlavesCount), the write right after the master
      // noticed the lost link is refused: no window until the next once-a-second check.
      await waitUntil('the master to notice its replica is gone', async () => (await info(m, 'replication')).connected_slaves === '0')
      await expect(m.set('k', 'v2')).rejects.toThrow(NOREPLICAS)
      expect((await info(m, 'replication')).min_slaves_good_slaves).toBe('0')
      expect(await m.get('k')).toBe('v1')

      const back = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(m, 1)
      await waitUntil('the master to accept writes again', async () => (await m.set('k', 'v3')) === 'OK')
      await waitUntil('k on the new replica', async () => (await back.client.get('k')) === 'v3')
    }, 40_000)

    it(`${pairName(pair)}: a replica that stops acknowledging (SIGSTOP) past min-replicas-max-lag no longer counts`, async () => {
      const master = await fx.start(pair.master, ['--min-replicas-to-write', '1', '--min-replicas-max-lag', '2'])
      const m = master.client
      const replica = await fx.startReplica(pair.replica, master.port)
      await waitForOnlineReplicas(m, 1)
      await waitUntil('the master to accept writes with a replica online', async () => (await m.set('k', 'v1')) === 'OK')

      suspend(replica.pid)
      const stoppedAt = Date.now()
      let lastError = ''
      await waitUntil('the master to refuse writes once the replica lags', async () => {
        try {
          await m.set('k', 'v2')
          return false
        } catch (e) {
          lastError = (e as Error).message
          return NOREPLICAS.test(lastError)
        }
      })
      // Not before max-lag has passed since the last ACK (ACKs are sent once a second).
      expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(1_000)
      expect((await info(m, 'replication')).min_slaves_good_slaves).toBe('0')
      expect((await info(m, 'replication')).connected_slaves).toBe('1')

      resume(replica.pid)
      await waitUntil('the master to accept writes again', async () => (await m.set('k', 'v3')) === 'OK')
      await waitUntil('k on the replica', async () => (await replica.client.get('k')) === 'v3')
    }, 40_000)
  }
})

describe('a replica whose master is gone serves stale data, or refuses as replica-serve-stale-data says', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master)
      const stale = await fx.startReplica(pair.replica, master.port)
      const strict = await fx.startReplica(pair.replica, master.port, ['--replica-serve-stale-data', 'no'])
      await master.client.set('k', 'v')
      await waitForSameData(master.client, [stale.client, strict.client])

      await kill9(master)
      await waitUntil('both replicas to see the link down', async () => {
        const [a, b] = await Promise.all([info(stale.client, 'replication'), info(strict.client, 'replication')])
        return a.master_link_status === 'down' && b.master_link_status === 'down'
      })
      expect(await stale.client.get('k')).toBe('v')
      expect(await rawReply(strict.port, '*2\r\n$3\r\nGET\r\n$1\r\nk\r\n')).toBe(
        "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
      )
      // INFO stays available for monitoring; PING is refused too in 7.0 (it is not flagged stale-ok).
      expect((await info(strict.client, 'replication')).master_link_status).toBe('down')
      expect(await rawReply(strict.port, '*1\r\n$4\r\nPING\r\n')).toMatch(/^-MASTERDOWN /)
    }, 30_000)
  }
})

describe('a password-protected master: masterauth opens the link, a wrong one keeps it down', () => {
  for (const pair of PAIRS) {
    it(pairName(pair), async () => {
      const master = await fx.start(pair.master, ['--requirepass', 's3cret'])
      const m = master.client
      await expect(fx.client(master.port).get('k')).rejects.toThrow(/NOAUTH/)
      await m.set('k', 'secret data')
      const good = await fx.startReplica(pair.replica, master.port, ['--masterauth', 's3cret'])
      const bad = await fx.startReplica(pair.replica, master.port, ['--masterauth', 'wrong'])
      await waitForLinkUp(good.client)
      await waitUntil('k on the replica', async () => (await good.client.get('k')) === 'secret data')

      // The wrong password never gets a sync: still down after a few reconnection attempts.
      await new Promise((r) => setTimeout(r, 2_500))
      const badInfo = await info(bad.client, 'replication')
      expect(badInfo.master_link_status).toBe('down')
      expect(await bad.client.get('k')).toBeNull()
      expect((await info(m, 'replication')).connected_slaves).toBe('1')
    }, 30_000)
  }
})
