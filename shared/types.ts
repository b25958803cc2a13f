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
  /**
   * Whom this node replicates from, as the user chose it (group creation,
   * add replica, point at another master). For a local node it is written into
   * its generated redis.conf as `replicaof`, so a restart keeps it; cleared by
   * detach. For an external node it is never set (its own config rules).
   */
  replicaOf?: ReplicaOfSpec
  /** External nodes: the ACL user the app logs in as (the password is never sent to the renderer). */
  username?: string
  /** External nodes: a password is stored for this node (kept in the fleet file, never shown). */
  hasPassword?: boolean
}

/**
 * A replication source. `nodeId` names one of the fleet's nodes (followed by
 * id, so the address is re-resolved from that node's spec when the config is
 * written); `host`/`port` are the address last resolved, used when the node
 * is gone or for a master outside the fleet.
 */
export interface ReplicaOfSpec {
  nodeId?: string
  host: string
  port: number
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
  /** INFO replication + ROLE as last polled (and cross-referenced with the fleet); absent while the node is not answering. */
  replication?: ReplicationStatus
}

/**
 * ROLE's state of a replica's link (Redis 7): `connect` (not connected yet),
 * `connecting`, `handshake`, `sync` (full sync running), `connected`
 * (streaming). `none`: the server gave no ROLE reply.
 */
export type ReplicaLinkState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected' | 'none'

/**
 * Where a replica's synchronisation is, for the progress bar:
 * `handshake` (connecting, PING/AUTH/REPLCONF/PSYNC), `snapshot` (the master
 * is producing its RDB: nothing received yet), `transfer` (RDB bytes
 * arriving), `load` (the replica loads the received snapshot), `streaming`
 * (in sync: the live command stream flows).
 */
export type SyncPhase = 'handshake' | 'snapshot' | 'transfer' | 'load' | 'streaming'

/** A full sync's progress as the replica reports it (INFO master_sync_*), with a rate from successive polls. */
export interface SyncProgress {
  phase: SyncPhase
  /** `master_sync_read_bytes` (0 before the transfer starts). */
  bytesDone: number
  /** `master_sync_total_bytes`; -1 when unknown (diskless `$EOF:` transfer, or not started). */
  bytesTotal: number
  /** Bytes per second between the last two polls; 0 when not measurable yet. */
  bytesPerSec: number
}

/** The replica side of a node's replication: its link to its master. */
export interface ReplicaLinkStatus {
  /** `master_host` / `master_port`. */
  masterHost: string
  masterPort: number
  /** The master's fleet node id when the master is one of the fleet's nodes (matched by host:port). */
  masterNodeId?: string
  /** `master_link_status`. */
  linkStatus: 'up' | 'down'
  /** ROLE's link state ('none' when the server has no ROLE). */
  state: ReplicaLinkState
  /** `master_last_io_seconds_ago`; -1 when nothing was received yet. */
  lastIoSecondsAgo: number
  /** `slave_repl_offset`: how far in the master's stream this replica has processed. */
  replOffset: number
  /**
   * Bytes the replica is behind: the master's `master_repl_offset` minus this
   * replica's acknowledged offset as the master lists it (`slaveN:…offset=`).
   * Absent when the master is not one of the fleet's polled nodes or does not list this replica.
   */
  lagBytes?: number
  /** Seconds since the master last heard this replica's ACK (`slaveN:…lag=`); absent as for lagBytes. */
  lagSeconds?: number
  /** Present while a sync runs and in 'streaming' once in sync; absent when the link is down without a sync. */
  sync?: SyncProgress
  /** `master_link_down_since_seconds` while the link is down (-1: never up). */
  linkDownSinceSeconds?: number
}

/** One replica as its master lists it (`slaveN:ip=…,port=…,state=…,offset=…,lag=…`). */
export interface ConnectedReplica {
  ip: string
  /** The replica's listening port (REPLCONF listening-port). */
  port: number
  /** The replica's fleet node id when it is one of the fleet's nodes (matched by ip:port). */
  nodeId?: string
  /** `wait_bgsave`, `send_bulk`, `online`… as the master prints it. */
  state: string
  /** The replica's last acknowledged offset. */
  offset: number
  /** The master's `master_repl_offset` minus `offset`. */
  lagBytes: number
  /** Seconds since the replica's last ACK. */
  lagSeconds: number
}

