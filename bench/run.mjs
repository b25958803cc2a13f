#!/usr/bin/env node
/**
 * `npm run bench`: tandem-server against real Redis on the same machine, same
 * settings (persistence off), with redis-benchmark. Prints a table with both
 * figures and the ratio tandem/redis, and writes bench/results/latest.json.
 *
 * Workloads are data: a later feature adds its own entry to WORKLOADS.
 *   node bench/run.mjs [--requests N] [--only <workload name substring>]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serverDefinitions, startServer } from './servers.mjs'
import { ZSET_KEY, loadMillionMemberZset } from './zset-load.mjs'
import { bgsaveWorkload } from './bgsave.mjs'
import { fullSyncWorkload } from './replication-sync.mjs'
import { replicaLagWorkload } from './replication-lag.mjs'
import { failoverWorkload } from './failover.mjs'

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results', 'latest.json')
const BENCHMARK_TIMEOUT_MS = 180_000

/**
 * `command` runs redis-benchmark's custom-command mode instead of `-t tests`;
 * `setup(port)` prepares the data set before the workload runs on each server.
 * `run(port, env)` replaces redis-benchmark entirely and resolves with rows of the same shape;
 * `env.startServer(env.definition)` starts another server of the same kind (a replica), stopped
 * by the workload and killed by an interrupted run. A row's `metrics` ({ label: number }, larger =
 * worse) are printed in a second table with their tandem/redis ratio.
 * @typedef {{ name: string, tests: string, requests: number, clients: number, pipeline: number, extraArgs?: string[], command?: string[], setup?: (port: number) => Promise<void>, run?: (port: number, env: { definition: object, startServer: (definition: object) => Promise<object> }) => Promise<object[]> }} Workload
 * @type {Workload[]}
 */
export const WORKLOADS = [
  { name: 'set/get -P 1', tests: 'set,get', requests: 100_000, clients: 50, pipeline: 1 },
  { name: 'set/get -P 16', tests: 'set,get', requests: 100_000, clients: 50, pipeline: 16 },
  // Issue 3: ZADD and ZRANGEBYSCORE on a 1,000,000-member sorted set, within 3x of Redis's time per operation.
  { name: 'zset 1M zadd', tests: 'zadd', requests: 100_000, clients: 50, pipeline: 1, setup: loadMillionMemberZset, extraArgs: ['-r', '1000000'], command: ['zadd', ZSET_KEY, '__rand_int__', 'member:__rand_int__'] },
  // Issue 4: BGSAVE of 1,000,000 small keys (time until rdb_bgsave_in_progress:0; p99 column = longest PING during it, target < 50 ms).
  { name: 'bgsave 1M keys', tests: 'BGSAVE 1M keys', requests: 1, clients: 1, pipeline: 1, run: bgsaveWorkload },
  { name: 'zset 1M zrangebyscore', tests: 'zrangebyscore', requests: 100_000, clients: 50, pipeline: 1, setup: loadMillionMemberZset, extraArgs: ['-r', '1000000'], command: ['zrangebyscore', ZSET_KEY, '__rand_int__', '+inf', 'LIMIT', '0', '10'] },
  // Issue 5 (last: they leave the master with a replication backlog). Full sync of 1,000,000 keys to a
  // fresh replica (time, bytes, longest PING on the master; target within 2x of Redis's time), and
  // the replica's lag in bytes and ms under a 10 s redis-benchmark SET load (target p99 within 2x).
  { name: 'replication full sync 1M keys', tests: 'full sync 1M keys', requests: 1, clients: 1, pipeline: 1, run: fullSyncWorkload },
  { name: 'replication lag', tests: 'replica lag', requests: 1, clients: 50, pipeline: 1, run: replicaLagWorkload },
  // Issue 6: time from failover.run to the new master's first accepted write, coordinated and after a SIGKILL, 20 runs each (median, max).
  { name: 'failover', tests: 'failover to writable', requests: 20, clients: 1, pipeline: 1, run: failoverWorkload },
]

