/**
 * What both replication workloads need: a replica of the benchmark's server
 * (same kind of server, same settings: a second process started by run.mjs's
 * `startServer`), INFO parsing, waiting for the link, percentiles, and a
 * clear "replication not available" error when the server refuses REPLICAOF
 * (tandem before its replication lands) instead of a crash or a hang.
 */
import Redis from 'ioredis'

export const LINK_UP_TIMEOUT_MS = 90_000

/** `INFO <section>` text → { field: value } (strings; the caller converts). */
export function parseInfo(text) {
  const fields = {}
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0 && !line.startsWith('#')) fields[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return fields
}

export async function infoFields(client, section) {
  return parseInfo(await client.info(section))
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms))
}

/** A connected ioredis client that does not retry (a dead server should fail the workload, not hang it). */
export async function connectClient(port) {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false })
  await client.connect()
  return client
}

/** The server refused to replicate: the workload reports it as not measured. */
export class ReplicationUnavailable extends Error {
  constructor(detail) {
    super(`replication not available (${detail})`)
  }
}

/**
 * Sends REPLICAOF to the replica. Anything but +OK means this server cannot
 * replicate (yet): a ReplicationUnavailable with the reply in it.
 */
export async function startReplicating(replica, masterPort) {
  let reply
  try {
    reply = await replica.call('REPLICAOF', '127.0.0.1', String(masterPort))
  } catch (e) {
    throw new ReplicationUnavailable(`REPLICAOF answered ${e.message}`)
  }
  if (reply !== 'OK' && !String(reply).startsWith('OK')) throw new ReplicationUnavailable(`REPLICAOF answered ${reply}`)
}

/**
 * Polls the replica every `intervalMs` until master_link_status:up and DBSIZE
 * equals `expectedKeys`. `onSample(fields)` sees each INFO replication read
 * (for the transfer's byte counters, which Redis only shows while it runs).
 * LOADING errors while the replica loads the snapshot are expected.
 */
export async function waitForSync(replica, expectedKeys, { intervalMs = 10, timeoutMs = LINK_UP_TIMEOUT_MS, onSample } = {}) {
  const deadline = performance.now() + timeoutMs
  let last = {}
  let lastError = ''
  for (;;) {
    try {
      last = await infoFields(replica, 'replication')
      onSample?.(last)
      if (last.master_link_status === 'up') {
        const keys = await replica.dbsize()
        if (keys === expectedKeys) return performance.now()
        lastError = `DBSIZE ${keys}`
      }
    } catch (e) {
      if (!/LOADING/.test(e.message)) lastError = e.message
    }
    if (performance.now() > deadline) {
      const state = `master_link_status:${last.master_link_status ?? '?'} master_sync_in_progress:${last.master_sync_in_progress ?? '?'}${lastError ? `, ${lastError}` : ''}`
      // A replica that never even started a sync did not really replicate.
      if (last.role !== 'slave') throw new ReplicationUnavailable(`replica reports role:${last.role ?? '?'} after REPLICAOF`)
      throw new Error(`replica not in sync after ${timeoutMs / 1000} s (${state})`)
    }
    await sleep(intervalMs)
  }
}

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

/** { p50, p99, max } of the values. */
export function distribution(values) {
  const sorted = Float64Array.from(values).sort()
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : NaN }
}

/**
 * Runs `body(replicaPort)` with a fresh replica server of the same kind; the
 * replica process is always stopped. `env.startServer` is run.mjs's (it
 * registers the process so an interrupted run kills it too).
 */
export async function withReplica(env, body) {
  const replicaServer = await env.startServer(env.definition)
  try {
    return await body(replicaServer.port, replicaServer)
  } catch (e) {
    // A replica that failed for real (not a refusal) usually said why in its log.
    if (!(e instanceof ReplicationUnavailable)) {
      const tail = replicaServer.output().trim().split('\n').slice(-8).join('\n')
      if (tail) e.message += `\n  replica's last output:\n${tail.replace(/^/gm, '    ')}`
    }
    throw e
  } finally {
    await replicaServer.stop()
  }
}

/**
 * Detaches the master from its past: no replicas left, data flushed, and the
 * diskless sync started at once (Redis's default waits 5 s for more replicas,
 * which would dominate a 1-replica sync on both servers alike).
 */
export async function prepareMaster(master) {
  await master.flushall()
  await master.call('CONFIG', 'SET', 'repl-diskless-sync-delay', '0')
}
