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
