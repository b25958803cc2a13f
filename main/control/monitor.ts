/**
 * Polls every watched node once per interval over ioredis (INFO + ROLE) and
 * reports what it saw. A node that does not answer is reported, never thrown:
 * the monitor must outlive any server.
 */
import { EventEmitter } from 'node:events'
import { Redis } from 'ioredis'
import { parseInfo, roleFromRoleReply, type InfoFields } from './info'
import type { ReplicationRole } from '../../shared/types'

export interface MonitorTarget {
  id: string
  host: string
  port: number
  /** External nodes behind AUTH. */
  username?: string
  password?: string
}

export type PollResult =
  /** `roleReply`: ROLE's raw reply (undefined when the server has no ROLE), for the replica link state. */
  | { id: string; live: true; fields: InfoFields; role: ReplicationRole; roleReply: unknown; at: number }
  | { id: string; live: false; error: string; at: number }

interface MonitorEvents {
  poll: [PollResult]
}

interface Watched {
  target: MonitorTarget
  client: Redis | null
  inFlight: Promise<PollResult | undefined> | null
}

export class Monitor extends EventEmitter<MonitorEvents> {
  private watched = new Map<string, Watched>()
  private timer: NodeJS.Timeout | null = null
  private fastTimer: NodeJS.Timeout | null = null
  /** Nodes polled at the fast rate too (a sync is running: the progress bar should move smoothly). */
  private fast = new Set<string>()

  constructor(
    private readonly intervalMs = 1000,
    private readonly fastIntervalMs = Math.min(300, intervalMs),
  ) {
    super()
  }

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.pollAll(), this.intervalMs)
    this.timer.unref()
    this.fastTimer = setInterval(() => {
      for (const id of this.fast) void this.pollNow(id)
    }, this.fastIntervalMs)
    this.fastTimer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    if (this.fastTimer) clearInterval(this.fastTimer)
    this.timer = null
    this.fastTimer = null
    for (const id of [...this.watched.keys()]) this.unwatch(id)
  }

  /** Poll this node at the fast rate (on) or only at the normal one (off). */
  setFast(id: string, on: boolean): void {
    if (on && this.watched.has(id)) this.fast.add(id)
    else this.fast.delete(id)
  }

  watch(target: MonitorTarget): void {
    const existing = this.watched.get(target.id)
    if (
      existing &&
      existing.target.host === target.host &&
      existing.target.port === target.port &&
      existing.target.username === target.username &&
      existing.target.password === target.password
    )
      return
    if (existing) this.unwatch(target.id)
    this.watched.set(target.id, { target, client: null, inFlight: null })
  }

  unwatch(id: string): void {
    const w = this.watched.get(id)
    if (!w) return
    this.watched.delete(id)
    this.fast.delete(id)
    w.client?.disconnect()
  }

  /** Poll one node now (also used right after a start so the UI need not wait a second). */
  pollNow(id: string): Promise<PollResult | undefined> {
    const w = this.watched.get(id)
    if (!w) return Promise.resolve(undefined)
    // A poll already running answers this request too.
    if (w.inFlight) return w.inFlight
    w.inFlight = this.pollOnce(w).then((result) => {
      w.inFlight = null
      // The node may have been unwatched (stopped, removed) while we waited.
      if (this.watched.get(id) !== w) return undefined
      this.emit('poll', result)
      return result
    })
    return w.inFlight
  }

  /** A poll that starts after this call: one already running may predate what the caller just changed. */
  async pollFresh(id: string): Promise<PollResult | undefined> {
    const running = this.watched.get(id)?.inFlight
    if (running) await running
    return this.pollNow(id)
  }

  private pollAll(): void {
    for (const id of this.watched.keys()) void this.pollNow(id)
  }

  private clientFor(w: Watched): Redis {
    if (w.client && w.client.status !== 'end') return w.client
    const client = new Redis({
      host: w.target.host,
      port: w.target.port,
      ...(w.target.username !== undefined ? { username: w.target.username } : {}),
      ...(w.target.password !== undefined ? { password: w.target.password } : {}),
      lazyConnect: true,
      // The ready check would hold every command while the node loads a snapshot: the very moment the sync progress matters.
      enableReadyCheck: false,
      protocol: 2,
      connectTimeout: 1000,
      commandTimeout: 2000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: true,
      // No background reconnect loop: the next poll reconnects.
      retryStrategy: () => null,
    })
    client.on('error', () => {})
    w.client = client
    return client
  }

  private async pollOnce(w: Watched): Promise<PollResult> {
    const id = w.target.id
    const client = this.clientFor(w)
    try {
      if (client.status === 'wait') await client.connect()
      const infoText = await client.info()
      let role: ReplicationRole = 'unknown'
      let roleReply: unknown
      try {
        roleReply = await client.call('ROLE')
        role = roleFromRoleReply(roleReply)
      } catch {
        // Servers without ROLE: INFO's role field is enough.
      }
      return { id, live: true, fields: parseInfo(infoText), role, roleReply, at: Date.now() }
    } catch (e) {
      client.disconnect()
      w.client = null
      return { id, live: false, error: oneLine((e as Error).message), at: Date.now() }
    }
  }
}

function oneLine(text: string): string {
  return text.split('\n')[0].trim() || 'no answer'
}
