/**
 * The full-sync workload (issue 5): 1,000,000 small keys on the master, then
 * a fresh replica of the same kind gets REPLICAOF and is timed until it says
 * master_link_status:up with every key (DBSIZE equal). Meanwhile a probe
 * client PINGs the master every 2 ms and records the longest round trip —
 * how long the master stopped answering while it served the sync. The bytes
 * are what the master sent on its replica links (INFO stats
 * total_net_repl_output_bytes, the RDB transfer included) and what the
 * replica received (total_net_repl_input_bytes).
 * Target: tandem's full sync within 2x of Redis's time.
 */
import { connect } from 'node:net'
import { connectClient, infoFields, prepareMaster, sleep, startReplicating, waitForSync, withReplica } from './replication-pair.mjs'

export const SYNC_KEYS = 1_000_000
const PAIRS_PER_MSET = 1_000
const PROBE_INTERVAL_MS = 2

function encodeCommand(args) {
  let out = `*${args.length}\r\n`
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`
  return out
}

/**
 * Loads key:<i> = value:<i> (the BGSAVE workload's keys) with pipelined MSETs
 * of 1,000 pairs on one raw socket; every reply is one `+OK` line.
 */
export function loadKeys(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let pending = Math.ceil(SYNC_KEYS / PAIRS_PER_MSET)
    let tail = ''
    socket.on('error', reject)
    socket.on('data', (chunk) => {
      const lines = (tail + chunk.toString('latin1')).split('\r\n')
      tail = lines.pop()
      for (const line of lines) {
        if (line !== '+OK') {
          socket.destroy()
          return reject(new Error(`loading keys: MSET answered ${line}`))
        }
        pending--
      }
      if (pending === 0) socket.end(resolve)
    })
    socket.on('connect', () => {
      for (let from = 0; from < SYNC_KEYS; from += PAIRS_PER_MSET) {
        const args = ['MSET']
        for (let i = from; i < Math.min(SYNC_KEYS, from + PAIRS_PER_MSET); i++) args.push(`key:${i}`, `value:${i}`)
        socket.write(encodeCommand(args))
      }
    })
  })
}

/** PINGs every PROBE_INTERVAL_MS until stopped; `stop()` resolves with { maxPingMs, pings }. */
function startPingProbe(client) {
  let probing = true
  let maxPingMs = 0
  let pings = 0
  const loop = (async () => {
    while (probing) {
      const t = performance.now()
      await client.ping()
      maxPingMs = Math.max(maxPingMs, performance.now() - t)
      pings++
      await sleep(PROBE_INTERVAL_MS)
    }
  })()
  return {
    async stop() {
      probing = false
      await loop
      return { maxPingMs, pings }
    },
  }
}

/**
 * Polls the master until it lists the replica as `state=online` (the RDB is
 * delivered: what remains is the replica loading it); `stop()` resolves with
 * that moment (performance.now()) or NaN if it was not seen.
 */
function watchTransfer(master) {
  let watching = true
  let deliveredAt = NaN
  const loop = (async () => {
    while (watching && Number.isNaN(deliveredAt)) {
      const fields = await infoFields(master, 'replication')
      if (/state=online/.test(fields.slave0 ?? '')) deliveredAt = performance.now()
      else await sleep(10)
    }
  })()
  return {
    async stop() {
      watching = false
      await loop
      return deliveredAt
    },
  }
}

const counter = (fields, name) => (fields[name] === undefined ? NaN : Number(fields[name]))

/** One full sync of SYNC_KEYS keys from the master at `masterPort` to a fresh replica. */
export async function measureFullSync(masterPort, env) {
  const master = await connectClient(masterPort)
  const probe = await connectClient(masterPort)
  try {
    await prepareMaster(master)
    await loadKeys(masterPort)
    const loaded = await master.dbsize()
    if (loaded !== SYNC_KEYS) throw new Error(`master holds ${loaded} keys after loading, wanted ${SYNC_KEYS}`)
    return await withReplica(env, async (replicaPort) => {
      const replica = await connectClient(replicaPort)
      try {
        const outputBefore = counter(await infoFields(master, 'stats'), 'total_net_repl_output_bytes')
        const inputBefore = counter(await infoFields(replica, 'stats'), 'total_net_repl_input_bytes')
        let syncReadBytes = 0
        const ping = startPingProbe(probe)
        const transfer = watchTransfer(master)
        const started = performance.now()
        let finished
        let probed
        let deliveredAt
        try {
          await startReplicating(replica, masterPort)
          finished = await waitForSync(replica, SYNC_KEYS, {
            onSample: (f) => {
              // Shown only while the transfer runs (master_sync_total_bytes is -1 for a diskless $EOF: transfer).
              if (f.master_sync_read_bytes !== undefined) syncReadBytes = Math.max(syncReadBytes, Number(f.master_sync_read_bytes))
            },
          })
        } finally {
          probed = await ping.stop()
          deliveredAt = await transfer.stop()
        }
        const { maxPingMs, pings } = probed
        const sent = counter(await infoFields(master, 'stats'), 'total_net_repl_output_bytes') - outputBefore
        const received = counter(await infoFields(replica, 'stats'), 'total_net_repl_input_bytes') - inputBefore
        await replica.call('REPLICAOF', 'NO', 'ONE').catch(() => {})
        return { seconds: (finished - started) / 1000, transferSeconds: (deliveredAt - started) / 1000, maxPingMs, pings, sentBytes: sent, receivedBytes: received, syncReadBytes }
      } finally {
        replica.disconnect()
      }
    })
  } finally {
    master.disconnect()
    probe.disconnect()
  }
}

function megabytes(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 1e6).toFixed(1)} MB` : 'n/a'
}

/**
 * As run.mjs's rows: `rps` is syncs per second (1 / duration) so the ratio
 * column reads as everywhere else; p50 = the sync's duration, p99 = the
 * longest PING; `metrics` carries the figures the replication table prints.
 */
export async function fullSyncWorkload(masterPort, env) {
  const m = await measureFullSync(masterPort, env)
  // The transfer size: what the master counted as sent, else what the replica counted, else the largest read progress seen.
  const bytes = [m.sentBytes, m.receivedBytes, m.syncReadBytes].find((b) => Number.isFinite(b) && b > 0) ?? NaN
  const phases = Number.isFinite(m.transferSeconds) ? ` (RDB delivered after ${m.transferSeconds.toFixed(3)} s, then ${(m.seconds - m.transferSeconds).toFixed(3)} s to load)` : ''
  process.stderr.write(`  full sync of ${SYNC_KEYS} keys: ${m.seconds.toFixed(3)} s${phases}, ${megabytes(bytes)} (master sent ${megabytes(m.sentBytes)}, replica received ${megabytes(m.receivedBytes)}), longest PING ${m.maxPingMs.toFixed(1)} ms over ${m.pings} PINGs\n`)
  return [
    {
      test: 'full sync 1M keys',
      rps: 1 / m.seconds,
      p50_latency_ms: m.seconds * 1000,
      p99_latency_ms: m.maxPingMs,
      metrics: {
        'sync time (s)': m.seconds,
        '  of which RDB delivery (s)': m.transferSeconds,
        '  of which replica load (s)': m.seconds - m.transferSeconds,
        'bytes transferred': bytes,
        'longest PING on master (ms)': m.maxPingMs,
      },
    },
  ]
}
