/**
 * The failover workload (issue 6): time from the Failover button (the
 * control plane's `failover.run`, loaded from its TypeScript source with
 * jiti) until the new master accepts a write, measured by a client trying
 * SET on the chosen replica every 2 ms. A group of one master and two
 * replicas of the benchmark's kind of server (local nodes in a temporary data
 * folder), then:
 *  - coordinated: 20 failovers in a row, each of the group's current master
 *    (FAILOVER TO; the old master becomes a replica);
 *  - after a crash: 20 times, SIGKILL the current master (node.kill), run the
 *    failover (REPLICAOF NO ONE + repoints), then restart the old master,
 *    which comes back as a replica, before the next round.
 * Reported: median and max of each (ms). The server run.mjs started is not used.
 *   node bench/failover.mjs [tandem|redis] [runs]   (alone, outside run.mjs; BENCH_DEBUG=1 prints
 *   the nodes' INFO replication and the last timeline on a failure)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createJiti } from 'jiti'
import Redis from 'ioredis'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = 20
const PROBE_INTERVAL_MS = 2
const CONFIG = { 'repl-diskless-sync-delay': '0', save: '' }

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function loadControlPlane() {
  const jiti = createJiti(import.meta.url)
  const { createControlPlane } = await jiti.import(join(REPO_ROOT, 'main', 'control', 'control-plane.ts'))
  const { forkLauncher, spawnLauncher } = await jiti.import(join(REPO_ROOT, 'main', 'control', 'server-launcher.ts'))
  return { createControlPlane, forkLauncher, spawnLauncher }
}

function client(port) {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true })
  c.on('error', () => {})
  return c
}

/** SET every 2 ms on `port` until one is accepted: resolves with performance.now() of that reply. */
function firstAcceptedWrite(port, timeoutMs = 20_000) {
  const c = client(port)
  return (async () => {
    const deadline = performance.now() + timeoutMs
    try {
      while (performance.now() < deadline) {
        try {
          if ((await c.set('bench:failover-probe', '1')) === 'OK') return performance.now()
        } catch {
          // READONLY while still a replica
        }
        await sleep(PROBE_INTERVAL_MS)
      }
      throw new Error(`no write accepted on port ${port} within ${timeoutMs} ms`)
    } finally {
      c.disconnect()
    }
  })()
}

async function linkedTo(port, masterPort) {
  const c = client(port)
  try {
    const text = await c.info('replication')
    return text.includes('role:slave') && text.includes(`master_port:${masterPort}\r\n`) && text.includes('master_link_status:up')
  } catch {
    return false
  } finally {
    c.disconnect()
  }
}

let debugPorts = []
async function debugState() {
  const out = []
  for (const p of debugPorts) {
    const c = client(p)
    try {
      out.push(`${p}: ${(await c.info('replication')).split('\r\n').slice(0, 8).join(' ')}`)
    } catch (e) {
      out.push(`${p}: ${e.message}`)
    } finally {
      c.disconnect()
    }
  }
  return out.join('\n')
}

