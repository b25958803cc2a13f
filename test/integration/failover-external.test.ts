/**
 * Failover of a group of attached external servers (the app runs none of
 * them): the same coordinated failover over the wire with SET + WAIT 1 and
 * no acknowledged write lost, and the crash case where the old master,
 * started again by someone else, is fenced by REPLICAOF as soon as it answers.
 * Real redis-server 7 processes first, then tandem-server processes.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { spawnLauncher } from '../../main/control/server-launcher'
import { REDIS_SERVER, TANDEM_SERVER_JS, hasRealRedis, startRedis, startTandem, tempDir, waitForPort, type RunningServer } from '../helpers/processes'
import { client, digest, firstAcceptedWrite, info, sleep, startWaitWriter, tandemFailoverMissing, until } from './failover-helpers'

const tandemMissing = existsSync(TANDEM_SERVER_JS) ? await tandemFailoverMissing() : `${TANDEM_SERVER_JS} not built`
if (tandemMissing) console.warn(`external failover tests: tandem-server variant skipped: ${tandemMissing}`)

type Kind = 'redis-server' | 'tandem-server'
const kinds: [Kind, string | null][] = [
  ['redis-server', hasRealRedis() ? null : 'no redis-server'],
  ['tandem-server', tandemMissing],
]
const ARGS = ['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0', '--save', '', '--appendonly', 'no']

describe.each(kinds)('failover of attached external %s nodes', (kind, skipReason) => {
  const skip = skipReason !== null
  let dataDir: string
  let plane: ControlPlane
  const servers: RunningServer[] = []
  const children: ChildProcess[] = []

  beforeEach(() => {
    if (skip) return
    dataDir = tempDir('tandem-failover-ext-')
    // Local nodes are not used: the launcher is never called.
    plane = createControlPlane({ dataDir, launch: spawnLauncher(REDIS_SERVER), pollIntervalMs: 500, eventThrottleMs: 50 })
  })

  afterEach(async () => {
    if (skip) return
    await plane.close()
    for (const c of children.splice(0)) c.kill('SIGKILL')
    for (const s of servers.splice(0)) await s.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function start(args: string[] = []): Promise<RunningServer> {
    const s = kind === 'redis-server' ? await startRedis([...ARGS, ...args]) : await startTandem([...ARGS, ...args])
    servers.push(s)
    return s
  }

  /** The same server started again on `port` by "someone else" (no replicaof: it would come back as a master). */
  async function startAgainOn(port: number): Promise<void> {
    const dir = tempDir('tandem-failover-ext-again-')
    const args = ['--port', String(port), '--dir', dir, ...ARGS]
    const child = kind === 'redis-server' ? spawn(REDIS_SERVER, args, { stdio: 'ignore' }) : spawn(process.execPath, [TANDEM_SERVER_JS, ...args], { stdio: 'ignore' })
    children.push(child)
    await waitForPort(port)
  }

  async function group(): Promise<{ master: RunningServer; replicas: RunningServer[]; ids: Map<number, string> }> {
    const master = await start()
    const replicas = [await start(['--replicaof', '127.0.0.1', String(master.port)]), await start(['--replicaof', '127.0.0.1', String(master.port)])]
    const ids = new Map<number, string>()
    for (const s of [master, ...replicas]) ids.set(s.port, (await plane.call('node.attachExternal', { host: '127.0.0.1', port: s.port })).spec.id)
    for (const r of replicas) await until('replica linked', async () => (await info(r.port, 'replication')).master_link_status === 'up')
    return { master, replicas, ids }
  }

  it.skipIf(skip)('coordinated failover over the wire: no acknowledged write lost, short pause', async () => {
    const { master, replicas, ids } = await group()
    const ports = [master.port, ...replicas.map((r) => r.port)]
    const plan = await plane.call('failover.plan', { groupMasterId: ids.get(master.port)! })
    expect(plan.mode).toBe('coordinated')
    expect(plan.candidates).toHaveLength(2)

    const writer = startWaitWriter(ports, master.port, 'ext')
    await until('writes acknowledged before the failover', () => writer.acknowledged.length > 200)
    const record = await plane.call('failover.run', { groupMasterId: ids.get(master.port)! })
    const countAtRun = writer.acknowledged.length
    await until('writes acknowledged after the failover', () => writer.acknowledged.length > countAtRun + 100)
    await writer.stop()
    expect(record.outcome, record.error).toBe('succeeded')
    const newPort = [...ids].find(([, id]) => id === record.newMasterId)![0]

    const c = client(newPort)
    const values = await c.mget(...writer.acknowledged)
    c.disconnect()
    const lost = writer.acknowledged.filter((_, i) => values[i] === null)
    console.log(`[external ${kind}] coordinated failover: ${writer.acknowledged.length} acknowledged writes, ${lost.length} lost, longest pause ${writer.longestPauseMs()} ms`)
    expect(lost).toEqual([])
    expect(writer.longestPauseMs()).toBeLessThan(3000)
    // Every other server now follows the new master.
    for (const port of ports.filter((p) => p !== newPort)) {
      await until(`${port} replicates from ${newPort}`, async () => {
        const f = await info(port, 'replication')
        return f.role === 'slave' && Number(f.master_port) === newPort && f.master_link_status === 'up'
      })
    }
    expect(record.steps.filter((s) => s.kind === 'resync').every((s) => s.resync === 'partial')).toBe(true)
  })

  it.skipIf(skip)('master killed: promoted over the wire, and the old master started again by someone else is made a replica as soon as it answers', async () => {
    const { master, replicas, ids } = await group()
    const m = client(master.port)
    for (let i = 0; i < 200; i++) await m.set(`ext:${i}`, String(i))
    m.disconnect()
    await until('replicas caught up', async () => {
      const offsets = await Promise.all(replicas.map(async (r) => Number((await info(r.port, 'replication')).slave_repl_offset)))
      return offsets.every((o) => o === offsets[0]) && offsets[0] > 0
    })
    master.process.kill('SIGKILL')
    await until('master gone', async () => {
      try {
        await info(master.port, 'server')
        return false
      } catch {
        return true
      }
    })
    const plan = await plane.call('failover.plan', { groupMasterId: ids.get(master.port)! })
    expect(plan.mode).toBe('master-down')
    const newPort = [...ids].find(([, id]) => id === plan.chosenId)![0]
    const probe = firstAcceptedWrite(newPort)
    const t0 = performance.now()
    const record = await plane.call('failover.run', { groupMasterId: ids.get(master.port)! })
    expect(record.outcome, record.error).toBe('succeeded')
    expect((await probe.done) - t0).toBeLessThan(2000)

    await startAgainOn(master.port)
    await until('old master fenced as a replica of the new one', async () => {
      const f = await info(master.port, 'replication')
      return f.role === 'slave' && Number(f.master_port) === newPort && f.master_link_status === 'up'
    })
    await until('old master converged', async () => (await digest(master.port)) === (await digest(newPort)))
    await sleep(100)
    const [latest] = await plane.call('failover.timeline', {})
    expect(latest.steps.some((s) => s.kind === 'old-master' && s.message.includes('REPLICAOF'))).toBe(true)
  })
})
