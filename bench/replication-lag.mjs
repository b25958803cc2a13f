/**
 * The replica-lag workload (issue 5): a master and a fresh replica of the
 * same kind, in sync, then `redis-benchmark -t set -c 50 -P 1 -d 100` against
 * the master for LOAD_SECONDS (as many writes as the master takes: the same
 * duration on both servers, not the same count). Meanwhile:
 *  - lag in bytes, every ~10 ms: the master's master_repl_offset minus the
 *    latest slave_repl_offset of the replica (INFO replication, the replica
 *    polled every ~2 ms on its own connection);
 *  - lag in ms: every 20 ms a probe client SETs a sequence number on the
 *    master; a reader GETs it from the replica every ~1 ms. A probe's lag is
 *    the time the reader first sees it (or a later one) minus the time the
 *    master acknowledged the SET.
 * Reported: p50, p99, max of each. Target: tandem's p99 within 2x of Redis's.
 */
import { spawn } from 'node:child_process'
import { connectClient, distribution, infoFields, prepareMaster, sleep, startReplicating, waitForSync, withReplica } from './replication-pair.mjs'

const LOAD_SECONDS = 10
const BYTES_SAMPLE_INTERVAL_MS = 10
const REPLICA_OFFSET_INTERVAL_MS = 2
const PROBE_INTERVAL_MS = 20
const READER_INTERVAL_MS = 1
const PROBE_KEY = 'bench:lag-probe'
/** After the load, how long the reader may wait for the last probes to arrive. */
const DRAIN_TIMEOUT_MS = 30_000

