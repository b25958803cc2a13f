/**
 * INFO: Redis 7.0's sections, field names and order, `# Name` headers and
 * `\r\n` line ends. Figures Node cannot know exactly (allocator details) are
 * reported as Redis reports them on an idle server, so tools parsing INFO
 * find every field they expect. Other layers replace a section through
 * `core.setInfoSection` (replication, persistence).
 */
import { totalmem } from 'node:os'
import type { ServerContext } from './context'
import { REDIS_VERSION } from './commands/connection'
import { AOF_OFF_LINES } from './persistence/persistence-info'
import { bytesToHuman } from './store/memory'

export const TANDEM_VERSION = '0.1.0'

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace']
const ALL_SECTIONS = [...DEFAULT_SECTIONS.slice(0, 8), 'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace']


type Renderer = (server: ServerContext) => string[]

const RENDERERS: Record<string, Renderer> = {
  server(s) {
    const core = s.core
    const now = s.now()
    const uptime = Math.floor((now - core.startedAt) / 1000)
    return [
      `redis_version:${REDIS_VERSION}`,
      `tandem_version:${TANDEM_VERSION}`,
      'redis_git_sha1:00000000',
      'redis_git_dirty:0',
      'redis_build_id:0',
      'redis_mode:standalone',
      `os:${process.platform === 'linux' ? 'Linux' : process.platform} ${process.arch}`,
      'arch_bits:64',
      'monotonic_clock:POSIX clock_gettime',
      'multiplexing_api:epoll',
      'atomicvar_api:c11-builtin',
      'gcc_version:0.0.0',
      `process_id:${process.pid}`,
      'process_supervised:no',
      `run_id:${core.runId}`,
      `tcp_port:${core.tcpPort}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      `hz:${s.config.number('hz')}`,
      `configured_hz:${s.config.number('hz')}`,
      `lru_clock:${Math.floor(now / 1000) & 0xffffff}`,
      `executable:${process.argv[1] ?? process.execPath}`,
      `config_file:${core.configFile}`,
      'io_threads_active:0',
    ]
  },
  clients(s) {
    return [
      `connected_clients:${s.core.clients().filter((c) => c.kind !== 'replica').length}`,
      'cluster_connections:0',
      `maxclients:${s.config.number('maxclients')}`,
      'client_recent_max_input_buffer:0',
      'client_recent_max_output_buffer:0',
      `blocked_clients:${s.core.blockedClientCount?.() ?? s.blocking?.blockedCount ?? 0}`,
      'tracking_clients:0',
      'clients_in_timeout_table:0',
    ]
  },
  memory(s) {
    if (s.memory) return s.memory.infoLines()
    const mem = process.memoryUsage()
    const used = mem.heapUsed + mem.external
    const maxmemory = s.config.number('maxmemory') || 0
    const system = totalmem()
    return [
      `used_memory:${used}`,
      `used_memory_human:${bytesToHuman(used)}`,
      `used_memory_rss:${mem.rss}`,
      `used_memory_rss_human:${bytesToHuman(mem.rss)}`,
      `used_memory_peak:${used}`,
      `used_memory_peak_human:${bytesToHuman(used)}`,
      'used_memory_peak_perc:100.00%',
      `used_memory_overhead:${mem.heapTotal - mem.heapUsed}`,
      `used_memory_startup:0`,
      `used_memory_dataset:${used}`,
      'used_memory_dataset_perc:100.00%',
      `allocator_allocated:${mem.heapUsed}`,
      `allocator_active:${mem.heapTotal}`,
      `allocator_resident:${mem.rss}`,
      `total_system_memory:${system}`,
      `total_system_memory_human:${bytesToHuman(system)}`,
      `maxmemory:${maxmemory}`,
      `maxmemory_human:${bytesToHuman(maxmemory)}`,
      `maxmemory_policy:${s.config.get('maxmemory-policy') ?? 'noeviction'}`,
      `mem_fragmentation_ratio:${(mem.rss / Math.max(1, used)).toFixed(2)}`,
      `mem_fragmentation_bytes:${mem.rss - used}`,
      'mem_not_counted_for_evict:0',
      'mem_replication_backlog:0',
      'mem_clients_slaves:0',
      'mem_clients_normal:0',
      'mem_aof_buffer:0',
      'mem_allocator:v8',
      'lazyfree_pending_objects:0',
      'lazyfreed_objects:0',
    ]
  },
  persistence(s) {
    return [
      'loading:0',
      'async_loading:0',
      'current_cow_peak:0',
      'current_cow_size:0',
      'current_cow_size_age:0',
      'current_fork_perc:0.00',
      'current_save_keys_processed:0',
      'current_save_keys_total:0',
      `rdb_changes_since_last_save:${s.dirty}`,
      'rdb_bgsave_in_progress:0',
      `rdb_last_save_time:${s.persistence?.lastSaveTime ?? Math.floor(s.core.startedAt / 1000)}`,
      'rdb_last_bgsave_status:ok',
      'rdb_last_bgsave_time_sec:-1',
      'rdb_current_bgsave_time_sec:-1',
      `rdb_saves:${s.persistence?.saves ?? 0}`,
      'rdb_last_cow_size:0',
      `rdb_last_load_keys_expired:${s.persistence?.rdbLastLoadKeysExpired ?? 0}`,
      `rdb_last_load_keys_loaded:${s.persistence?.rdbLastLoadKeysLoaded ?? 0}`,
      ...AOF_OFF_LINES,
    ]
  },
  stats(s) {
    const st = s.stats
    const repl = s.replication?.stats
    return [
      `total_connections_received:${st.totalConnectionsReceived}`,
      `total_commands_processed:${st.totalCommandsProcessed}`,
      'instantaneous_ops_per_sec:0',
      `total_net_input_bytes:${st.totalNetInputBytes}`,
      `total_net_output_bytes:${st.totalNetOutputBytes}`,
      `total_net_repl_input_bytes:${repl?.netReplInputBytes ?? 0}`,
      `total_net_repl_output_bytes:${repl?.netReplOutputBytes ?? 0}`,
      'instantaneous_input_kbps:0.00',
      'instantaneous_output_kbps:0.00',
      'instantaneous_input_repl_kbps:0.00',
      'instantaneous_output_repl_kbps:0.00',
      `rejected_connections:${st.rejectedConnections}`,
      `sync_full:${repl?.syncFull ?? 0}`,
      `sync_partial_ok:${repl?.syncPartialOk ?? 0}`,
      `sync_partial_err:${repl?.syncPartialErr ?? 0}`,
      `expired_keys:${st.expiredKeys}`,
      'expired_stale_perc:0.00',
      'expired_time_cap_reached_count:0',
      'expire_cycle_cpu_milliseconds:0',
      `evicted_keys:${st.evictedKeys}`,
      'evicted_clients:0',
      'total_eviction_exceeded_time:0',
      'current_eviction_exceeded_time:0',
      `keyspace_hits:${st.keyspaceHits}`,
      `keyspace_misses:${st.keyspaceMisses}`,
      `pubsub_channels:${s.pubsub?.activeChannels().length ?? 0}`,
      `pubsub_patterns:${s.pubsub?.patternTotal ?? 0}`,
      'pubsubshard_channels:0',
      'latest_fork_usec:0',
      'total_forks:0',
      'migrate_cached_sockets:0',
      'slave_expires_tracked_keys:0',
      'active_defrag_hits:0',
      'active_defrag_misses:0',
      'active_defrag_key_hits:0',
      'active_defrag_key_misses:0',
      'total_active_defrag_time:0',
      'current_active_defrag_time:0',
      'tracking_total_keys:0',
      'tracking_total_items:0',
      'tracking_total_prefixes:0',
      'unexpected_error_replies:0',
      'total_error_replies:0',
      'dump_payload_sanitizations:0',
      'total_reads_processed:0',
      'total_writes_processed:0',
      'io_threaded_reads_processed:0',
      'io_threaded_writes_processed:0',
    ]
  },
  replication(s) {
    if (s.replication) return s.replication.infoLines()
    return [
      'role:master',
      'connected_slaves:0',
      'master_failover_state:no-failover',
      `master_replid:${s.core.replId}`,
      `master_replid2:${s.core.replId2}`,
      'master_repl_offset:0',
      'second_repl_offset:-1',
      'repl_backlog_active:0',
      'repl_backlog_size:1048576',
      'repl_backlog_first_byte_offset:0',
      'repl_backlog_histlen:0',
    ]
  },
  cpu() {
    const usage = process.resourceUsage()
    const sys = (usage.systemCPUTime / 1e6).toFixed(6)
    const user = (usage.userCPUTime / 1e6).toFixed(6)
    return [
      `used_cpu_sys:${sys}`,
      `used_cpu_user:${user}`,
      'used_cpu_sys_children:0.000000',
      'used_cpu_user_children:0.000000',
      `used_cpu_sys_main_thread:${sys}`,
      `used_cpu_user_main_thread:${user}`,
    ]
  },
  modules: () => [],
  commandstats: () => [],
  errorstats: () => [],
  latencystats: () => [],
  cluster: () => ['cluster_enabled:0'],
  keyspace(s) {
    return s.databases
      .filter((db) => db.size() > 0)
      .map((db) => `db${db.index}:keys=${db.size()},expires=${db.expiresSize()},avg_ttl=${Math.round(db.avgTtl())}`)
  },
}

const HEADERS: Record<string, string> = {
  cpu: 'CPU',
  commandstats: 'Commandstats',
  errorstats: 'Errorstats',
  latencystats: 'Latencystats',
}

function header(section: string): string {
  return HEADERS[section] ?? section[0].toUpperCase() + section.slice(1)
}

/** Which sections `INFO [section …]` asks for, in Redis's order. */
export function selectSections(args: readonly string[]): string[] {
  const wanted = new Set(args.map((a) => a.toLowerCase()))
  if (wanted.size === 0 || wanted.has('default')) DEFAULT_SECTIONS.forEach((n) => wanted.add(n))
  if (wanted.has('all') || wanted.has('everything')) ALL_SECTIONS.forEach((n) => wanted.add(n))
  return ALL_SECTIONS.filter((name, i) => wanted.has(name) && ALL_SECTIONS.indexOf(name) === i)
}

export function renderInfo(server: ServerContext, args: readonly string[]): string {
  const parts: string[] = []
  for (const section of selectSections(args)) {
    const lines = server.core.infoSection(section)?.() ?? RENDERERS[section](server)
    parts.push(`# ${header(section)}\r\n${lines.map((l) => `${l}\r\n`).join('')}`)
  }
  return parts.join('\r\n')
}
