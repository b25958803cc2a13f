/**
 * Blocking commands (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK …): Redis's
 * blocked.c, for handlers that stay synchronous.
 *
 * How a handler blocks:
 *
 *   import { block, parseBlockTimeout } from '../blocking'
 *
 *   function blpop(ctx: CommandContext): Reply {
 *     const timeout = parseBlockTimeout(ctx.argv[ctx.argv.length - 1])
 *     if (typeof timeout !== 'number') return timeout          // the error reply
 *     const keys = ctx.argv.slice(1, -1)
 *     const served = popFirst(ctx.db, keys)                     // Reply | undefined
 *     if (served) return served
 *     return block(ctx, {
 *       keys,
 *       timeoutMs: timeout,                                     // 0 = forever
 *       tryServe: (db) => popFirst(db, keys),                   // undefined = keep waiting
 *       onTimeout: () => NULL_ARRAY,
 *     })
 *   }
 *
 * `block` returns NO_REPLY and parks the client: none of its later commands
 * run until it is served, times out or disconnects. `tryServe` is retried
 * after any command (or EXEC, as a whole) that wrote one of the keys — every
 * write goes through Database.signalModified — with the database the client
 * blocked in; its reply is sent to the client, and the writes it makes may in
 * turn wake clients blocked on other keys. Clients blocked on a key are tried
 * in the order they blocked (FIFO, as Redis). `tryServe` must do the whole
 * work (pop + reply) and return undefined when the key still offers nothing
 * (missing, empty, wrong type): the client keeps waiting.
 *
 * When blocking is not allowed (inside MULTI/EXEC or a script:
 * `ctx.denyBlocking`; or a server without the blocking service, e.g. the unit
 * test fake), `block` returns `onTimeout()` at once, as Redis does.
 */
import type { CommandContext } from './context'
import type { Reply } from './protocol/reply'
import { NO_REPLY, error } from './protocol/replies'
import { parseDouble } from './commands/parse'
import type { Database } from './store/database'

export interface BlockRequest {
  /** Keys in the client's selected database whose writes may serve it. */
  readonly keys: readonly (Buffer | string)[]
  /** Milliseconds from now; 0 waits forever. */
  readonly timeoutMs: number
  /**
   * Retry: the reply once the client can be served, undefined to keep waiting.
   * `readyKey` is the written key being served now (latin1), so a command
   * waiting on several keys can serve from that one first, as Redis does.
   */
  readonly tryServe: (db: Database, readyKey: string) => Reply | undefined
  /** The reply when the timeout fires (or at once when blocking is denied). */
  readonly onTimeout: () => Reply
}

const ERR_TIMEOUT_NOT_FLOAT = error('ERR timeout is not a float or out of range')
const ERR_TIMEOUT_NEGATIVE = error('ERR timeout is negative')
const ERR_TIMEOUT_NOT_INTEGER = error('ERR timeout is not an integer or out of range')
const LLONG_MAX = 2 ** 63

/**
 * getTimeoutFromObjectOrReply with UNIT_SECONDS (BLPOP …): seconds as a float,
 * rounded up to whole milliseconds; 0 (and anything in (-0.001, 0]) = forever.
 * Values whose milliseconds overflow a long long come out negative in Redis.
 */
export function parseBlockTimeout(arg: Buffer | string): number | Reply {
  const seconds = parseDouble(arg)
  if (seconds === null) return ERR_TIMEOUT_NOT_FLOAT
  const ms = Math.ceil(seconds * 1000)
  if (ms < 0) return ERR_TIMEOUT_NEGATIVE
  // Redis multiplies in long double: whole seconds just under the limit still fit where a double rounds up to 2^63.
  const text = typeof arg === 'string' ? arg : arg.toString('latin1')
  const fits = ms < LLONG_MAX || (/^\+?\d+$/.test(text) && BigInt(text) * 1000n < 2n ** 63n)
  if (!fits) return ERR_TIMEOUT_NEGATIVE
  return ms === 0 ? 0 : ms
}

/** The same with UNIT_MILLISECONDS (XREAD BLOCK, WAIT): an integer count of ms. */
export function parseBlockTimeoutMs(arg: Buffer | string): number | Reply {
  const text = typeof arg === 'string' ? arg : arg.toString('latin1')
  if (!/^-?(0|[1-9]\d*)$/.test(text)) return ERR_TIMEOUT_NOT_INTEGER
  const ms = Number(text)
  if (!Number.isSafeInteger(ms) && BigInt(text) > 9223372036854775807n) return ERR_TIMEOUT_NOT_INTEGER
  if (ms < 0) return ERR_TIMEOUT_NEGATIVE
  return ms
}

/** Park the client (see the header); returns NO_REPLY, or onTimeout() when blocking is denied. */
export function block(ctx: CommandContext, request: BlockRequest): Reply {
  const service = ctx.server.blocking
  if (ctx.denyBlocking || !service) return request.onTimeout()
  service.block(ctx.client, ctx.db, request)
  return NO_REPLY
}