function parseOptions(argv) {
  const options = { requests: undefined, only: undefined }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--requests') options.requests = Number(argv[++i])
    else if (argv[i] === '--only') options.only = argv[++i]
    else throw new Error(`unknown option ${argv[i]} (use --requests N, --only NAME)`)
  }
  if (options.requests !== undefined && !(options.requests > 0)) throw new Error('--requests takes a positive number')
  return options
}

/** redis-benchmark's --csv output: a header row, then one quoted row per test. */
export function parseCsv(text) {
  const rows = text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('"'))
    .map((l) => l.split(',').map((cell) => cell.replace(/^"|"$/g, '')))
  const [header, ...data] = rows
  if (!header || header[0] !== 'test') throw new Error(`unexpected redis-benchmark output:\n${text}`)
  return data.map((cells) => Object.fromEntries(header.map((h, i) => [h, i === 0 ? cells[i] : Number(cells[i])])))
}

/** Runs redis-benchmark once; resolves with its rows, rejects on failure or timeout. */
function runBenchmark(port, workload, requests) {
  const testArgs = workload.command ? [] : ['-t', workload.tests]
  const args = ['-h', '127.0.0.1', '-p', String(port), ...testArgs, '-n', String(requests), '-c', String(workload.clients), '-P', String(workload.pipeline), '-q', '--csv', ...(workload.extraArgs ?? []), ...(workload.command ?? [])]
  return new Promise((resolvePromise, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-benchmark ${args.join(' ')} took longer than ${BENCHMARK_TIMEOUT_MS / 1000} s`))
    }, BENCHMARK_TIMEOUT_MS)
    child.on('error', (e) => (clearTimeout(timer), reject(e)))
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (code !== 0) return reject(new Error(`redis-benchmark exited ${code}: ${err || out}`))
      try {
        resolvePromise(parseCsv(out))
      } catch (e) {
        reject(e)
      }
    })
  })
}

function formatOps(rps) {
  if (rps === undefined) return '—'
  return rps >= 1_000_000 ? `${(rps / 1_000_000).toFixed(2)} M` : `${(rps / 1000).toFixed(1)} k`
}

function printTable(results) {
  const rows = [['workload', 'test', 'tandem ops/s', 'redis ops/s', 'tandem/redis', 'tandem µs/op', 'redis µs/op', 'time ×redis']]
  const usPerOp = (side) => (side?.rps ? (1e6 / side.rps).toFixed(1) : '—')
  for (const r of results) {
    rows.push([r.workload, r.test.length > 24 ? `${r.test.slice(0, 23)}…` : r.test, r.tandem?.error ? 'failed' : formatOps(r.tandem?.rps), r.redis?.error ? 'failed' : formatOps(r.redis?.rps), r.ratio === null ? '—' : r.ratio.toFixed(2), usPerOp(r.tandem), usPerOp(r.redis), r.ratio ? (1 / r.ratio).toFixed(2) : '—'])
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

/** tandem/redis for each metric both measured (metrics are costs: above 1 = tandem worse). */
function metricRatiosOf(tandem, redis) {
  const labels = new Set([...Object.keys(tandem.metrics ?? {}), ...Object.keys(redis.metrics ?? {})])
  if (labels.size === 0) return undefined
  const ratios = {}
  for (const label of labels) {
    const t = tandem.metrics?.[label]
    const r = redis.metrics?.[label]
    ratios[label] = Number.isFinite(t) && Number.isFinite(r) && r > 0 ? t / r : null
  }
  return ratios
}

function formatMetric(value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '—'
  if (Math.abs(value) >= 1e6) return `${(value / 1e6).toFixed(2)} M`
  if (Math.abs(value) >= 1e4) return `${(value / 1e3).toFixed(1)} k`
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 3)
}

/** The second table: each metric of the workloads that report them, with tandem/redis (× Redis's). */
function printMetrics(results) {
  const withMetrics = results.filter((r) => r.metricRatios)
  if (withMetrics.length === 0) return
  const rows = [['workload', 'metric', 'tandem', 'redis', 'tandem/redis']]
  for (const r of withMetrics) {
    for (const [label, ratio] of Object.entries(r.metricRatios)) {
      const side = (s) => (s.error ? 'failed' : formatMetric(s.metrics?.[label]))
      rows.push([r.workload, label, side(r.tandem), side(r.redis), ratio === null ? '—' : ratio.toFixed(2)])
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  console.log('')
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

function redisVersion() {
  try {
    return execFileSync('redis-server', ['--version']).toString().trim()
  } catch {
    return 'unknown'
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  const workloads = WORKLOADS.filter((w) => !options.only || w.name.includes(options.only))
  const definitions = serverDefinitions(REPO_ROOT)
  const running = []
  const stopAll = () => Promise.all(running.splice(0).map((s) => s.stop()))
  /** A server a workload starts itself (a replica): in `running` until it is stopped. */
  const startTracked = async (definition) => {
    const server = await startServer(definition)
    running.push(server)
    return {
      ...server,
      stop: async () => {
        const i = running.indexOf(server)
        if (i >= 0) running.splice(i, 1)
        await server.stop()
      },
    }
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll().then(() => process.exit(130)))

  /** measurements[workload][server] = rows or { error } */
  const measurements = new Map(workloads.map((w) => [w.name, new Map()]))
  let failed = false
  try {
    // One server at a time: on 2 cores, a running neighbour would skew the figures.
    for (const definition of definitions) {
      const unavailable = definition.available()
      let server = null
      try {
        if (unavailable) throw new Error(unavailable)
        server = await startServer(definition)
        running.push(server)
      } catch (e) {
        failed = true
        console.error(`${definition.name}: could not start: ${e.message}`)
        for (const w of workloads) measurements.get(w.name).set(definition.name, { error: e.message })
        continue
      }
      for (const workload of workloads) {
        const requests = options.requests ?? workload.requests
        process.stderr.write(`${definition.name}: ${workload.name} (${requests} requests, ${workload.clients} clients)…\n`)
        try {
          if (workload.setup) await workload.setup(server.port)
          measurements.get(workload.name).set(definition.name, workload.run ? await workload.run(server.port, { definition, startServer: startTracked }) : await runBenchmark(server.port, workload, requests))
        } catch (e) {
          failed = true
          console.error(`${definition.name}: ${workload.name}: ${e.message}`)
          measurements.get(workload.name).set(definition.name, { error: e.message })
        }
      }
      await server.stop()
      running.splice(running.indexOf(server), 1)
    }
  } finally {
    await stopAll()
  }

  const results = []
  for (const workload of workloads) {
    const byServer = measurements.get(workload.name)
    const tests = new Set()
    for (const rows of byServer.values()) if (Array.isArray(rows)) rows.forEach((r) => tests.add(r.test))
    if (tests.size === 0) tests.add(workload.tests)
    for (const test of tests) {
      const pick = (name) => {
        const rows = byServer.get(name)
        if (!Array.isArray(rows)) return { error: rows?.error ?? 'not measured' }
        const row = rows.find((r) => r.test === test)
        if (!row) return { error: 'no row' }
        return row.metrics ? { rps: row.rps, p50_ms: row.p50_latency_ms, p99_ms: row.p99_latency_ms, metrics: row.metrics } : { rps: row.rps, p50_ms: row.p50_latency_ms, p99_ms: row.p99_latency_ms }
      }
      const tandem = pick('tandem')
      const redis = pick('redis')
      const ratio = tandem.rps && redis.rps ? tandem.rps / redis.rps : null
      const result = { workload: workload.name, test, requests: options.requests ?? workload.requests, clients: workload.clients, pipeline: workload.pipeline, tandem, redis, ratio }
      const metricRatios = metricRatiosOf(tandem, redis)
      if (metricRatios) result.metricRatios = metricRatios
      results.push(result)
    }
  }

  printTable(results)
  printMetrics(results)
  const report = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, redis: redisVersion() },
    results,
  }
  mkdirSync(dirname(RESULTS_FILE), { recursive: true })
  writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + '\n')
  console.log(`\nwritten to ${RESULTS_FILE}`)
  if (failed) process.exitCode = 1
}

main().catch((e) => {
  console.error(e.stack ?? String(e))
  process.exitCode = 1
})