async function until(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${process.env.BENCH_DEBUG ? " " + (await debugState()) : ""}`)
    await sleep(20)
  }
}

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** One failover of the group whose master is `masterId`: ms from the call to the first accepted write on the promoted node. */
async function timedFailover(plane, masterId, portOf) {
  const plan = await plane.call('failover.plan', { groupMasterId: masterId })
  if (!plan.chosenId) throw new Error(`no replica to promote: ${plan.reason}`)
  const probe = firstAcceptedWrite(portOf(plan.chosenId))
  const t0 = performance.now()
  const record = await plane.call('failover.run', { groupMasterId: masterId })
  if (record.outcome !== 'succeeded') throw new Error(`failover failed: ${record.error}`)
  return { ms: (await probe) - t0, newMasterId: record.newMasterId, mode: record.mode }
}

export async function measureFailover(serverName, runs = RUNS) {
  const { createControlPlane, forkLauncher, spawnLauncher } = await loadControlPlane()
  const launch = serverName === 'redis' ? spawnLauncher('/usr/bin/redis-server') : forkLauncher(join(REPO_ROOT, 'out', 'server', 'cli.js'))
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-failover-'))
  const plane = createControlPlane({ dataDir, launch, pollIntervalMs: 1000, resumeRunning: false })
  try {
    const group = await plane.call('replication.createGroup', { name: 'bench', replicas: 2, config: CONFIG })
    const nodes = [group.master, ...group.replicas].map((v) => v.spec)
    const portOf = (id) => nodes.find((n) => n.id === id).port
    debugPorts = nodes.map((n) => n.port)
    const allLinked = async (masterId) => {
      for (const n of nodes) if (n.id !== masterId) await until(`${n.name} linked`, () => linkedTo(n.port, portOf(masterId)))
    }
    let masterId = group.master.spec.id
    await allLinked(masterId)
    const seed = client(portOf(masterId))
    for (let i = 0; i < 1000; i++) await seed.set(`bench:key:${i}`, String(i))
    seed.disconnect()

    const coordinated = []
    for (let i = 0; i < runs; i++) {
      const r = await timedFailover(plane, masterId, portOf)
      if (r.mode !== 'coordinated') throw new Error(`expected a coordinated failover, got ${r.mode}`)
      coordinated.push(r.ms)
      masterId = r.newMasterId
      await allLinked(masterId)
    }
    const crash = []
    for (let i = 0; i < runs; i++) {
      const old = masterId
      await plane.call('node.kill', { id: old })
      const r = await timedFailover(plane, old, portOf)
      if (r.mode !== 'master-down') throw new Error(`expected a master-down failover, got ${r.mode}`)
      crash.push(r.ms)
      masterId = r.newMasterId
      await plane.call('node.restart', { id: old })
      await allLinked(masterId)
    }
    return { coordinated, crash }
  } catch (e) {
    if (process.env.BENCH_DEBUG) for (const r of (await plane.call('failover.timeline', {})).slice(0, 2)) console.error(r.mode, r.outcome, r.steps.map((s) => `${s.sinceStartMs} ${s.kind} ${s.message}`).join('\n'))
    throw e
  } finally {
    await plane.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** run.mjs's entry: the server it started is not used (the control plane starts its own group). */
export async function failoverWorkload(_port, env) {
  const { coordinated, crash } = await measureFailover(env.definition.name)
  process.stderr.write(`  failover to first accepted write over ${coordinated.length} runs: coordinated median ${median(coordinated).toFixed(0)} ms, max ${Math.max(...coordinated).toFixed(0)} ms; after a crash median ${median(crash).toFixed(0)} ms, max ${Math.max(...crash).toFixed(0)} ms\n`)
  return [
    {
      test: 'failover to writable',
      rps: 1000 / median(coordinated),
      p50_latency_ms: median(coordinated),
      p99_latency_ms: Math.max(...coordinated),
      metrics: {
        'coordinated median (ms)': median(coordinated),
        'coordinated max (ms)': Math.max(...coordinated),
        'after crash median (ms)': median(crash),
        'after crash max (ms)': Math.max(...crash),
      },
    },
  ]
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = process.argv[2] ?? 'tandem'
  const runs = Number(process.argv[3] ?? RUNS)
  measureFailover(server, runs)
    .then(({ coordinated, crash }) => {
      const fmt = (v) => `median ${median(v).toFixed(0)} ms, max ${Math.max(...v).toFixed(0)} ms (${v.map((x) => x.toFixed(0)).join(' ')})`
      console.log(`${server}: coordinated ${fmt(coordinated)}\n${server}: after a crash ${fmt(crash)}`)
      process.exit(0)
    })
    .catch((e) => {
      console.error(e.stack ?? String(e))
      process.exit(1)
    })
}
