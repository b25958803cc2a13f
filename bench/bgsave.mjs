/**
 * The BGSAVE workload (issue 4): 1,000,000 small keys, then BGSAVE timed until
 * INFO says `rdb_bgsave_in_progress:0`, while a probe client PINGs back to back
 * and records the longest round trip — how long the server stopped answering.
 * Targets: tandem's longest PING < 50 ms, its BGSAVE within 3x of Redis's.
 */
import Redis from 'ioredis'

export const BGSAVE_KEYS = 1_000_000

async function loadKeys(client) {
  const batch = 20_000
  for (let from = 0; from < BGSAVE_KEYS; from += batch) {
    const pipe = client.pipeline()
    for (let i = from; i < from + batch; i++) pipe.set(`key:${i}`, `value:${i}`)
    await pipe.exec()
  }
}

async function bgsaveInProgress(client) {
  const text = await client.info('persistence')
  return /rdb_bgsave_in_progress:1/.test(text)
}

/** Resolves with { seconds, maxPingMs, pings } for one BGSAVE on the server at `port`. */
export async function measureBgsave(port) {
  const control = new Redis({ port, host: '127.0.0.1', lazyConnect: true })
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true })
  await control.connect()
  await probe.connect()
  try {
    await control.flushall()
    await loadKeys(control)
    let probing = true
    let maxPingMs = 0
    let pings = 0
    const probeLoop = (async () => {
      while (probing) {
        const t = performance.now()
        await probe.ping()
        maxPingMs = Math.max(maxPingMs, performance.now() - t)
        pings++
      }
    })()
    const started = performance.now()
    const reply = await control.bgsave()
    if (!/started/.test(reply)) throw new Error(`BGSAVE answered ${reply}`)
    while (await bgsaveInProgress(control)) await new Promise((r) => setTimeout(r, 5))
    const seconds = (performance.now() - started) / 1000
    probing = false
    await probeLoop
    return { seconds, maxPingMs, pings }
  } finally {
    control.disconnect()
    probe.disconnect()
  }
}

/** As run.mjs's rows: `rps` is BGSAVEs per second (1 / duration), so the ratio column reads as everywhere else. */
export async function bgsaveWorkload(port) {
  const m = await measureBgsave(port)
  process.stderr.write(`  BGSAVE of ${BGSAVE_KEYS} keys: ${m.seconds.toFixed(3)} s, longest PING ${m.maxPingMs.toFixed(1)} ms over ${m.pings} PINGs\n`)
  return [{ test: 'BGSAVE 1M keys', rps: 1 / m.seconds, p50_latency_ms: m.seconds * 1000, p99_latency_ms: m.maxPingMs }]
}
