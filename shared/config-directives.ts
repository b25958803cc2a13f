/**
 * THE redis.conf directive table (Redis 7.0.15): the server's config parser,
 * CONFIG GET/SET and the app's config editor all read this one list, so they
 * agree on names, aliases, types, defaults and what can change at runtime.
 *
 * Plain data only (no Node imports): the renderer loads it too.
 * `default` is the value exactly as CONFIG GET prints it on a server started
 * without a config file. `runtime: false` mirrors Redis's IMMUTABLE_CONFIG.
 * `implemented: false` directives are accepted (file, command line, CONFIG SET)
 * and reported back by CONFIG GET, but tandem-server does not act on them; the
 * server logs each one once as "accepted without effect".
 */

export type DirectiveType =
  /** yes / no, case-insensitive. */
  | 'bool'
  /** Decimal integer within [min, max]. */
  | 'integer'
  /** Octal integer within [min, max] (unixsocketperm). */
  | 'octal'
  /** Bytes with optional unit: k=1000 kb=1024 m mb g gb (case-insensitive). */
  | 'memory'
  /** A memory value, or `N%` (maxmemory-clients). */
  | 'memory-percent'
  /** One of `values`, case-insensitive. */
  | 'enum'
  | 'string'
  /** `save <seconds> <changes> [...]`, `save ""` disables. */
  | 'save'
  /** Up to 16 addresses, `bind ""` for none. */
  | 'bind'
  /** `<host> <port>` or `no one`. */
  | 'replicaof'
  /** `<class> <hard> <soft> <seconds>` groups. */
  | 'client-output-buffer-limit'
  /** Three integers in [-2000, 2000]. */
  | 'oom-score-adj-values'
  /** Event class characters `Ag$lshzxeKEtmdn`. */
  | 'notify-keyspace-events'
  /** Floats in [0, 100] (latency-tracking-info-percentiles). */
  | 'percentiles'
  /** Working directory: must exist. */
  | 'dir'
  /** File-only directives that CONFIG GET does not know. */
  | 'include'
  | 'rename-command'
  | 'user'
  | 'loadmodule'

export type DirectiveGroup =
  | 'network'
  | 'tls'
  | 'general'
  | 'persistence'
  | 'replication'
  | 'security'
  | 'clients'
  | 'memory'
  | 'lazyfree'
  | 'threads'
  | 'kernel'
  | 'append-only'
  | 'scripting'
  | 'cluster'
  | 'monitoring'
  | 'notifications'
  | 'advanced'
  | 'defrag'

export interface DirectiveSpec {
  /** Canonical lower-case name, as CONFIG GET prints it. */
  readonly name: string
  /** Other accepted names (slaveof → replicaof …); CONFIG GET also lists them. */
  readonly aliases: readonly string[]
  readonly type: DirectiveType
  readonly min?: number
  readonly max?: number
  /** For `enum`: the accepted values, in Redis's order (used in its error message). */
  readonly values?: readonly string[]
  /** As CONFIG GET prints it ('' for none). For `dir` the real default is the start-up cwd. */
  readonly default: string
  /** Settable by CONFIG SET (not IMMUTABLE_CONFIG in Redis). */
  readonly runtime: boolean
  readonly group: DirectiveGroup
  readonly description: string
  /** false = accepted without effect in tandem-server. */
  readonly implemented: boolean
  /** Takes several arguments on one line (Redis's MULTI_ARG_CONFIG). */
  readonly multiArg?: boolean
  /** Password-like: editors should mask it. */
  readonly sensitive?: boolean
  /** Not matched by CONFIG GET patterns, only by its exact name (Redis's HIDDEN_CONFIG). */
  readonly hidden?: boolean
  /** CONFIG SET refused unless enable-protected-configs allows it (Redis's PROTECTED_CONFIG). */
  readonly protected?: boolean
  /** Only meaningful in a config file (include, rename-command …): CONFIG GET/SET don't know it. */
  readonly fileOnly?: boolean
}

export const INT_MAX = 2147483647
export const INT_MIN = -2147483648
export const UINT_MAX = 4294967295
/** LLONG_MAX / LONG_MAX / SSIZE_MAX: not exact as a double, printed exactly by `formatBound`. */
export const INT64_MAX = 2 ** 63
/** ULLONG_MAX, likewise. */
export const UINT64_MAX = 2 ** 64