/** What the server gives the service: how to answer a parked client and let it go on. */
export interface BlockingHost {
  /** Queue `reply` for the client and let it run the commands that waited behind it. */
  unblocked(client: object, reply: Reply): void
}

interface Waiter {
  readonly client: object
  readonly db: Database
  readonly request: BlockRequest
  readonly keys: readonly string[]
  timer: NodeJS.Timeout | undefined
}

/** Owned by the server: the blocked clients, the keys they wait on, and the keys written since the last check. */
export class BlockingService {
  private readonly waiters = new Map<object, Waiter>()
  /** db → key → clients in the order they blocked. */
  private readonly byKey = new Map<Database, Map<string, Waiter[]>>()
  private readonly ready: { db: Database; key: string }[] = []
  private readonly hooked = new Set<Database>()
  private serving = false

  constructor(private readonly host: BlockingHost) {}

  /** Clients currently blocked (INFO blocked_clients). */
  get blockedCount(): number {
    return this.waiters.size
  }

  isBlocked(client: object): boolean {
    return this.waiters.has(client)
  }

  /** Keys the client is blocked on, for CLIENT LIST and tests. */
  blockedKeys(client: object): readonly string[] {
    return this.waiters.get(client)?.keys ?? []
  }

  block(client: object, db: Database, request: BlockRequest): void {
    this.hook(db)
    const keys = [...new Set(request.keys.map((k) => (typeof k === 'string' ? k : k.toString('latin1'))))]
    const waiter: Waiter = { client, db, request, keys, timer: undefined }
    this.unblock(client)
    this.waiters.set(client, waiter)
    let perKey = this.byKey.get(db)
    if (!perKey) this.byKey.set(db, (perKey = new Map()))
    for (const key of keys) {
      const list = perKey.get(key)
      if (list) list.push(waiter)
      else perKey.set(key, [waiter])
    }
    // setTimeout cannot wait longer than 2^31-1 ms (~24 days): longer waits are forever in practice.
    if (request.timeoutMs > 0 && request.timeoutMs < 2 ** 31) {
      waiter.timer = setTimeout(() => this.timeout(waiter), request.timeoutMs)
    }
  }

  /** Forget a blocked client without replying (disconnect, CLIENT KILL). */
  remove(client: object): void {
    this.unblock(client)
  }

  /**
   * CLIENT UNBLOCK: reply with the timeout reply (or `reply` when given, e.g.
   * the UNBLOCKED error) and let the client go on. False when it was not blocked.
   */
  release(client: object, reply?: Reply): boolean {
    const waiter = this.waiters.get(client)
    if (!waiter) return false
    this.unblock(client)
    this.host.unblocked(client, reply ?? waiter.request.onTimeout())
    return true
  }

  /** True when a written key may serve someone: the server then calls serveReady() after the command. */
  get hasReadyKeys(): boolean {
    return this.ready.length > 0
  }

  /** handleClientsBlockedOnKeys: serve clients waiting on keys written since the last call. */
  serveReady(): void {
    if (this.serving) return
    this.serving = true
    try {
      while (this.ready.length > 0) {
        const { db, key } = this.ready.shift() as { db: Database; key: string }
        const list = this.byKey.get(db)?.get(key)
        if (!list) continue
        for (const waiter of [...list]) {
          if (!this.waiters.has(waiter.client)) continue
          const reply = waiter.request.tryServe(db, key)
          if (reply === undefined) continue
          this.unblock(waiter.client)
          this.host.unblocked(waiter.client, reply)
        }
      }
    } finally {
      this.serving = false
    }
  }

  private hook(db: Database): void {
    if (this.hooked.has(db)) return
    this.hooked.add(db)
    db.modifiedListeners.push((d, key) => this.keyWritten(d, key))
    db.swappedListeners.push((d) => this.contentsSwapped(d))
  }

  /** scanDatabaseForReadyKeys: after SWAPDB, every awaited key that now exists may serve its clients. */
  private contentsSwapped(db: Database): void {
    const perKey = this.byKey.get(db)
    if (!perKey) return
    for (const key of perKey.keys()) if (db.peek(key) !== undefined) this.keyWritten(db, key)
  }

  private keyWritten(db: Database, key: string): void {
    if (this.waiters.size === 0) return
    if (!this.byKey.get(db)?.has(key)) return
    if (this.ready.some((r) => r.db === db && r.key === key)) return
    this.ready.push({ db, key })
  }

  private timeout(waiter: Waiter): void {
    if (this.waiters.get(waiter.client) !== waiter) return
    this.unblock(waiter.client)
    this.host.unblocked(waiter.client, waiter.request.onTimeout())
  }

  private unblock(client: object): void {
    const waiter = this.waiters.get(client)
    if (!waiter) return
    this.waiters.delete(client)
    if (waiter.timer) clearTimeout(waiter.timer)
    const perKey = this.byKey.get(waiter.db)
    if (!perKey) return
    for (const key of waiter.keys) {
      const list = perKey.get(key)
      if (!list) continue
      const i = list.indexOf(waiter)
      if (i >= 0) list.splice(i, 1)
      if (list.length === 0) perKey.delete(key)
    }
  }
}