/** redis-benchmark SETs against the master until killed. */
function startWriteLoad(port) {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-t', 'set', '-n', '1000000000', '-c', '50', '-P', '1', '-d', '100', '-r', '100000', '-q']
  const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let spawnError = null
  child.on('error', (e) => (spawnError = e))
  return {
    /** Why the load stopped early, or null while it runs. */
    failure: () => spawnError?.message ?? (child.exitCode !== null || child.signalCode !== null ? `redis-benchmark exited ${child.exitCode ?? child.signalCode}: ${stderr}` : null),
    async stop() {
      if (child.exitCode === null && child.signalCode === null && !spawnError) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}

/**
 * Byte lag samples until `running()` turns false: two loops, one reading the
 * replica's slave_repl_offset back to back (every ~2 ms), one reading the
 * master's master_repl_offset every ~10 ms; each master reading minus the
 * replica's latest known offset is one sample. A replica that stops
 * answering (busy applying, in GC) keeps its last offset while the master's
 * grows, so its stall shows as lag — asking the replica and the master in
 * turn would not see it, since the replica answers only after the stall,
 * caught up. Error: what the replica applies in one round trip plus a poll
 * interval (a few KiB at Redis's rate).
 */
async function sampleByteLag(masterInfo, replicaInfo, running) {
  const samples = []
  let replicaOffset = NaN
  const replicaLoop = (async () => {
    while (running()) {
      replicaOffset = Number((await infoFields(replicaInfo, 'replication')).slave_repl_offset)
      await sleep(REPLICA_OFFSET_INTERVAL_MS)
    }
  })()
  while (running()) {
    const masterOffset = Number((await infoFields(masterInfo, 'replication')).master_repl_offset)
    const lag = masterOffset - replicaOffset
    // The master's INFO waits behind the load's queued writes: the replica can be ahead of that reading.
    if (Number.isFinite(lag)) samples.push(Math.max(0, lag))
    await sleep(BYTES_SAMPLE_INTERVAL_MS)
  }
  await replicaLoop
  return samples
}

/** The ms probe: a writer on the master and a reader on the replica; resolves with one lag per probe. */
async function probeLagMs(writer, reader, running) {
  const ackedAt = new Map()
  let lastSent = 0
  let lastSeen = 0
  let writing = true
  const lags = []
  const writerLoop = (async () => {
    try {
      while (running()) {
        const seq = lastSent + 1
        await writer.set(PROBE_KEY, String(seq))
        ackedAt.set(seq, performance.now())
        lastSent = seq
        await sleep(PROBE_INTERVAL_MS)
      }
    } finally {
      writing = false
    }
  })()
  const readerLoop = (async () => {
    const drainDeadline = () => performance.now() + DRAIN_TIMEOUT_MS
    let deadline = Infinity
    while (writing || lastSeen < lastSent) {
      if (!writing && deadline === Infinity) deadline = drainDeadline()
      if (performance.now() > deadline) throw new Error(`replica still misses probe ${lastSeen + 1}..${lastSent} ${DRAIN_TIMEOUT_MS / 1000} s after the load`)
      const value = Number(await reader.get(PROBE_KEY))
      const seenAt = performance.now()
      // The stream is ordered: seeing seq N means every probe up to N has arrived.
      for (let seq = lastSeen + 1; seq <= value; seq++) {
        const acked = ackedAt.get(seq)
        lags.push(acked === undefined ? 0 : Math.max(0, seenAt - acked))
        ackedAt.delete(seq)
      }
      if (value > lastSeen) lastSeen = value
      await sleep(READER_INTERVAL_MS)
    }
  })()
  await Promise.all([writerLoop, readerLoop])
  return lags
}

/**
 * After a diskless transfer Redis starts the command stream only on the
 * replica's first REPLCONF ACK (up to a second after the link is up); the
 * load starts once a write on the master reaches the replica, so that second
 * is not counted as lag.
 */
async function waitForStreaming(writer, reader) {
  const deadline = performance.now() + 10_000
  await writer.set(PROBE_KEY, '0')
  while ((await reader.get(PROBE_KEY)) !== '0') {
    if (performance.now() > deadline) throw new Error('a write on the master did not reach the replica within 10 s of the link coming up')
    await sleep(5)
  }
}

/** One lag measurement against the master at `masterPort` and a fresh replica. */
export async function measureReplicaLag(masterPort, env) {
  const master = await connectClient(masterPort)
  const masterInfo = await connectClient(masterPort)
  const writer = await connectClient(masterPort)
  try {
    await prepareMaster(master)
    return await withReplica(env, async (replicaPort) => {
      const replica = await connectClient(replicaPort)
      const replicaInfo = await connectClient(replicaPort)
      const reader = await connectClient(replicaPort)
      try {
        await startReplicating(replica, masterPort)
        await waitForSync(replica, 0)
        await waitForStreaming(writer, reader)
        const before = await infoFields(master, 'stats')
        const offsetBefore = Number((await infoFields(master, 'replication')).master_repl_offset)
        const load = startWriteLoad(masterPort)
        const started = performance.now()
        let loading = true
        const running = () => loading
        try {
          const bytesSampling = sampleByteLag(masterInfo, replicaInfo, running)
          const msProbing = probeLagMs(writer, reader, running)
          while (performance.now() - started < LOAD_SECONDS * 1000) {
            const failure = load.failure()
            if (failure) throw new Error(failure)
            await sleep(100)
          }
          loading = false
          const seconds = (performance.now() - started) / 1000
          await load.stop()
          const [bytesLag, msLag] = await Promise.all([bytesSampling, msProbing])
          const after = await infoFields(master, 'stats')
          const offsetAfter = Number((await infoFields(master, 'replication')).master_repl_offset)
          return {
            seconds,
            writesPerSecond: (Number(after.total_commands_processed) - Number(before.total_commands_processed)) / seconds,
            streamBytesPerSecond: (offsetAfter - offsetBefore) / seconds,
            bytes: distribution(bytesLag),
            bytesSamples: bytesLag.length,
            ms: distribution(msLag),
            msSamples: msLag.length,
          }
        } finally {
          loading = false
          await load.stop()
        }
      } finally {
        await replica.call('REPLICAOF', 'NO', 'ONE').catch(() => {})
        for (const c of [replica, replicaInfo, reader]) c.disconnect()
      }
    })
  } finally {
    for (const c of [master, masterInfo, writer]) c.disconnect()
  }
}

/**
 * As run.mjs's rows: `rps` is the master's commands per second under the
 * load, p50/p99 are the lag in ms; `metrics` carries both lags for the
 * replication table.
 */
export async function replicaLagWorkload(masterPort, env) {
  const m = await measureReplicaLag(masterPort, env)
  const kb = (b) => `${(b / 1024).toFixed(1)} KiB`
  process.stderr.write(
    `  replica lag over ${m.seconds.toFixed(1)} s of SET load (${Math.round(m.writesPerSecond)} commands/s, stream ${(m.streamBytesPerSecond / 1e6).toFixed(1)} MB/s): ` +
      `bytes p50 ${kb(m.bytes.p50)} p99 ${kb(m.bytes.p99)} max ${kb(m.bytes.max)} (${m.bytesSamples} samples); ` +
      `ms p50 ${m.ms.p50.toFixed(1)} p99 ${m.ms.p99.toFixed(1)} max ${m.ms.max.toFixed(1)} (${m.msSamples} probes)\n`,
  )
  return [
    {
      test: 'replica lag',
      rps: m.writesPerSecond,
      p50_latency_ms: m.ms.p50,
      p99_latency_ms: m.ms.p99,
      metrics: {
        'lag p50 (bytes)': m.bytes.p50,
        'lag p99 (bytes)': m.bytes.p99,
        'lag max (bytes)': m.bytes.max,
        'lag p50 (ms)': m.ms.p50,
        'lag p99 (ms)': m.ms.p99,
        'lag max (ms)': m.ms.max,
      },
    },
  ]
}