/** A bound as Redis prints it in "argument must be between X and Y inclusive". */
export function formatBound(n: number): string {
  if (n >= UINT64_MAX) return '18446744073709551615'
  if (n >= INT64_MAX) return '9223372036854775807'
  return String(n)
}

type Options = Partial<Omit<DirectiveSpec, 'name' | 'type' | 'default' | 'group' | 'description' | 'runtime'>>

function d(
  name: string,
  type: DirectiveType,
  def: string,
  group: DirectiveGroup,
  runtime: boolean,
  description: string,
  options: Options = {},
): DirectiveSpec {
  return { name, aliases: [], implemented: false, type, default: def, group, runtime, description, ...options }
}

const yes = (b: boolean): string => (b ? 'yes' : 'no')
function bool(name: string, def: boolean, group: DirectiveGroup, runtime: boolean, description: string, o: Options = {}): DirectiveSpec {
  return d(name, 'bool', yes(def), group, runtime, description, o)
}
function int(name: string, min: number, max: number, def: number, group: DirectiveGroup, runtime: boolean, description: string, o: Options = {}): DirectiveSpec {
  return d(name, 'integer', String(def), group, runtime, description, { min, max, ...o })
}
function mem(name: string, min: number, max: number, def: number, group: DirectiveGroup, runtime: boolean, description: string, o: Options = {}): DirectiveSpec {
  return d(name, 'memory', String(def), group, runtime, description, { min, max, ...o })
}
function str(name: string, def: string, group: DirectiveGroup, runtime: boolean, description: string, o: Options = {}): DirectiveSpec {
  return d(name, 'string', def, group, runtime, description, o)
}
function oneOf(name: string, values: readonly string[], def: string, group: DirectiveGroup, runtime: boolean, description: string, o: Options = {}): DirectiveSpec {
  return d(name, 'enum', def, group, runtime, description, { values, ...o })
}

const ON = { implemented: true } as const
const PROTECTED_ACTION = ['no', 'yes', 'local'] as const

