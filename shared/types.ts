/** Plain data shared by main and renderer. */

export type NodeKind = 'local' | 'external'
export type ProcessState = 'stopped' | 'starting' | 'running' | 'stopping' | 'crashed' | 'external'
export type ReplicationRole = 'master' | 'replica' | 'unknown'

/** What the user defined: persisted in the fleet file. */
export interface NodeSpec {
  id: string
  name: string
  kind: NodeKind
  host: string
  port: number
  /** Extra redis.conf directives for a local node, written into its generated config. */
  config: Record<string, string>
  createdAt: number
}

export interface NodeCreateRequest {
  name?: string
  /** Omitted: a free port is chosen. */
  port?: number
  /** Extra redis.conf directives (e.g. `replicaof`); Tandem's own (port, bind, dir, logfile) are refused. */
  config?: Record<string, string>
}

/** What the monitor last saw of a node. */
export interface NodeStatus {
  id: string
  processState: ProcessState
  /** The last poll got an answer. */
  live: boolean
  role: ReplicationRole
  keys: number
  usedMemory: number
  usedMemoryHuman: string
  opsPerSec: number
  connectedClients: number
  replOffset: number
  masterHost?: string
  masterPort?: number
  masterLinkStatus?: 'up' | 'down'
  connectedReplicas: number
  /** Wall-clock ms of the last successful poll. */
  updatedAt: number
  /** Why the last poll or the process failed, in one line. */
  error?: string
  /** INFO persistence as last polled; absent while the node is not answering. */
  persistence?: PersistenceStatus
}

/** Outcome of the last background save or AOF rewrite, as INFO reports it (`ok`/`err`). */
export type BackgroundJobOutcome = 'ok' | 'err'

/**
 * A node's persistence state, read from INFO persistence (Redis 7.0's field
 * names, which tandem-server reports too).
 */
export interface PersistenceStatus {
  /** `loading`: the server is still reading its RDB/AOF at startup. */
  loading: boolean
  /** `rdb_changes_since_last_save`. */
  changesSinceLastSave: number
  /**
   * When the last successful save ended, in this machine's wall-clock ms
   * (`rdb_last_save_time`, corrected by the server's own clock when INFO has
   * `server_time_usec`, so a remote node's clock skew does not show).
   */
  lastSaveAt: number
  /** `rdb_bgsave_in_progress`. */
  bgsaveInProgress: boolean
  /** `rdb_last_bgsave_status`. */
  lastBgsaveStatus: BackgroundJobOutcome
  /** `rdb_last_bgsave_time_sec`: -1 when no background save ran yet. */
  lastBgsaveDurationSec: number
  /** `aof_enabled`. */
  aofEnabled: boolean
  /** `aof_rewrite_in_progress`. */
  aofRewriteInProgress: boolean
  /** `aof_rewrite_scheduled`: BGREWRITEAOF asked while a BGSAVE ran; it starts after. */
  aofRewriteScheduled: boolean
  /** `aof_last_rewrite_time_sec`: -1 until a rewrite has finished. */
  lastAofRewriteDurationSec: number
  /** `aof_last_bgrewrite_status`. */
  lastAofRewriteStatus: BackgroundJobOutcome
  /** `aof_last_write_status`, when the server reports it. */
  lastAofWriteStatus: BackgroundJobOutcome
}

/** What a Save / Rewrite AOF action got back: the server's reply line and the node as polled right after. */
export interface PersistenceActionResult {
  /** The server's status reply, e.g. `Background saving started`. */
  message: string
  node: NodeView
}

export interface NodeView {
  spec: NodeSpec
  status: NodeStatus
}

/**
 * One reply exactly as the server sent it, with its RESP type kept so the
 * console can print it the way redis-cli does (status `OK` vs bulk `"OK"`).
 */
export type ConsoleReply =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: string }
  | { type: 'bulk'; value: string }
  | { type: 'nil' }
  | { type: 'double'; value: string }
  | { type: 'boolean'; value: boolean }
  | { type: 'verbatim'; format: string; value: string }
  | { type: 'bignum'; value: string }
  | { type: 'array' | 'set' | 'push'; items: ConsoleReply[] }
  | { type: 'map'; entries: [ConsoleReply, ConsoleReply][] }