/** INFO replication + ROLE of one node. */
export interface ReplicationStatus {
  role: ReplicationRole
  /** `master_replid`. */
  replId: string
  /** `master_repl_offset`: the offset of the replication stream this node holds (a master's own, a replica's received). */
  masterReplOffset: number
  /** Present when the node is a replica. */
  link?: ReplicaLinkStatus
  /** Replicas connected to this node (a replica of a chain lists its sub-replicas too). */
  replicas: ConnectedReplica[]
}

/** One point of a replica's lag chart. */
export interface LagSample {
  /** Wall-clock ms of the poll. */
  at: number
  /** As ReplicaLinkStatus.lagBytes; null when not known at that poll (link down, master not polled). */
  lagBytes: number | null
  lagSeconds: number | null
  /** The link was up at that poll. */
  linkUp: boolean
}

/** A replica's recent lag, oldest first, covering the last few minutes (about one sample a second). */
export interface LagHistory {
  nodeId: string
  samples: LagSample[]
}

/** `replication.createGroup`: one master and N replicas, all local, started together. */
export interface ReplicationGroupRequest {
  /** Names become `<name>-master`, `<name>-replica-1`…; default `group-<master port>`. */
  name?: string
  /** How many replicas (1 to 8). */
  replicas: number
  /** Extra redis.conf directives for every node of the group (same rules as node.create). */
  config?: Record<string, string>
}

export interface ReplicationGroup {
  master: NodeView
  replicas: NodeView[]
}

/** `replication.addReplica`: a new local node that replicates from `masterId` (any node: chains are allowed). */
export interface AddReplicaRequest {
  masterId: string
  name?: string
  /** Omitted: a free port. */
  port?: number
  config?: Record<string, string>
}

/**
 * `replication.replicaOf`: point node `id` at another master, either one of
 * the fleet's nodes (`masterId`) or an address (`host` + `port`).
 */
export interface ReplicaOfRequest {
  id: string
  masterId?: string
  host?: string
  port?: number
}

