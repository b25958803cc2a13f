/**
 * What the failover tests share: a writer that SETs with WAIT 1 after each
 * write and follows the master when it moves, a probe timing the first write a
 * node accepts, INFO counters, and whether tandem-server has FAILOVER yet.
 */
import { Redis } from 'ioredis'
import { startTandem } from '../helpers/processes'

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export function client(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: true, lazyConnect: false })
  c.on('error', () => {})
  return c
}

export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`)
    await sleep(50)
  }
}

export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':')
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1)
  }
  return out
}

export async function info(port: number, section: string): Promise<Record<string, string>> {
  const c = client(port)
  try {
    return parseInfo(await c.info(section))
  } finally {
    c.disconnect()
  }
}

export async function syncCounters(port: number): Promise<{ full: number; partial: number }> {
  const f = await info(port, 'stats')
  return { full: Number(f.sync_full), partial: Number(f.sync_partial_ok) }
}

export async function digest(port: number): Promise<string> {
  const c = client(port)
  try {
    return String(await c.call('DEBUG', 'DIGEST'))
  } finally {
    c.disconnect()
  }
}

/** The port among `ports` whose server says it is a master (null when none answers so). */
async function findMaster(ports: readonly number[]): Promise<number | null> {
  for (const port of ports) {
    const c = client(port)
    try {
      const role = (await c.call('ROLE')) as unknown[]
      if (role[0] === 'master') return port
    } catch {
      // down or paused: try the next
    } finally {
      c.disconnect()
    }
  }
  return null
}

export interface WaitWriter {
  /** Keys whose SET got OK and whose WAIT 1 answered ≥ 1: the writes the client was told are safe. */
  readonly acknowledged: string[]
  /** Longest time between two acknowledged writes (ms): the pause the client saw. */
  longestPauseMs(): number
  stop(): Promise<void>
}

/**
 * SET key + WAIT 1 <waitMs> in a loop against the master; on an error
 * (READONLY after the handover, a closed connection) it finds the master
 * among `ports` again and carries on.
 */
export function startWaitWriter(ports: readonly number[], firstMaster: number, prefix: string, waitMs = 1000): WaitWriter {
  const acknowledged: string[] = []
  let running = true
  let longest = 0
  let lastAckAt = Date.now()
  const loop = (async () => {
    let port: number | null = firstMaster
    let c = client(port)
    let i = 0
    while (running) {
      const key = `${prefix}:${i}`
      try {
        if (port === null) throw new Error('no master')
        const ok = await c.set(key, String(i))
        const acks = Number(await c.call('WAIT', '1', String(waitMs)))
        if (ok === 'OK' && acks >= 1) {
          const now = Date.now()
          longest = Math.max(longest, now - lastAckAt)
          lastAckAt = now
          acknowledged.push(key)
        }
        i++
      } catch {
        c.disconnect()
        await sleep(5)
        port = await findMaster(ports)
        c = client(port ?? firstMaster)
      }
    }
    c.disconnect()
  })()
  return {
    acknowledged,
    longestPauseMs: () => longest,
    async stop() {
      running = false
      await loop
    },
  }
}

/** Plain SETs as fast as one connection goes (a load that keeps the stream moving); errors end it quietly. */
export function startLoad(port: number, prefix: string): { stop(): Promise<number> } {
  let running = true
  let n = 0
  const c = client(port)
  const loop = (async () => {
    while (running) {
      try {
        await c.set(`${prefix}:${n}`, 'x'.repeat(32))
        n++
      } catch {
        return
      }
    }
  })()
  return {
    async stop() {
      running = false
      await loop
      c.disconnect()
      return n
    },
  }
}

/** Tries SET every few ms until the node accepts one; resolves with the time it first did (performance.now()). */
export function firstAcceptedWrite(port: number, timeoutMs = 10_000): { done: Promise<number>; cancel(): void } {
  let cancelled = false
  const c = client(port)
  const done = (async () => {
    const deadline = performance.now() + timeoutMs
    try {
      while (!cancelled && performance.now() < deadline) {
        try {
          if ((await c.set('failover:probe', String(Date.now()))) === 'OK') return performance.now()
        } catch {
          // READONLY while still a replica
        }
        await sleep(5)
      }
      throw new Error(`no write accepted on port ${port} within ${timeoutMs} ms`)
    } finally {
      c.disconnect()
    }
  })()
  return { done, cancel: () => (cancelled = true) }
}

let tandemFailover: Promise<string | null> | null = null
/** null when tandem-server knows FAILOVER; otherwise why the tandem variants are skipped. */
export function tandemFailoverMissing(): Promise<string | null> {
  tandemFailover ??= (async () => {
    const server = await startTandem(['--save', ''])
    const c = client(server.port)
    try {
      await c.call('FAILOVER', 'ABORT')
      return null
    } catch (e) {
      const message = (e as Error).message
      return /unknown command/i.test(message) ? `tandem-server has no FAILOVER command yet (${message.split('\n')[0]})` : null
    } finally {
      c.disconnect()
      await server.stop()
    }
  })()
  return tandemFailover
}
