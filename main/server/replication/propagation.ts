/**
 * The propagation of write effects: the one stream the AOF and replicas
 * consume, as Redis 7.0's call() / alsoPropagate / propagatePendingCommands.
 *
 * ## For consumers (AOF, replication)
 *
 *   const stop = server.propagation.subscribe((dbIndex, argv, target) => { ... })
 *
 * `target` is 'all', or 'replicas' for an effect the AOF must skip (PUBLISH).
 * Each call is one command to replay, in order. `dbIndex` is the database it
 * applies to. A unit with more than one effect is wrapped in MULTI … EXEC:
 * MULTI carries the db of the first effect (a SELECT goes before it, as in
 * Redis), EXEC carries NO_DB (-1: needs no SELECT). A consumer keeps its own
 * "currently selected db" and emits SELECT when an effect's db differs, as
 * feedAppendOnlyFile / replicationFeedSlaves do; `StreamEncoder` does exactly
 * that and `encodeCommand` is the one RESP encoder (array of bulk strings).
 * After a rewrite / full sync, call `encoder.reset()` so the next effect is
 * preceded by a SELECT, as Redis sets aof_selected_db / slaveseldb to -1.
 * argv buffers are never mutated after delivery; a consumer may keep them.
 *
 * ## For command handlers (rewrite declarations)
 *
 * A command is propagated only when server.dirty moved while it ran; by
 * default with its argv as received. A handler that must be replayed
 * differently says so through these helpers (all no-ops on a server without
 * propagation, e.g. a minimal test fake):
 *
 *   propagateAs(ctx, ['PEXPIREAT', key, String(at)])   // rewriteClientCommandVector
 *   alsoPropagate(ctx, ['SREM', key, member])          // an extra effect, in call order
 *   preventPropagation(ctx)                            // do not replay the argv itself
 *   forcePropagation(ctx)                              // replay it even if dirty did not move
 *
 * Effects recorded with alsoPropagate come before the command's own argv
 * (Redis appends c->argv after the handler returns). A key deleted by lazy
 * expiry while a command runs becomes a DEL queued before the command's
 * effect; when a unit (one command, or one EXEC) yields more than one effect
 * the consumers receive MULTI, the effects, EXEC.
 *
 * ## For the server (hook points)
 *
 *   propagation.call(ctx, () => handler(ctx))  // around every command run (dispatch, EXEC's queued ones)
 *   propagation.attach(databases, memory)      // expired and evicted keys become DEL / UNLINK
 *
 * Work outside any command (active expiry, a blocked client served after
 * the write that woke it) is delivered at once, one effect at a time.
 * Evictions are always delivered at once and bare, as Redis 7.0 does.
 */
import type { CommandContext, ConfigView } from '../context'
import type { Database } from '../store/database'

/** The dbIndex of effects that need no SELECT (the EXEC marker). */
export const NO_DB = -1

/**
 * Who replays an effect: 'all' (AOF and replicas) or 'replicas' only
 * (PUBLISH, as forceCommandPropagation(c, PROPAGATE_REPL)).
 */
export type EffectTarget = 'all' | 'replicas'

export type EffectListener = (dbIndex: number, argv: readonly Buffer[], target: EffectTarget) => void

export type ArgInput = Buffer | string | number

export interface PropagationHost {
  /** server.dirty: writes counted by handlers. */
  readonly dirty: number
  readonly config: ConfigView
}

/** What an evictor or expiry can tell us about. */
export interface DeletionSource {
  readonly evictedListeners: ((db: Database, key: string) => void)[]
}

interface Effect {
  readonly dbIndex: number
  readonly argv: readonly Buffer[]
  readonly target: EffectTarget
}

/** One command being run: what it will be replayed as. */
interface Frame {
  readonly dbIndex: number
  readonly dirtyBefore: number
  argv: readonly Buffer[]
  prevented: boolean
  /** forceCommandPropagation: replayed even though dirty did not move (FLUSHALL on an empty server, PUBLISH). */
  forced: EffectTarget | undefined
}

