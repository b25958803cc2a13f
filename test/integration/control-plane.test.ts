/**
 * The control plane against real servers: tandem-server (the product, forked
 * with its IPC lifeline) and Debian's redis-server (the reference; same config
 * format), through the same API the renderer uses.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createControlPlane, type ControlPlane } from '../../main/control/control-plane'
import { forkLauncher, spawnLauncher, type LaunchServer } from '../../main/control/server-launcher'
import type { NodeView } from '../../shared/types'
import { REDIS_SERVER, TANDEM_SERVER_JS, hasRealRedis, tempDir } from '../helpers/processes'

const servers: [string, () => LaunchServer, boolean][] = [
  ['tandem-server', () => forkLauncher(TANDEM_SERVER_JS), existsSync(TANDEM_SERVER_JS)],
  ['redis-server', () => spawnLauncher(REDIS_SERVER), hasRealRedis()],
]

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie (dead, not yet reaped) still answers kill(0).
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe.each(servers)('control plane with %s', (_name, launcher, available) => {
  let dataDir: string
  let plane: ControlPlane
  const events: NodeView[][] = []
  const extraServers: Server[] = []

  beforeEach(() => {
    if (!available) return
    dataDir = tempDir('tandem-control-')
    events.length = 0
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 200, eventThrottleMs: 50 })
    plane.on('fleet.changed', (list) => events.push(list))
  })

  afterEach(async () => {
    if (!available) return
    await plane.close()
    for (const s of extraServers.splice(0)) s.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function serverPid(id: string): Promise<number> {
    const info = await plane.call('console.exec', { id, argv: ['INFO', 'server'] })
    if (info.type !== 'bulk' && info.type !== 'verbatim') throw new Error(`INFO answered ${JSON.stringify(info)}`)
    return Number(/process_id:(\d+)/.exec(info.value)?.[1])
  }

  it.skipIf(!available)('create → running → console with exact reply types → stop → remove', async () => {
    const created = await plane.call('node.create', { name: 'primary' })
    expect(created.spec.name).toBe('primary')
    expect(created.status.processState).toBe('running')
    const id = created.spec.id
    const nodeDir = join(dataDir, 'nodes', id)
    expect(readFileSync(join(nodeDir, 'redis.conf'), 'utf8')).toContain(`port ${created.spec.port}\n`)
    expect(JSON.parse(readFileSync(join(dataDir, 'fleet.json'), 'utf8')).nodes[0].id).toBe(id)

    expect(await plane.call('console.exec', { id, argv: ['SET', 'greeting', 'OK'] })).toEqual({ type: 'status', value: 'OK' })
    expect(await plane.call('console.exec', { id, argv: ['GET', 'greeting'] })).toEqual({ type: 'bulk', value: 'OK' })
    expect(await plane.call('console.exec', { id, argv: ['GET', 'missing'] })).toEqual({ type: 'nil' })
    expect(await plane.call('console.exec', { id, argv: ['INCRBY', 'n', '9007199254740993'] })).toEqual({ type: 'integer', value: '9007199254740993' })
    const unknown = await plane.call('console.exec', { id, argv: ['NOSUCHCMD'] })
    expect(unknown.type).toBe('error')

    // SELECT persists between commands: one connection per node.
    expect(await plane.call('console.exec', { id, argv: ['SELECT', '1'] })).toEqual({ type: 'status', value: 'OK' })
    expect(await plane.call('console.exec', { id, argv: ['GET', 'greeting'] })).toEqual({ type: 'nil' })

    // The monitor reports the keys through fleet.changed.
    const seen = await until('a live status with 2 keys', () =>
      events.flat().find((v) => v.spec.id === id && v.status.live && v.status.keys === 2),
    )
    expect(seen.status.role).toBe('master')

    const pid = await serverPid(id)
    expect(isAlive(pid)).toBe(true)
    const stopped = await plane.call('node.stop', { id })
    expect(stopped.status.processState).toBe('stopped')
    expect(isAlive(pid)).toBe(false)
    expect(await plane.call('console.exec', { id, argv: ['PING'] })).toEqual({ type: 'error', value: 'node "primary" is stopped: start it first' })

    const restarted = await plane.call('node.start', { id })
    expect(restarted.status.processState).toBe('running')
    expect(await plane.call('console.exec', { id, argv: ['PING'] })).toEqual({ type: 'status', value: 'PONG' })

    expect(await plane.call('node.remove', { id })).toEqual({ removed: true })
    expect(existsSync(nodeDir)).toBe(false)
    expect(await plane.call('fleet.list', {})).toEqual([])
    await expect(plane.call('node.start', { id })).rejects.toThrow(`unknown node id "${id}"`)
  })

  it.skipIf(!available)('refuses ports in use, bad ports and empty commands with clear errors', async () => {
    const a = await plane.call('node.create', {})
    await expect(plane.call('node.create', { port: a.spec.port })).rejects.toThrow(`port ${a.spec.port} is already used by node "${a.spec.name}"`)

    const squatter = createServer()
    extraServers.push(squatter)
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r))
    const taken = (squatter.address() as { port: number }).port
    await expect(plane.call('node.create', { port: taken })).rejects.toThrow(`port ${taken} is already in use by another program`)
    await expect(plane.call('node.create', { port: 0 })).rejects.toThrow('invalid port 0')
    await expect(plane.call('console.exec', { id: a.spec.id, argv: [] })).rejects.toThrow(/"argv" is empty/)
    await expect(plane.dispatch('node.explode', {})).rejects.toThrow('unknown method "node.explode"')
    expect((await plane.call('fleet.list', {})).length).toBe(1)
  })

  it.skipIf(!available)('a server that refuses its config fails the start with its own words from the log', async () => {
    const attempt = plane.call('node.create', { name: 'misconfigured', config: { maxmemory: 'lots' } })
    await expect(attempt).rejects.toThrow(/node "misconfigured" failed to start: server exited before answering PING \(exit code 1\) — last log lines:[\s\S]*maxmemory/)
    const [node] = await plane.call('fleet.list', {})
    expect(node.status.processState).toBe('crashed')
    expect(node.status.error).toMatch(/maxmemory/)
    expect(readFileSync(join(dataDir, 'nodes', node.spec.id, 'server.log'), 'utf8')).toMatch(/maxmemory/)
  })

  it.skipIf(!available)('reports a crash with the exit reason, and comes back on the next launch', async () => {
    const a = await plane.call('node.create', { name: 'fragile' })
    const pid = await serverPid(a.spec.id)
    process.kill(pid, 'SIGKILL')
    const crashed = await until('crashed state', async () =>
      (await plane.call('fleet.list', {})).find((v) => v.status.processState === 'crashed'),
    )
    expect(crashed.status.live).toBe(false)
    expect(crashed.status.error).toMatch(/server exited unexpectedly \(killed by SIGKILL\)/)

    // A node running when the app quits is started again by the next control plane on this folder.
    await plane.call('node.start', { id: a.spec.id })
    await plane.close()
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 200 })
    await plane.ready
    const [again] = await plane.call('fleet.list', {})
    expect(again.status.processState).toBe('running')
    expect(again.spec.port).toBe(a.spec.port)

    // If its port was taken meanwhile, the node stays stopped and says why.
    await plane.close()
    const squatter = createServer()
    extraServers.push(squatter)
    await new Promise<void>((r) => squatter.listen(a.spec.port, '127.0.0.1', r))
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 200 })
    await plane.ready
    const [blocked] = await plane.call('fleet.list', {})
    expect(blocked.status.processState).toBe('stopped')
    expect(blocked.status.error).toBe(`port ${a.spec.port} is already in use by another program: stop it or create the node on another port`)
  })
})

describe.each(servers)('Save / Rewrite AOF through the control plane with %s', (name, launcher, available) => {
  let dataDir: string
  let plane: ControlPlane

  beforeEach(() => {
    if (!available) return
    dataDir = tempDir('tandem-persist-')
    plane = createControlPlane({ dataDir, launch: launcher(), pollIntervalMs: 200, eventThrottleMs: 50 })
  })

  afterEach(async () => {
    if (!available) return
    await plane.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function persistenceOf(id: string) {
    const node = (await plane.call('fleet.list', {})).find((v) => v.spec.id === id)
    return node?.status.live ? node.status.persistence : undefined
  }

  /** tandem-server's BGSAVE/BGREWRITEAOF are being built in parallel: say so rather than fail on their absence. */
  async function serverLacks(id: string, command: string): Promise<boolean> {
    const reply = await plane.call('console.exec', { id, argv: ['COMMAND', 'INFO', command] })
    const known = reply.type === 'array' && reply.items[0]?.type === 'array'
    if (!known) console.warn(`[${name}] ${command} is not implemented by this server yet: that part is skipped`)
    return !known
  }

  it.skipIf(!available)('Save writes the dump and resets "changes since"; Rewrite AOF finishes; INFO persistence shows both', async (ctx) => {
    const created = await plane.call('node.create', { name: 'durable', config: { appendonly: 'yes' } })
    const id = created.spec.id
    const nodeDir = join(dataDir, 'nodes', id)
    for (const key of ['a', 'b', 'c']) await plane.call('console.exec', { id, argv: ['SET', key, key] })
    const dirty = await until('3 changes since the last save', async () => {
      const p = await persistenceOf(id)
      return p && p.changesSinceLastSave >= 3 ? p : undefined
    })
    expect(dirty.bgsaveInProgress).toBe(false)
    if (await serverLacks(id, 'BGSAVE')) return ctx.skip()

    const asked = Date.now()
    const saved = await plane.call('node.save', { id })
    expect(saved.message).toBe('Background saving started')
    expect(saved.node.spec.id).toBe(id)
    const after = await until('the save to finish', async () => {
      const p = await persistenceOf(id)
      return p && !p.bgsaveInProgress && p.changesSinceLastSave === 0 ? p : undefined
    })
    expect(after.lastBgsaveStatus).toBe('ok')
    // rdb_last_save_time has whole seconds.
    expect(after.lastSaveAt).toBeGreaterThanOrEqual(asked - 1000)
    expect(existsSync(join(nodeDir, 'dump.rdb'))).toBe(true)

    expect(after.aofEnabled).toBe(true)
    if (await serverLacks(id, 'BGREWRITEAOF')) return ctx.skip()
    const rewrite = await plane.call('node.rewriteAof', { id })
    expect(rewrite.message).toMatch(/^Background append only file rewriting (started|scheduled)$/)
    const rewritten = await until('the rewrite to finish', async () => {
      const p = await persistenceOf(id)
      return p && !p.aofRewriteInProgress && !p.aofRewriteScheduled && p.lastAofRewriteDurationSec >= 0 ? p : undefined
    })
    expect(rewritten.aofEnabled).toBe(true)
    expect(rewritten.lastAofRewriteStatus).toBe('ok')
    expect(existsSync(join(nodeDir, 'appendonlydir'))).toBe(true)
  })

  it.skipIf(!available)('refuses Save and Rewrite AOF on a stopped node or an unknown id, saying why', async () => {
    const created = await plane.call('node.create', { name: 'idle' })
    await plane.call('node.stop', { id: created.spec.id })
    await expect(plane.call('node.save', { id: created.spec.id })).rejects.toThrow('node "idle" is stopped: start it first')
    await expect(plane.call('node.rewriteAof', { id: created.spec.id })).rejects.toThrow('node "idle" is stopped: start it first')
    await expect(plane.call('node.save', { id: 'nope' })).rejects.toThrow('unknown node id "nope"')
    await expect(plane.dispatch('node.save', {})).rejects.toThrow('node.save: "id" must be a non-empty string')
    const [node] = await plane.call('fleet.list', {})
    expect(node.status.persistence).toBeUndefined()
  })
})

describe('restart on crash', () => {
  it.skipIf(!hasRealRedis())('brings a killed node back by itself', async () => {
    const dataDir = tempDir('tandem-restart-')
    const plane = createControlPlane({ dataDir, launch: spawnLauncher(REDIS_SERVER), restartOnCrash: true, pollIntervalMs: 200 })
    try {
      const a = await plane.call('node.create', {})
      const info = await plane.call('console.exec', { id: a.spec.id, argv: ['INFO', 'server'] })
      const pid = Number(/process_id:(\d+)/.exec(info.type === 'bulk' ? info.value : '')?.[1])
      process.kill(pid, 'SIGKILL')
      await until('crashed', async () => (await plane.call('fleet.list', {}))[0].status.processState === 'crashed')
      await until('running again', async () => (await plane.call('fleet.list', {}))[0].status.processState === 'running')
      expect(await plane.call('console.exec', { id: a.spec.id, argv: ['PING'] })).toEqual({ type: 'status', value: 'PONG' })
    } finally {
      await plane.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