/** `node.attachExternal`: a running Redis/Valkey/Tandem server the app watches but does not run. */
export interface AttachExternalRequest {
  name?: string
  host: string
  port: number
  username?: string
  password?: string
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

/* ------------------------------------------------------------------ */
/* Failover (issue 6)                                                  */
/* ------------------------------------------------------------------ */

/**
 * How a failover hands the group over:
 * `coordinated` — the master answers: `FAILOVER TO <host> <port> TIMEOUT <ms>`
 * is sent to it (it pauses writes, waits until the chosen replica has caught
 * up, hands over with PSYNC FAILOVER and becomes that replica's replica), then
 * the other replicas are pointed at the new master.
 * `master-down` — the master does not answer (process dead, no reply): the
 * chosen replica gets `REPLICAOF NO ONE`, every other replica is pointed at
 * it, and the old master is made a replica of it before it can serve writes
 * again (a local node's stored config is rewritten at once; an external one
 * gets REPLICAOF as soon as it answers).
 */
export type FailoverMode = 'coordinated' | 'master-down'

/**
 * One replica of the group as the choice saw it (fresh INFO of that node, not
 * the last poll). Ranking is Sentinel's: ineligible ones last; then lowest
 * `replicaPriority`, then highest `replOffset`, then smallest `runId`.
 */
export interface FailoverCandidate {
  nodeId: string
  name: string
  host: string
  port: number
  /** 1: replicates straight from the group's master; 2+: a sub-replica (chain). Only depth 1 can be chosen. */
  depth: number
  /** Whom it replicates from (a fleet node id when known). */
  masterNodeId?: string
  /** The node answered the choice's INFO. */
  answers: boolean
  /** `master_link_status`; 'unknown' when the node does not answer. */
  linkStatus: 'up' | 'down' | 'unknown'
  /** `master_last_io_seconds_ago` (-1: nothing received yet); null when unknown. */
  lastIoSecondsAgo: number | null
  /** `master_link_down_since_seconds` when the link is down (-1: never up); null when up or unknown. */
  linkDownSinceSeconds: number | null
  /** `slave_repl_offset`: how much of the master's stream it has processed (the "processed offset"). */
  replOffset: number
  /** The master's offset minus this replica's, when the master answered; null otherwise. */
  lagBytes: number | null
  /** `slave_priority` (replica-priority); 0 = never promote. null when unknown. */
  replicaPriority: number | null
  /** `run_id` (INFO server), the last tie-breaker. */
  runId: string
  /** Whether it may be promoted. */
  eligible: boolean
  /** One line: why it is not eligible, or where it ranks and why (e.g. "priority 100, offset 1234 (highest)"). */
  reason: string
}

/** `failover.plan`: what `failover.run` would do now, before anything is touched. */
export interface FailoverPlan {
  groupMasterId: string
  masterName: string
  mode: FailoverMode
  /** The master answered PING when the plan was made. */
  masterAnswers: boolean
  /** The master's `master_repl_offset` when it answered; null when it is down. */
  masterReplOffset: number | null
  /** Every replica and sub-replica of the group, best candidate first (ineligible ones last). */
  candidates: FailoverCandidate[]
  /** The replica that would be promoted; absent when none is eligible (see `reason`). */
  chosenId?: string
  /** One or two sentences for the confirmation dialog: the choice and why, or why no failover is possible. */
  reason: string
  /** Nodes that would get REPLICAOF <new master> afterwards (the other direct replicas; the old master in master-down mode). */
  repointIds: string[]
  /** The group's automatic failover setting. */
  auto: AutoFailoverSettings
}

export interface FailoverRunRequest {
  groupMasterId: string
  /** Promote this replica instead of the best one (must be an eligible direct replica). */
  candidateId?: string
  /** Coordinated mode: FAILOVER's TIMEOUT (ms) for the replica to catch up; default 5000. */
  timeoutMs?: number
}

/** What kind of thing a timeline step records. */
export type FailoverStepKind =
  /** The trigger: button pressed, or the master not answering for downAfterMs (auto). Says whether the master answers. */
  | 'detection'
  /** The replica chosen and why (the plan's reason). */
  | 'choice'
  /** Coordinated: FAILOVER sent; the master pauses writes and waits for the replica to catch up. */
  | 'pause'
  /** Coordinated: the replica caught up (master_failover_state went through waiting-for-sync). */
  | 'sync-wait'
  /** The new master accepts writes (FAILOVER handed over, or REPLICAOF NO ONE answered). */
  | 'promotion'
  /** REPLICAOF <new master> sent to a node (or its stored config rewritten while it is down). */
  | 'repoint'
  /** A node's link to the new master is up again: `resync` says partial (PSYNC +CONTINUE) or full. */
  | 'resync'
  /** Old master (master-down mode) fenced: made a replica of the new master when it answers / before it restarts. */
  | 'old-master'
  /** The whole sequence finished. */
  | 'done'
  /** Something failed; `message` says what (the sequence stops there unless the step says it continues). */
  | 'error'

export interface FailoverStep {
  /** Wall-clock ms. */
  at: number
  kind: FailoverStepKind
  /** The node the step is about, when one. */
  nodeId?: string
  /** One line for people. */
  message: string
  /** 'resync' steps: how the node resynchronised (as the new master's sync_partial_ok / sync_full counters show). */
  resync?: 'partial' | 'full' | 'unknown'
  /** Ms since the failover started (for the timeline's relative column). */
  sinceStartMs: number
}

export type FailoverOutcome = 'running' | 'succeeded' | 'failed'

/** One failover, as the timeline keeps it (persisted in the data folder, newest first, last 100). */
export interface FailoverRecord {
  id: string
  /** The group's master before the failover. */
  oldMasterId: string
  /** The promoted replica (known once chosen). */
  newMasterId?: string
  mode: FailoverMode
  trigger: 'manual' | 'auto'
  startedAt: number
  endedAt?: number
  outcome: FailoverOutcome
  /** Why it failed, one line. */
  error?: string
  /** Ms from the start until the new master accepted writes (the 'promotion' step); absent until then. */
  writableAfterMs?: number
  steps: FailoverStep[]
}

/** Automatic failover of one group (off by default). The setting follows the group to its new master after a failover. */
export interface AutoFailoverSettings {
  groupMasterId: string
  enabled: boolean
  /** The master must not answer for this long before the failover runs (default 5000, at least 500). */
  downAfterMs: number
  /** No second automatic failover of the group within this long after one (default 60000). */
  cooldownMs: number
}

/** `failover.setAuto` params. */
export interface AutoFailoverRequest {
  groupMasterId: string
  enabled: boolean
  downAfterMs?: number
  cooldownMs?: number
}

/* ------------------------------------------------------------------ */
/* Console (issue 7): command docs for completion/help, streaming      */
/* ------------------------------------------------------------------ */

/** One argument of a command as COMMAND DOCS describes it (nested for oneof/block). */
export interface CommandArgDoc {
  name: string
  /** key, string, integer, double, pattern, unix-time, pure-token, oneof, block. */
  type: string
  /** The literal word the user types (NX, EX …), when the argument has one. */
  token?: string
  /** optional, multiple, multiple_token. */
  flags: string[]
  since?: string
  arguments?: CommandArgDoc[]
}

/** One command (or subcommand, named `parent|sub` as Redis does) from COMMAND DOCS + COMMAND INFO. */
export interface CommandDoc {
  /** Lower case, as the server reports it. */
  name: string
  summary: string
  since: string
  group: string
  complexity?: string
  /** COMMAND INFO arity: n = exactly n words, -n = at least n. */
  arity: number
  /** COMMAND INFO flags (write, readonly, admin …): 'write' drives the replica warning. */
  flags: string[]
  arguments: CommandArgDoc[]
  subcommands: CommandDoc[]
}

/** Starts a streaming command (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR) on a connection of its own. */
export interface ConsoleStreamStart {
  id: string
  argv: string[]
}

/**
 * Messages of one streaming session, pushed in batches (one event per ~50 ms
 * at most). `dropped` counts messages skipped because a batch overflowed, so
 * a flood never floods the renderer; `ended` is set once, when the stream
 * stopped (Stop, connection lost, server error): the reason in one line.
 */
export interface ConsoleStreamBatch {
  streamId: string
  nodeId: string
  messages: ConsoleReply[]
  dropped: number
  ended?: string
}

/* ------------------------------------------------------------------ */
/* Config editor (issue 7)                                             */
/* ------------------------------------------------------------------ */

/** A node's configuration as the config editor shows it. */
export interface NodeConfigSnapshot {
  id: string
  /** CONFIG GET * as the server answered (canonical names and aliases). */
  values: Record<string, string>
  /** The node's config file when Tandem can read it (local nodes; an attached server's `config_file` on this machine). */
  file?: { path: string; text: string }
  /** Directives saved to the file that take effect at the next restart: name → saved value. */
  restartRequired: Record<string, string>
  /** Tandem can restart this node (a local node). */
  canRestart: boolean
}

/** `config.apply`: directive name → new value in CONFIG SET form (several arguments joined by a space). */
export interface ConfigApplyRequest {
  id: string
  changes: Record<string, string>
  /** 'apply' = CONFIG SET now; 'save' = CONFIG SET + CONFIG REWRITE, non-runtime ones into the file (restart required). */
  mode: 'apply' | 'save'
}

export interface ConfigApplyResult {
  snapshot: NodeConfigSnapshot
  /** Directives set at runtime by CONFIG SET. */
  applied: string[]
  /** The config file was rewritten. */
  savedToFile: boolean
  /** Directives written to the file that need a restart. */
  restartRequired: string[]
}

/* ------------------------------------------------------------------ */
/* Dashboard (issue 7)                                                 */
/* ------------------------------------------------------------------ */

/**
 * One monitor poll of a node as the dashboard charts it. Rates are derived
 * from the counters' change since the previous poll (so they work on servers
 * that print `instantaneous_ops_per_sec:0`); null on the first poll after a
 * (re)connect or a counter reset (server restarted), and where INFO lacks the field.
 */
export interface MetricsSample {
  /** Unix ms of the poll. */
  at: number
  /** total_commands_processed per second. */
  opsPerSec: number | null
  /** used_memory, bytes. */
  usedMemory: number | null
  /** connected_clients. */
  clients: number | null
  /** total_net_input_bytes per second. */
  netInPerSec: number | null
  /** total_net_output_bytes per second. */
  netOutPerSec: number | null
  /** keyspace_hits per second. */
  hitsPerSec: number | null
  /** keyspace_misses per second. */
  missesPerSec: number | null
  /** master_repl_offset (slave_repl_offset on a replica). */
  replOffset: number | null
}

/** A node's recent samples, oldest first (the last minutes only). */
export interface NodeMetricsHistory {
  id: string
  samples: MetricsSample[]
}

/** One SLOWLOG GET entry, as Redis 4+ replies it. */
export interface SlowlogEntry {
  id: number
  /** Unix seconds when the command ran. */
  time: number
  durationMicros: number
  /** The command and its arguments (Redis truncates long ones itself). */
  args: string[]
  /** ip:port of the client ('' when the server does not say). */
  clientAddr: string
  clientName: string
}

/** One CLIENT LIST line: the fields the table shows, and every field as printed. */
export interface ClientEntry {
  id: string
  addr: string
  name: string
  /** Seconds connected. */
  age: number
  /** Seconds since the last command. */
  idle: number
  db: number
  flags: string
  /** The last command run. */
  cmd: string
  /** Every `name=value` pair of the line, in order. */
  fields: Record<string, string>
}

/** `clients.kill` params: CLIENT KILL ID on node `id`. */
export interface ClientKillRequest {
  id: string
  clientId: string
}

/* ------------------------------------------------------------------ */
/* Key browser (issue 7)                                               */
/* ------------------------------------------------------------------ */

/** TYPE's answer; a module's own type (ReJSON-RL …) is 'other'. */
export type KeyType = 'string' | 'list' | 'hash' | 'set' | 'zset' | 'stream' | 'other'
/** The types the browser can page through and edit. */
export type EditableKeyType = 'string' | 'list' | 'hash' | 'set' | 'zset'

/** Where a key lives: node and logical database (default 0). */
export interface KeyRef {
  id: string
  db?: number
  key: string
}

/**
 * One page of SCAN: main runs SCAN (never KEYS) from `cursor` until it holds
 * `pageSize` keys, the scan ends, or a short time budget runs out — so a
 * rare pattern over millions of keys returns in time with a cursor to go on.
 */
export interface KeyScanRequest {
  id: string
  db?: number
  /** '0' starts a new scan. */
  cursor: string
  /** SCAN MATCH glob; omitted or '' = every key. */
  match?: string
  /** SCAN TYPE filter. */
  type?: EditableKeyType | 'stream'
  /** Keys wanted (default 200, at most 1000). */
  pageSize?: number
}

export interface KeyEntry {
  key: string
  type: KeyType
  /** PTTL: -1 = no expiry, -2 = gone since the scan saw it. */
  ttlMs: number
}

export interface KeyScanPage {
  keys: KeyEntry[]
  /** Where the next page starts; '0' = the scan is complete. */
  cursor: string
  /** DBSIZE of the database now. */
  dbsize: number
  /** SCAN calls this page took (a rare pattern takes many). */
  scanCalls: number
}

/** What the viewer shows first: type, TTL, size, and a string's value. */
export interface KeyDetail {
  key: string
  type: KeyType | 'none'
  ttlMs: number
  /** STRLEN / LLEN / HLEN / SCARD / ZCARD / XLEN. */
  length: number
  /** A string's value, at most KEY_STRING_VIEW_LIMIT bytes of it. */
  value?: string
  /** The string is longer than what `value` holds (editing it whole is refused). */
  truncated?: boolean
}

/** A page of a list, hash, set or zset: LRANGE / HSCAN / SSCAN / ZRANGE … WITHSCORES. */
export interface KeyItemsRequest extends KeyRef {
  type: 'list' | 'hash' | 'set' | 'zset'
  /** '0' = from the start: an offset for list/zset, a cursor for hash/set. */
  cursor: string
  /** Items wanted (default 500, at most 5000; HSCAN/SSCAN COUNT is a hint). */
  count?: number
}

export interface KeyItem {
  /** List element, hash value, set or zset member. */
  value: string
  /** List index. */
  index?: number
  /** Hash field. */
  field?: string
  /** Zset score as the server prints it. */
  score?: string
}

export interface KeyItemsPage {
  items: KeyItem[]
  /** The cursor of the next page; null = no more. */
  next: string | null
}

/** One change to a key; main refuses malformed ones with the same messages the form shows. */
export type KeyEdit =
  | { op: 'string.set'; value: string }
  | { op: 'list.push'; value: string; end: 'head' | 'tail' }
  | { op: 'list.set'; index: number; value: string }
  | { op: 'list.remove'; index: number }
  | { op: 'hash.set'; field: string; value: string }
  | { op: 'hash.delete'; field: string }
  | { op: 'set.add'; member: string }
  | { op: 'set.remove'; member: string }
  | { op: 'zset.add'; member: string; score: string }
  | { op: 'zset.remove'; member: string }
  /** EXPIRE key seconds (a positive integer). */
  | { op: 'ttl.set'; seconds: number }
  | { op: 'ttl.persist' }
  | { op: 'key.delete' }

export interface KeyEditRequest extends KeyRef {
  edit: KeyEdit
  /** Refuse if the key exists already (creating a new key). */
  create?: boolean
}

export interface KeyEditResult {
  /** The key after the change; null when it no longer exists. */
  detail: KeyDetail | null
}