const MULTI = [Buffer.from('MULTI')]
const EXEC = [Buffer.from('EXEC')]

export function toArgv(args: readonly ArgInput[]): Buffer[] {
  return args.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(typeof a === 'number' ? String(a) : a, 'latin1')))
}

export class Propagation {
  private readonly listeners: EffectListener[] = []
  private readonly frames: Frame[] = []
  /** Effects of the unit in progress, delivered when the outermost frame ends. */
  private pending: Effect[] = []

  constructor(private readonly host: PropagationHost) {}

  /** Hear every effect; returns the unsubscribe function. */
  subscribe(listener: EffectListener): () => void {
    this.listeners.push(listener)
    return () => {
      const i = this.listeners.indexOf(listener)
      if (i >= 0) this.listeners.splice(i, 1)
    }
  }

  get hasSubscribers(): boolean {
    return this.listeners.length > 0
  }

  /** Expired keys and evicted keys are replayed as deletions. */
  attach(databases: readonly Database[], evictor?: DeletionSource): void {
    for (const db of databases) {
      db.expiredListeners.push((d, key) => this.deleted(d.index, key, 'expired'))
    }
    evictor?.evictedListeners.push((d, key) => this.deleted(d.index, key, 'evicted'))
  }

  /**
   * Run one command (`run` calls its handler) and record its effect. Nested
   * calls (EXEC running its queue) join the outer unit.
   */
  call<T>(ctx: CommandContext, run: (ctx: CommandContext) => T): T {
    const frame: Frame = {
      dbIndex: ctx.db.index,
      dirtyBefore: this.host.dirty,
      argv: ctx.argv,
      prevented: false,
      forced: undefined,
    }
    this.frames.push(frame)
    try {
      return run(ctx)
    } finally {
      this.frames.pop()
      // `>`: SAVE resets dirty to 0, which is no write (call() clamps a negative delta to 0).
      const wrote = this.host.dirty > frame.dirtyBefore
      if (!frame.prevented && (wrote || frame.forced)) {
        this.pending.push({ dbIndex: frame.dbIndex, argv: frame.argv, target: wrote ? 'all' : (frame.forced ?? 'all') })
      }
      if (this.frames.length === 0) this.flush()
    }
  }

  /** rewriteClientCommandVector for the command running now. */
  propagateAs(dbIndex: number, args: readonly ArgInput[]): void {
    const frame = this.frames[this.frames.length - 1]
    if (frame) frame.argv = toArgv(args)
    else this.emitUnit([{ dbIndex, argv: toArgv(args), target: 'all' }])
  }

  /** alsoPropagate: an extra effect now, before the running command's own. */
  alsoPropagate(dbIndex: number, args: readonly ArgInput[]): void {
    // shouldPropagate: with no AOF and no replica nobody would read it, so no argv is built (Redis 7.0 returns here too).
    if (this.listeners.length === 0) return
    const effect: Effect = { dbIndex, argv: toArgv(args), target: 'all' }
    if (this.frames.length > 0) this.pending.push(effect)
    else this.emitUnit([effect])
  }

  /** preventCommandPropagation: the running command's argv is not replayed (its alsoPropagate effects are). */
  preventPropagation(): void {
    const frame = this.frames[this.frames.length - 1]
    if (frame) frame.prevented = true
  }

  /** forceCommandPropagation: replay the running command even if it changed nothing. */
  forcePropagation(target: EffectTarget = 'all'): void {
    const frame = this.frames[this.frames.length - 1]
    if (frame) frame.forced = target
  }

