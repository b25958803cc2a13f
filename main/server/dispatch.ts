/**
 * The command table and the checks every command goes through before its
 * handler runs, in processCommand's order: lookup (with subcommands), arity,
 * authentication. Only the declarations in the table drive these checks.
 */
import type { CommandSpec } from './commands/types'
import type { CommandContext } from './context'
import type { Reply } from './protocol/reply'
import { ERR_NOAUTH, error, errWrongArity, errUnknownSubcommand } from './protocol/replies'
import { ERR_OOM } from './store/memory'
import { subscriberContextRefusal } from './commands/pubsub'
import { queueInTransaction } from './commands/transactions'
import { MISCONF_TEXT, writesDeniedByDiskError } from './persistence/bgsave'
import { runPropagated } from './replication/propagation'

export class CommandTable {
  private readonly byName = new Map<string, CommandSpec>()
  private readonly subsByParent = new Map<CommandSpec, Map<string, CommandSpec>>()

  constructor(readonly specs: readonly CommandSpec[]) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`)
      this.byName.set(spec.name, spec)
      if (spec.subcommands) {
        const subs = new Map<string, CommandSpec>()
        for (const sub of spec.subcommands) subs.set(sub.name.slice(sub.name.indexOf('|') + 1), sub)
        this.subsByParent.set(spec, subs)
      }
    }
  }

  /** Names as clients spell them (`SET`, `set`): one map hit per request instead of a toLowerCase. */
  private readonly bySpelling = new Map<string, CommandSpec>()

  /** Spellings of recently seen commands as bytes: most requests are found without making a string. */
  private readonly recentNames: Buffer[] = []
  private readonly recentSpecs: CommandSpec[] = []

  private recent(name: Buffer): CommandSpec | undefined {
    const names = this.recentNames
    for (let i = 0; i < names.length; i++) {
      const known = names[i]
      if (known.length !== name.length) continue
      let j = 0
      while (j < name.length && known[j] === name[j]) j++
      if (j === name.length) return this.recentSpecs[i]
    }
    if (name.length <= 32) {
      const spec = this.get(name.toString())
      if (spec !== undefined) {
        // A small ring: the last few distinct spellings a workload uses.
        if (names.length >= 8) {
          names.shift()
          this.recentSpecs.shift()
        }
        names.push(Buffer.from(name))
        this.recentSpecs.push(spec)
      }
      return spec
    }
    return undefined
  }

  /** A top-level command by name, case-insensitively. */
  get(name: string): CommandSpec | undefined {
    const known = this.bySpelling.get(name)
    if (known !== undefined) return known
    const spec = this.byName.get(name.toLowerCase())
    // Bounded: only real command names are remembered, in at most a few spellings each.
    if (spec !== undefined && this.bySpelling.size < 4096) this.bySpelling.set(name, spec)
    return spec
  }

  /** Redis's lookupCommand: the subcommand when argv names a container and has a second word. */
  lookup(argv: readonly Buffer[]): CommandSpec | undefined {
    const base = this.recent(argv[0]) ?? this.get(argv[0].toString())
    if (!base || !base.subcommands || argv.length === 1) return base
    return this.subsByParent.get(base)?.get(argv[1].toString().toLowerCase())
  }

  /** Every command and subcommand, as COMMAND COUNT counts them (containers count once). */
  get size(): number {
    return this.byName.size
  }
}

/** `name` as Redis's fullname: `client|setname` for subcommands. */
export function fullName(spec: CommandSpec): string {
  return spec.name
}

function arityOk(spec: CommandSpec, argc: number): boolean {
  return spec.arity > 0 ? argc === spec.arity : argc >= -spec.arity
}

/** Redis's rejectCommandFormat: error texts cannot carry newlines. */
function reject(text: string): Reply {
  return error(text.replace(/[\r\n]/g, ' '))
}

function unknownCommand(argv: readonly Buffer[]): Reply {
  let args = ''
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${argv[i].toString().slice(0, 128 - args.length)}' `
  }
  return reject(`ERR unknown command '${argv[0].toString().slice(0, 128)}', with args beginning with: ${args}`)
}

export interface DispatchResult {
  readonly reply: Reply
  /** The command that ran (or was rejected after lookup), for stats and CLIENT LIST `cmd=`. */
  readonly spec: CommandSpec | undefined
  /** True when the handler ran (counts toward total_commands_processed). */
  readonly executed: boolean
}

/** `found`: the caller's own table.lookup(argv) result, so a request is looked up once (null: not looked up yet). */
export function dispatch(table: CommandTable, ctx: CommandContext, authRequired: boolean, found: CommandSpec | undefined | null = null): DispatchResult {
  const argv = ctx.argv
  const spec = found === null ? table.lookup(argv) : found
  if (!spec) {
    const base = table.get(argv[0].toString())
    if (base?.subcommands) {
      return {
        reply: reject(errUnknownSubcommandText(argv[1].toString().slice(0, 128), argv[0].toString())),
        spec: undefined,
        executed: false,
      }
    }
    return { reply: unknownCommand(argv), spec: undefined, executed: false }
  }
  if (!arityOk(spec, argv.length)) return { reply: errWrongArity(spec.name), spec, executed: false }
  if (authRequired && !spec.flags.includes('no_auth')) return { reply: ERR_NOAUTH, spec, executed: false }
  // processCommand's maxmemory step: every command first evicts what it can; only `denyoom` ones are refused when that fails.
  const outOfMemory = ctx.server.memory?.performEvictions() === 'fail'
  if (outOfMemory && spec.flags.includes('denyoom')) return { reply: ERR_OOM, spec, executed: false }
  // processCommand: after a failed BGSAVE (stop-writes-on-bgsave-error), writes and PING are refused.
  if (writesDeniedByDiskError(ctx.server) && (spec.flags.includes('write') || spec.name === 'ping')) return { reply: error(MISCONF_TEXT), spec, executed: false }
  // …and after a failed AOF write, until cron's retry succeeds (persistence/aof.ts).
  const aofError = ctx.server.aof?.writeError()
  if (aofError !== undefined && (spec.flags.includes('write') || spec.name === 'ping')) return { reply: error(`MISCONF Errors writing to the AOF file: ${aofError}`), spec, executed: false }
  // min-replicas-to-write (NOREPLICAS), replica-read-only (READONLY), replica-serve-stale-data (MASTERDOWN).
  const replicationRefusal = ctx.server.replication?.refuse(spec, ctx)
  if (replicationRefusal) return { reply: replicationRefusal, spec, executed: false }
  const refused = subscriberContextRefusal(spec, ctx)
  if (refused) return { reply: refused, spec, executed: false }
  // A MONITOR client is a replica to Redis: it may not touch the keyspace (nor publish), so pauses cannot be dodged through it.
  if (ctx.server.core.isMonitor?.(ctx.client) && spec.flags.some((f) => f === 'write' || f === 'readonly' || f === 'may_replicate')) {
    return { reply: reject("ERR Replica can't interact with the keyspace"), spec, executed: false }
  }
  const queued = queueInTransaction(spec, ctx)
  if (queued) return { reply: queued, spec, executed: false }
  if (!spec.handler) {
    // A container called with a subcommand it lacks was handled above; this is a bare container.
    return { reply: errWrongArity(spec.name), spec, executed: false }
  }
  return { reply: runPropagated(ctx, spec.handler), spec, executed: true }
}

function errUnknownSubcommandText(sub: string, command: string): string {
  const reply = errUnknownSubcommand(sub, command)
  return reply.t === 'error' ? reply.v : ''
}
