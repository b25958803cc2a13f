/**
 * The shape of the command table. Every command is declared once with its
 * arity, flags and key positions; dispatch, arity errors, COMMAND INFO/DOCS,
 * ACL/auth checks, the read-only-replica check and replication propagation all
 * read these declarations instead of special-casing commands.
 */
import type { Reply } from '../protocol/reply'
import type { CommandContext } from '../context'

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_multi'
  | 'no_async_loading'
  | 'allow_busy'
  | 'no_mandatory_keys'
  | 'movablekeys'

/** Redis's legacy (first, last, step) key positions; `last: -1` means the last argument. */
export interface KeyPositions {
  readonly first: number
  readonly last: number
  readonly step: number
}

/** One argument as COMMAND DOCS describes it (what redis-cli builds its hints from). */
export interface ArgDoc {
  readonly name: string
  readonly type:
    | 'key'
    | 'string'
    | 'integer'
    | 'double'
    | 'pattern'
    | 'unix-time'
    | 'pure-token'
    | 'oneof'
    | 'block'
  readonly token?: string
  readonly optional?: boolean
  readonly multiple?: boolean
  readonly multipleToken?: boolean
  readonly arguments?: readonly ArgDoc[]
  /** Version that added this argument (COMMAND DOCS `since`), when Redis lists one. */
  readonly since?: string
  /** For key arguments: which of the command's key specs describes it (default 0). */
  readonly keySpecIndex?: number
  /** Version that deprecated this argument (COMMAND DOCS `deprecated_since`). */
  readonly deprecatedSince?: string
}

/**
 * One COMMAND INFO key specification as Redis 7.0 declares it. Optional on a
 * CommandSpec: without it, INFO derives one range spec from `keys`.
 */
export interface KeySpec {
  /** Redis's key-spec flags in its order, e.g. ['RW', 'access', 'update', 'variable_flags']. */
  readonly flags: readonly string[]
  readonly notes?: string
  readonly beginSearch:
    | { readonly index: number }
    | { readonly keyword: string; readonly startFrom: number }
    /** Keys that derive from the data (SORT's BY/GET) or can appear anywhere (SORT's STORE). */
    | { readonly unknown: true }
  readonly findKeys:
    | { readonly range: { readonly lastkey: number; readonly keystep: number; readonly limit: number } }
    | { readonly keynum: { readonly keynumidx: number; readonly firstkey: number; readonly keystep: number } }
    | { readonly unknown: true }
}

export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'sorted-set'
  | 'hash'
  | 'pubsub'
  | 'transactions'
  | 'connection'
  | 'server'

export type CommandHandler = (ctx: CommandContext) => Reply

export interface CommandSpec {
  /** Lower case, as COMMAND INFO reports it; subcommands are named `parent|sub`. */
  readonly name: string
  /** Redis convention, counting the command name: N exact, -N at least N. */
  readonly arity: number
  readonly flags: readonly CommandFlag[]
  readonly keys?: KeyPositions
  readonly group: CommandGroup
  readonly summary: string
  readonly since: string
  readonly complexity?: string
  readonly args?: readonly ArgDoc[]
  /** Absent only on container commands (CLIENT, CONFIG, COMMAND …) that dispatch to `subcommands`. */
  readonly handler?: CommandHandler
  readonly subcommands?: readonly CommandSpec[]
  /** COMMAND INFO key specs, when they say more than `keys` (flags such as OW/insert, notes). */
  readonly keySpecs?: readonly KeySpec[]
  /** ACL categories declared explicitly beyond those implied by flags and group (e.g. KEYS is @dangerous), without '@'. */
  readonly extraCategories?: readonly string[]
  /** The group implies no ACL category (Redis's JSON for SORT/SORT_RO lists none, though they are generic commands). */
  readonly noGroupCategory?: boolean
  /** COMMAND INFO tips, e.g. 'request_policy:multi_shard', 'nondeterministic_output'. */
  readonly tips?: readonly string[]
  /** COMMAND DOCS history: [version, description] pairs. */
  readonly history?: readonly (readonly [string, string])[]
  /** COMMAND DOCS doc_flags, e.g. ['deprecated']. */
  readonly docFlags?: readonly string[]
  /** COMMAND DOCS deprecated_since / replaced_by of a deprecated command. */
  readonly deprecatedSince?: string
  readonly replacedBy?: string
}