  /** propagateDeletion: DEL, or UNLINK when the matching lazyfree directive is on. */
  deleted(dbIndex: number, key: string | Buffer, reason: 'expired' | 'evicted'): void {
    if (this.listeners.length === 0) return
    const lazy = this.host.config.bool(reason === 'expired' ? 'lazyfree-lazy-expire' : 'lazyfree-lazy-eviction')
    const argv = [lazy ? 'UNLINK' : 'DEL', typeof key === 'string' ? Buffer.from(key, 'latin1') : key]
    // Redis 7.0 sends evictions bare even when a command (CONFIG SET maxmemory) caused them; lazy expiry joins the command's unit.
    if (reason === 'evicted') this.emitUnit([{ dbIndex, argv: toArgv(argv), target: 'all' }])
    else this.alsoPropagate(dbIndex, argv)
  }

  private flush(): void {
    const effects = this.pending
    this.pending = []
    this.emitUnit(effects)
  }

  private emitUnit(effects: readonly Effect[]): void {
    if (effects.length === 0 || this.listeners.length === 0) return
    const wrap = effects.length > 1
    // The markers go wherever any wrapped effect goes (an AOF skips a PUBLISH but keeps MULTI … EXEC).
    const markerTarget: EffectTarget = effects.some((e) => e.target === 'all') ? 'all' : 'replicas'
    // MULTI carries the first effect's db, so a SELECT goes before it rather than inside (Redis 7.0's propagatePendingCommands).
    if (wrap) this.emit(effects[0].dbIndex, MULTI, markerTarget)
    for (const e of effects) this.emit(e.dbIndex, e.argv, e.target)
    if (wrap) this.emit(NO_DB, EXEC, markerTarget)
  }

  private emit(dbIndex: number, argv: readonly Buffer[], target: EffectTarget): void {
    for (const listener of [...this.listeners]) listener(dbIndex, argv, target)
  }
}

// ---- handler helpers ---------------------------------------------------------

/** call(): run a command's handler so that its effect reaches the stream (dispatch, EXEC). */
export function runPropagated<T>(ctx: CommandContext, handler: (ctx: CommandContext) => T): T {
  const propagation = ctx.server.propagation
  return propagation ? propagation.call(ctx, handler) : handler(ctx)
}

/** The running command is replayed as `args` (in ctx's database). */
export function propagateAs(ctx: CommandContext, args: readonly ArgInput[]): void {
  ctx.server.propagation?.propagateAs(ctx.db.index, args)
}

/** One more effect, in ctx's database unless `dbIndex` says otherwise. */
export function alsoPropagate(ctx: CommandContext, args: readonly ArgInput[], dbIndex = ctx.db.index): void {
  ctx.server.propagation?.alsoPropagate(dbIndex, args)
}

export function preventPropagation(ctx: CommandContext): void {
  ctx.server.propagation?.preventPropagation()
}

/** The running command is replayed even if dirty did not move ('replicas': not into the AOF). */
export function forcePropagation(ctx: CommandContext, target: EffectTarget = 'all'): void {
  ctx.server.propagation?.forcePropagation(target)
}

// ---- encoding ----------------------------------------------------------------

/** `*<n>\r\n$<len>\r\n<arg>\r\n…`: the form the AOF and the replication link carry. */
export function encodeCommand(argv: readonly ArgInput[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`, 'latin1')]
  for (const arg of toArgv(argv)) {
    parts.push(Buffer.from(`$${arg.length}\r\n`, 'latin1'), arg, CRLF)
  }
  return Buffer.concat(parts)
}

const CRLF = Buffer.from('\r\n', 'latin1')

/** Encodes a stream of effects, inserting SELECT when the db changes (one per consumer). */
export class StreamEncoder {
  private selectedDb = NO_DB

  /** The next effect will be preceded by a SELECT (after a rewrite or a new full sync). */
  reset(): void {
    this.selectedDb = NO_DB
  }

  get selected(): number {
    return this.selectedDb
  }

  encode(dbIndex: number, argv: readonly Buffer[]): Buffer {
    if (dbIndex === NO_DB || dbIndex === this.selectedDb) return encodeCommand(argv)
    this.selectedDb = dbIndex
    return Buffer.concat([encodeCommand(['SELECT', String(dbIndex)]), encodeCommand(argv)])
  }
}