export const DIRECTIVES: readonly DirectiveSpec[] = [
  // network
  d('bind', 'bind', '* -::*', 'network', true, 'Interfaces to listen on; "-" prefix = optional address', { multiArg: true, ...ON }),
  str('bind-source-addr', '', 'network', true, 'Source address for outgoing connections (replication)'),
  bool('protected-mode', true, 'network', true, 'Refuse non-loopback clients when no password and no bind are set', ON),
  int('port', 0, 65535, 6379, 'network', true, 'TCP port to accept connections on (0 = no TCP)', ON),
  int('tcp-backlog', 0, INT_MAX, 511, 'network', false, 'Backlog of the listen() call', ON),
  str('unixsocket', '', 'network', false, 'Path of a Unix socket to listen on'),
  d('unixsocketperm', 'octal', '0', 'network', false, 'Permissions of the Unix socket (octal)', { min: 0, max: 0o777 }),
  int('timeout', 0, INT_MAX, 0, 'network', true, 'Close a client after this many idle seconds (0 = never)', ON),
  int('tcp-keepalive', 0, INT_MAX, 300, 'network', true, 'TCP keepalive period in seconds', ON),
  int('socket-mark-id', 0, UINT_MAX, 0, 'network', true, 'Socket mark (SO_MARK) for outgoing connections'),
  // tls
  int('tls-port', 0, 65535, 0, 'tls', true, 'Port for TLS connections (0 = off)'),
  str('tls-cert-file', '', 'tls', true, 'Server certificate'),
  str('tls-key-file', '', 'tls', true, 'Server private key'),
  str('tls-key-file-pass', '', 'tls', true, 'Passphrase of the server key', { sensitive: true }),
  str('tls-client-cert-file', '', 'tls', true, 'Client certificate for outgoing connections'),
  str('tls-client-key-file', '', 'tls', true, 'Client private key'),
  str('tls-client-key-file-pass', '', 'tls', true, 'Passphrase of the client key', { sensitive: true }),
  str('tls-dh-params-file', '', 'tls', true, 'DH parameters file'),
  str('tls-ca-cert-file', '', 'tls', true, 'CA certificate bundle'),
  str('tls-ca-cert-dir', '', 'tls', true, 'CA certificate directory'),
  oneOf('tls-auth-clients', ['no', 'yes', 'optional'], 'yes', 'tls', true, 'Require client certificates'),
  bool('tls-replication', false, 'tls', true, 'Use TLS for replication links'),
  bool('tls-cluster', false, 'tls', true, 'Use TLS for the cluster bus'),
  str('tls-protocols', '', 'tls', true, 'Allowed TLS protocol versions'),
  str('tls-ciphers', '', 'tls', true, 'TLS 1.2 cipher list'),
  str('tls-ciphersuites', '', 'tls', true, 'TLS 1.3 cipher suites'),
  bool('tls-prefer-server-ciphers', false, 'tls', true, 'Prefer the server cipher order'),
  bool('tls-session-caching', true, 'tls', true, 'Cache TLS sessions'),
  int('tls-session-cache-size', 0, INT_MAX, 20480, 'tls', true, 'TLS session cache entries'),
  int('tls-session-cache-timeout', 0, INT_MAX, 300, 'tls', true, 'TLS session cache timeout (seconds)'),
  // general
  bool('daemonize', false, 'general', false, 'Run in the background, detached from the terminal', ON),
  oneOf('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', 'general', false, 'Supervision tree interaction'),
  str('pidfile', '', 'general', false, 'Write the process id to this file', ON),
  oneOf('loglevel', ['debug', 'verbose', 'notice', 'warning'], 'notice', 'general', true, 'Log verbosity', ON),
  str('logfile', '', 'general', false, 'Log file ("" = standard output)', ON),
  bool('syslog-enabled', false, 'general', false, 'Also log to syslog'),
  str('syslog-ident', 'redis', 'general', false, 'Syslog identity'),
  oneOf('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0', 'general', false, 'Syslog facility'),
  bool('crash-log-enabled', true, 'general', true, 'Print a stack trace on crash'),
  bool('crash-memcheck-enabled', true, 'general', true, 'Run a memory check on crash'),
  int('databases', 1, INT_MAX, 16, 'general', false, 'Number of databases', ON),
  bool('always-show-logo', false, 'general', false, 'Show the ASCII logo even when logging to a file'),
  bool('set-proc-title', true, 'general', false, 'Set the process title'),
  str('proc-title-template', '{title} {listen-addr} {server-mode}', 'general', true, 'Template of the process title'),
  oneOf('enable-protected-configs', PROTECTED_ACTION, 'no', 'general', false, 'Allow CONFIG SET of protected configs (dir, dbfilename)'),
  oneOf('enable-debug-command', PROTECTED_ACTION, 'no', 'general', false, 'Allow the DEBUG command'),
  oneOf('enable-module-command', PROTECTED_ACTION, 'no', 'general', false, 'Allow the MODULE command'),
  str('ignore-warnings', '', 'general', true, 'Start-up warnings to silence'),
  // persistence (RDB)
  d('save', 'save', '3600 1 300 100 60 10000', 'persistence', true, 'Snapshot after <seconds> if at least <changes> writes ("" = never)', { multiArg: true, ...ON }),
  bool('stop-writes-on-bgsave-error', true, 'persistence', true, 'Refuse writes when the last background save failed', ON),
  bool('rdbcompression', true, 'persistence', true, 'Compress strings in the RDB with LZF', ON),
  bool('rdbchecksum', true, 'persistence', false, 'Append a CRC64 checksum to the RDB', ON),
  oneOf('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', 'persistence', true, 'Deep-check RDB/RESTORE payloads'),
  str('dbfilename', 'dump.rdb', 'persistence', true, 'Name of the RDB file', { protected: true, ...ON }),
  bool('rdb-del-sync-files', false, 'persistence', true, 'Delete RDB files used only for replication'),
  d('dir', 'dir', '', 'persistence', true, 'Working directory: RDB and AOF files go here', { protected: true, ...ON }),
  bool('rdb-save-incremental-fsync', true, 'persistence', true, 'fsync the RDB every 4 MB while saving'),
  int('rdb-key-save-delay', INT_MIN, INT_MAX, 0, 'persistence', true, 'Testing: microseconds to wait per key a BGSAVE, AOF rewrite or full sync writes', { hidden: true, ...ON }),
  int('key-load-delay', INT_MIN, INT_MAX, 0, 'persistence', true, 'Testing: microseconds to sleep per key loaded', { hidden: true }),
  // replication
  d('replicaof', 'replicaof', '', 'replication', false, 'Replicate <masterip> <masterport>', { aliases: ['slaveof'], multiArg: true, ...ON }),
  str('masterauth', '', 'replication', true, 'Password to authenticate to the master', { sensitive: true, ...ON }),
  str('masteruser', '', 'replication', true, 'User to authenticate to the master', { sensitive: true, ...ON }),
  bool('replica-serve-stale-data', true, 'replication', true, 'Answer queries while the link to the master is down', { aliases: ['slave-serve-stale-data'], ...ON }),
  bool('replica-read-only', true, 'replication', true, 'Reject writes from clients on a replica', { aliases: ['slave-read-only'], ...ON }),
  bool('repl-diskless-sync', true, 'replication', true, 'Stream the RDB to replicas without touching the disk', ON),
  int('repl-diskless-sync-delay', 0, INT_MAX, 5, 'replication', true, 'Seconds to wait for more replicas before a diskless transfer', ON),
  int('repl-diskless-sync-max-replicas', 0, INT_MAX, 0, 'replication', true, 'Start the diskless transfer once this many replicas wait (0 = no limit)', ON),
  oneOf('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled', 'replication', true, 'Load the RDB from the socket on the replica'),
  int('repl-ping-replica-period', 1, INT_MAX, 10, 'replication', true, 'Seconds between master PINGs to replicas', { aliases: ['repl-ping-slave-period'], ...ON }),
  int('repl-timeout', 1, INT_MAX, 60, 'replication', true, 'Replication timeout in seconds', ON),
  bool('repl-disable-tcp-nodelay', false, 'replication', true, 'Disable TCP_NODELAY on the replica socket'),
  mem('repl-backlog-size', 1, INT64_MAX, 1048576, 'replication', true, 'Size of the backlog for partial resynchronization', ON),
  int('repl-backlog-ttl', 0, INT64_MAX, 3600, 'replication', true, 'Seconds without replicas before the backlog is freed', ON),
  int('replica-priority', 0, INT_MAX, 100, 'replication', true, 'Promotion priority (lower first, 0 = never)', { aliases: ['slave-priority'], ...ON }),
  bool('replica-announced', true, 'replication', true, 'Show this replica to Sentinel'),
  int('min-replicas-to-write', 0, INT_MAX, 0, 'replication', true, 'Refuse writes with fewer good replicas than this', { aliases: ['min-slaves-to-write'], ...ON }),
  int('min-replicas-max-lag', 0, INT_MAX, 10, 'replication', true, 'A replica is good if its last ACK is younger than this (seconds)', { aliases: ['min-slaves-max-lag'], ...ON }),
  str('replica-announce-ip', '', 'replication', true, 'IP announced to the master', { aliases: ['slave-announce-ip'], ...ON }),
  int('replica-announce-port', 0, 65535, 0, 'replication', true, 'Port announced to the master', { aliases: ['slave-announce-port'], ...ON }),
  bool('replica-ignore-disk-write-errors', false, 'replication', true, 'Keep replicating after a disk write error'),
  bool('replica-lazy-flush', false, 'lazyfree', true, 'Flush the old dataset asynchronously on full sync', { aliases: ['slave-lazy-flush'] }),
  bool('replica-ignore-maxmemory', true, 'memory', true, 'Replicas do not evict on their own', { aliases: ['slave-ignore-maxmemory'] }),
  oneOf('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore', 'replication', true, 'What to do when a propagated command fails'),
  // security
  str('requirepass', '', 'security', true, 'Password clients must send with AUTH', { sensitive: true, ...ON }),
  int('acllog-max-len', 0, INT64_MAX, 128, 'security', true, 'Entries kept in ACL LOG'),
  str('aclfile', '', 'security', false, 'External ACL file'),
  oneOf('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels', 'security', true, 'Default pub/sub permissions of new users'),
  // clients
  int('maxclients', 1, UINT_MAX, 10000, 'clients', true, 'Maximum connected clients', ON),
  // memory
  mem('maxmemory', 0, UINT64_MAX, 0, 'memory', true, 'Memory limit in bytes (0 = none)', ON),
  oneOf('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction', 'memory', true, 'Eviction policy when maxmemory is reached', ON),
  int('maxmemory-samples', 1, INT_MAX, 5, 'memory', true, 'Keys sampled per eviction', ON),
  int('maxmemory-eviction-tenacity', 0, 100, 10, 'memory', true, 'Eviction effort per command', ON),
  d('maxmemory-clients', 'memory-percent', '0', 'memory', true, 'Memory limit for all clients together (bytes or % of maxmemory)', { min: -100, max: INT64_MAX }),
  int('active-expire-effort', 1, 10, 1, 'memory', true, 'Effort of the active expiry cycle (1-10)', ON),
  // lazyfree
  bool('lazyfree-lazy-eviction', false, 'lazyfree', true, 'Free evicted keys asynchronously'),
  bool('lazyfree-lazy-expire', false, 'lazyfree', true, 'Free expired keys asynchronously'),
  bool('lazyfree-lazy-server-del', false, 'lazyfree', true, 'Free implicitly deleted keys asynchronously'),
  bool('lazyfree-lazy-user-del', false, 'lazyfree', true, 'DEL behaves like UNLINK'),
  bool('lazyfree-lazy-user-flush', false, 'lazyfree', true, 'FLUSHALL/FLUSHDB default to ASYNC'),
  // threads
  int('io-threads', 1, 128, 1, 'threads', false, 'Number of I/O threads'),
  bool('io-threads-do-reads', false, 'threads', false, 'Also read and parse in I/O threads'),
  str('server_cpulist', '', 'threads', false, 'CPU affinity of the main thread'),
  str('bio_cpulist', '', 'threads', false, 'CPU affinity of background I/O threads'),
  str('aof_rewrite_cpulist', '', 'threads', false, 'CPU affinity of the AOF rewrite child'),
  str('bgsave_cpulist', '', 'threads', false, 'CPU affinity of the BGSAVE child'),
  // kernel
  oneOf('oom-score-adj', ['no', 'yes', 'relative', 'absolute'], 'no', 'kernel', true, 'Control the Linux OOM killer score'),
  d('oom-score-adj-values', 'oom-score-adj-values', '0 200 800', 'kernel', true, 'OOM scores for master, replica and child', { multiArg: true }),
  bool('disable-thp', true, 'kernel', false, 'Disable transparent huge pages for the process'),
  // append only
  bool('appendonly', false, 'append-only', true, 'Log every write to the append-only file', ON),
  str('appendfilename', 'appendonly.aof', 'append-only', false, 'Base name of the AOF files', ON),
  str('appenddirname', 'appendonlydir', 'append-only', false, 'Folder of the AOF files', ON),
  oneOf('appendfsync', ['everysec', 'always', 'no'], 'everysec', 'append-only', true, 'When to fsync the AOF', ON),
  bool('no-appendfsync-on-rewrite', false, 'append-only', true, 'Skip fsync while a rewrite runs', ON),
  int('auto-aof-rewrite-percentage', 0, INT_MAX, 100, 'append-only', true, 'Rewrite the AOF when it grew by this percentage', ON),
  mem('auto-aof-rewrite-min-size', 0, INT64_MAX, 67108864, 'append-only', true, 'Minimum AOF size for an automatic rewrite', ON),
  bool('aof-load-truncated', true, 'append-only', true, 'Load a truncated AOF instead of refusing to start', ON),
  bool('aof-use-rdb-preamble', true, 'append-only', true, 'Start rewritten AOFs with an RDB preamble', ON),
  bool('aof-timestamp-enabled', false, 'append-only', true, 'Write timestamp annotations into the AOF'),
  bool('aof-rewrite-incremental-fsync', true, 'append-only', true, 'fsync the rewritten AOF every 4 MB'),
  bool('aof-disable-auto-gc', false, 'append-only', true, 'Keep old AOF history files', ON),
  // scripting
  int('busy-reply-threshold', 0, INT64_MAX, 5000, 'scripting', true, 'Milliseconds before a script is reported busy', { aliases: ['lua-time-limit'] }),
  // cluster
  bool('cluster-enabled', false, 'cluster', false, 'Run as a cluster node'),
  str('cluster-config-file', 'nodes.conf', 'cluster', false, 'Cluster state file'),
  int('cluster-node-timeout', 0, INT64_MAX, 15000, 'cluster', true, 'Milliseconds before a node is considered failing'),
  int('cluster-port', 0, 65535, 0, 'cluster', false, 'Cluster bus port (0 = port + 10000)'),
  int('cluster-replica-validity-factor', 0, INT_MAX, 10, 'cluster', true, 'Max data age factor for failover', { aliases: ['cluster-slave-validity-factor'] }),
  int('cluster-migration-barrier', 0, INT_MAX, 1, 'cluster', true, 'Replicas a master keeps before one migrates'),
  bool('cluster-allow-replica-migration', true, 'cluster', true, 'Allow replicas to migrate to orphaned masters'),
  bool('cluster-require-full-coverage', true, 'cluster', true, 'Stop serving when some slots are uncovered'),
  bool('cluster-replica-no-failover', false, 'cluster', true, 'Never fail over this replica automatically', { aliases: ['cluster-slave-no-failover'] }),
  bool('cluster-allow-reads-when-down', false, 'cluster', true, 'Serve reads while the cluster is down'),
  bool('cluster-allow-pubsubshard-when-down', true, 'cluster', true, 'Serve sharded pub/sub while the cluster is down'),
  mem('cluster-link-sendbuf-limit', 0, UINT64_MAX, 0, 'cluster', true, 'Send buffer limit of cluster bus links'),
  str('cluster-announce-hostname', '', 'cluster', true, 'Hostname announced to the cluster'),
  oneOf('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip', 'cluster', true, 'Endpoint type shown to clients'),
  str('cluster-announce-ip', '', 'cluster', true, 'IP announced to the cluster'),
  int('cluster-announce-port', 0, 65535, 0, 'cluster', true, 'Port announced to the cluster'),
  int('cluster-announce-tls-port', 0, 65535, 0, 'cluster', true, 'TLS port announced to the cluster'),
  int('cluster-announce-bus-port', 0, 65535, 0, 'cluster', true, 'Bus port announced to the cluster'),
  // monitoring
  int('slowlog-log-slower-than', -1, INT64_MAX, 10000, 'monitoring', true, 'Log commands slower than this many microseconds (-1 = off)'),
  int('slowlog-max-len', 0, INT64_MAX, 128, 'monitoring', true, 'Entries kept in the slow log'),
  int('latency-monitor-threshold', 0, INT64_MAX, 0, 'monitoring', true, 'Record events slower than this many milliseconds (0 = off)'),
  bool('latency-tracking', true, 'monitoring', true, 'Track per-command latency percentiles'),
  d('latency-tracking-info-percentiles', 'percentiles', '50 99 99.9', 'monitoring', true, 'Percentiles reported by INFO latencystats', { multiArg: true }),
  // notifications
  d('notify-keyspace-events', 'notify-keyspace-events', '', 'notifications', true, 'Keyspace event classes to publish (Ag$lshzxeKEtmdn)'),
  // advanced
  int('hash-max-listpack-entries', 0, INT64_MAX, 512, 'advanced', true, 'Hashes up to this many fields use a compact encoding', { aliases: ['hash-max-ziplist-entries'] }),
  mem('hash-max-listpack-value', 0, INT64_MAX, 64, 'advanced', true, 'Hashes with values up to this size use a compact encoding', { aliases: ['hash-max-ziplist-value'] }),
  int('list-max-listpack-size', INT_MIN, INT_MAX, -2, 'advanced', true, 'Size of list nodes (negative = bytes class)', { aliases: ['list-max-ziplist-size'] }),
  int('list-compress-depth', 0, INT_MAX, 0, 'advanced', true, 'List nodes kept uncompressed at each end (0 = none compressed)'),
  int('set-max-intset-entries', 0, INT64_MAX, 512, 'advanced', true, 'Integer sets up to this size use an intset'),
  int('zset-max-listpack-entries', 0, INT64_MAX, 128, 'advanced', true, 'Sorted sets up to this many members use a compact encoding', { aliases: ['zset-max-ziplist-entries'] }),
  mem('zset-max-listpack-value', 0, INT64_MAX, 64, 'advanced', true, 'Sorted sets with members up to this size use a compact encoding', { aliases: ['zset-max-ziplist-value'] }),
  mem('hll-sparse-max-bytes', 0, INT64_MAX, 3000, 'advanced', true, 'HyperLogLog sparse representation limit'),
  mem('stream-node-max-bytes', 0, INT64_MAX, 4096, 'advanced', true, 'Maximum bytes of a stream node'),
  int('stream-node-max-entries', 0, INT64_MAX, 100, 'advanced', true, 'Maximum entries of a stream node'),
  bool('activerehashing', true, 'advanced', true, 'Rehash main dictionaries incrementally'),
  d('client-output-buffer-limit', 'client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', 'advanced', true, 'Output buffer limits per client class: <class> <hard> <soft> <seconds>', { multiArg: true }),
  mem('client-query-buffer-limit', 1048576, INT64_MAX, 1073741824, 'advanced', true, 'Maximum query buffer of one client'),
  mem('proto-max-bulk-len', 1048576, INT64_MAX, 536870912, 'advanced', true, 'Maximum size of one bulk string in a request'),
  int('hz', 0, INT_MAX, 10, 'advanced', true, 'Background task frequency per second (clamped to 1-500)', ON),
  bool('dynamic-hz', true, 'advanced', true, 'Raise hz with many clients'),
  bool('jemalloc-bg-thread', true, 'advanced', true, 'jemalloc background purge thread'),
  int('lfu-log-factor', 0, INT_MAX, 10, 'advanced', true, 'LFU counter logarithm factor', ON),
  int('lfu-decay-time', 0, INT_MAX, 1, 'advanced', true, 'LFU counter decay in minutes', ON),
  int('tracking-table-max-keys', 0, INT64_MAX, 1000000, 'advanced', true, 'Keys tracked for client-side caching'),
  int('shutdown-timeout', 0, INT_MAX, 10, 'advanced', true, 'Seconds to wait for replicas to catch up on shutdown'),
  oneOf('shutdown-on-sigint', ['default', 'save', 'nosave', 'now', 'force'], 'default', 'advanced', true, 'Shutdown flags for SIGINT'),
  oneOf('shutdown-on-sigterm', ['default', 'save', 'nosave', 'now', 'force'], 'default', 'advanced', true, 'Shutdown flags for SIGTERM'),
  // defrag
  bool('activedefrag', false, 'defrag', true, 'Active memory defragmentation'),
  mem('active-defrag-ignore-bytes', 1, INT64_MAX, 104857600, 'defrag', true, 'Minimum fragmentation waste to start defrag'),
  int('active-defrag-threshold-lower', 0, 1000, 10, 'defrag', true, 'Minimum fragmentation percentage to start defrag'),
  int('active-defrag-threshold-upper', 0, 1000, 100, 'defrag', true, 'Fragmentation percentage for maximum effort'),
  int('active-defrag-cycle-min', 1, 99, 1, 'defrag', true, 'Minimal CPU percentage for defrag'),
  int('active-defrag-cycle-max', 1, 99, 25, 'defrag', true, 'Maximal CPU percentage for defrag'),
  int('active-defrag-max-scan-fields', 1, INT64_MAX, 1000, 'defrag', true, 'Fields of big keys processed per scan step'),
  // file-only directives
  d('include', 'include', '', 'general', false, 'Read another config file here', { fileOnly: true, ...ON }),
  d('rename-command', 'rename-command', '', 'security', false, 'Rename or disable ("") a command', { fileOnly: true, multiArg: true }),
  d('user', 'user', '', 'security', false, 'Define an ACL user', { fileOnly: true, multiArg: true }),
  d('loadmodule', 'loadmodule', '', 'general', false, 'Load a module at start-up', { fileOnly: true, multiArg: true }),
]

/** Old directives Redis 7.0 still accepts in a config file (with exactly this many arguments) and ignores. */
export const DEPRECATED_DIRECTIVES: readonly string[] = ['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']

const byName = new Map<string, DirectiveSpec>()
for (const spec of DIRECTIVES) {
  byName.set(spec.name, spec)
  for (const alias of spec.aliases) byName.set(alias, spec)
}

/** The directive called `name` (any case, aliases included), or undefined. */
export function findDirective(name: string): DirectiveSpec | undefined {
  return byName.get(name.toLowerCase())
}
