/**
 * The server's memory: used_memory as Redis 7.0 would count it (a start-up
 * baseline plus what every key is charged, kept per write by each database's
 * KeyMemoryTable), the peak, maxmemory enforcement (performEvictions) and the
 * INFO memory section.
 *
 * For the OBJECT command: `idleSeconds(db, key)` and `lfuFrequency(db, key)`.
 * For replication: `evictedListeners` hear every evicted key (propagate DEL).
 */
import { totalmem } from 'node:os'
import type { ConfigView, ServerStats } from '../context'
import type { Reply } from '../protocol/reply'
import { error } from '../protocol/replies'
import { defaultLfuTuning, idleMs, lfuDecayed, type LfuTuning } from './access-clock'
import type { Database } from './database'
import { EvictionPicker, isEvictionPolicy, type EvictionPolicy } from './eviction'
import { DICT_ENTRY_SIZE } from './memory-size'

export const ERR_OOM = error("OOM command not allowed when used memory > 'maxmemory'.")

/** used_memory_startup of a Redis 7.0.15 started with no data (measured). */
export const USED_MEMORY_STARTUP = 876032
/** Redis 7.0's Lua/function engine figures on an idle server (measured). */
const LUA_VM_BYTES = 32768
const FUNCTIONS_VM_BYTES = 33792
const SCRIPTS_BYTES = 200

export type EvictionResult = 'ok' | 'running' | 'fail'

export interface MemoryHost {
  readonly databases: readonly Database[]
  readonly config: ConfigView
  readonly stats: ServerStats
  now(): number
  /** True when this server is a replica that leaves eviction to its master (replica-ignore-maxmemory). */
  ignoresMaxmemory?(): boolean
}

/** OBJECT IDLETIME: seconds since the key was last read or written; undefined when the key does not exist. */
export function idleSeconds(db: Database, key: string | Buffer, now: number): number | undefined {
  const k = typeof key === 'string' ? key : key.toString('latin1')
  const access = db.memory.access(k)
  return access === undefined ? undefined : Math.floor(idleMs(access, now) / 1000)
}

/** OBJECT FREQ: the key's logarithmic access counter after decay; undefined when the key does not exist. */
export function lfuFrequency(db: Database, key: string | Buffer, now: number): number | undefined {
  const k = typeof key === 'string' ? key : key.toString('latin1')
  const access = db.memory.access(k)
  return access === undefined ? undefined : lfuDecayed(access, now, db.memory.tuning)
}

/** Redis's bytesToHuman: the `*_human` INFO fields. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`
  const units = ['K', 'M', 'G', 'T', 'P']
  let value = n / 1024
  let i = 0
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }
  return `${value.toFixed(2)}${units[i]}`
}

function numberOr(config: ConfigView, name: string, fallback: number): number {
  const n = config.number(name)
  return Number.isFinite(n) ? n : fallback
}

export class MemoryManager {
  /** Hear each evicted key after it is gone (replication propagates a DEL). */
  readonly evictedListeners: ((db: Database, key: string) => void)[] = []
  readonly tuning: LfuTuning
  private readonly picker = new EvictionPicker()
  private peak = 0
  private rawMaxmemory: string | undefined
  private maxmemoryBytes = 0
  private rawLfu = ''
  private continuation: NodeJS.Immediate | undefined

  constructor(
    private readonly host: MemoryHost,
    /** Draws eviction samples; the LFU counter has its own in `tuning`. */
    private readonly random: () => number = Math.random,
  ) {
    this.tuning = defaultLfuTuning()
    for (const db of host.databases) db.memory.tuning = this.tuning
  }

  /** zmalloc_used_memory(): the start-up baseline plus every key's charge and dict buckets. */
  usedMemory(): number {
    let used = USED_MEMORY_STARTUP
    for (const db of this.host.databases) used += db.memory.datasetBytes + db.memory.tableBytes
    if (used > this.peak) this.peak = used
    return used
  }

  /**
   * The owner promises to call configChanged() after every runtime config
   * change, so the per-command check may trust the cached values.
   */
  followConfigChanges(): void {
    this.followed = true
    this.configChanged()
  }

  /** Re-reads maxmemory and the LFU tuning (CONFIG SET, or its rollback, happened). */
  configChanged(): void {
    this.refreshTuning()
    this.maxmemory()
  }

  private followed = false

  maxmemory(): number {
    const raw = this.host.config.get('maxmemory')
    if (raw !== this.rawMaxmemory) {
      this.rawMaxmemory = raw
      this.maxmemoryBytes = raw === undefined ? 0 : numberOr(this.host.config, 'maxmemory', 0)
    }
    return this.maxmemoryBytes
  }

  policy(): EvictionPolicy {
    const name = this.host.config.get('maxmemory-policy') ?? 'noeviction'
    return isEvictionPolicy(name) ? name : 'noeviction'
  }

  /**
   * performEvictions, run before every command when maxmemory is set: evict
   * until used memory is back under the limit. 'fail' means nothing more can
   * be evicted (noeviction, or no candidate for the policy); 'running' that
   * the time budget ran out and eviction continues on the next turn.
   */
  performEvictions(): EvictionResult {
    // With change notifications and no maxmemory, the check before each command costs one comparison.
    if (this.followed && this.maxmemoryBytes <= 0 && this.continuation === undefined) return 'ok'
    this.refreshTuning()
    const limit = this.maxmemory()
    if (limit <= 0 || this.host.ignoresMaxmemory?.()) return 'ok'
    if (this.usedMemory() <= limit) return 'ok'
    const policy = this.policy()
    if (policy === 'noeviction') return 'fail'
    const budgetUs = this.timeLimitUs()
    const started = performance.now()
    const options = {
      policy,
      samples: Math.max(1, numberOr(this.host.config, 'maxmemory-samples', 5)),
      now: this.host.now(),
      tuning: this.tuning,
      random: this.random,
    }
    let evicted = 0
    while (this.usedMemory() > limit) {
      const victim = this.picker.pick(this.host.databases, options)
      if (!victim) return 'fail'
      // An expired key found here is reclaimed as expired (delete() says false), not counted as evicted.
      if (victim.db.delete(victim.key)) {
        this.host.stats.evictedKeys++
        for (const listener of this.evictedListeners) listener(victim.db, victim.key)
      }
      evicted++
      if (evicted % 16 === 0 && (performance.now() - started) * 1000 > budgetUs) {
        this.continueLater()
        return this.usedMemory() > limit ? 'running' : 'ok'
      }
    }
    return 'ok'
  }

  /** The INFO memory section, Redis 7.0.15's fields in its order. */
  infoLines(): string[] {
    const used = this.usedMemory()
    const process_ = process.memoryUsage()
    const rss = process_.rss
    const overhead = this.overheadBytes()
    const dataset = Math.max(0, used - overhead)
    const netOfStartup = used - USED_MEMORY_STARTUP
    const maxmemory = this.maxmemory()
    const system = totalmem()
    const allocated = process_.heapUsed + process_.external
    const active = process_.heapTotal + process_.external
    const ratio = (a: number, b: number): string => (b > 0 ? a / b : 0).toFixed(2)
    return [
      `used_memory:${used}`,
      `used_memory_human:${bytesToHuman(used)}`,
      `used_memory_rss:${rss}`,
      `used_memory_rss_human:${bytesToHuman(rss)}`,
      `used_memory_peak:${this.peak}`,
      `used_memory_peak_human:${bytesToHuman(this.peak)}`,
      `used_memory_peak_perc:${((used * 100) / this.peak).toFixed(2)}%`,
      `used_memory_overhead:${overhead}`,
      `used_memory_startup:${USED_MEMORY_STARTUP}`,
      `used_memory_dataset:${dataset}`,
      `used_memory_dataset_perc:${netOfStartup > 0 ? ((dataset * 100) / netOfStartup).toFixed(2) : '0.00'}%`,
      `allocator_allocated:${allocated}`,
      `allocator_active:${active}`,
      `allocator_resident:${rss}`,
      `total_system_memory:${system}`,
      `total_system_memory_human:${bytesToHuman(system)}`,
      `used_memory_lua:${LUA_VM_BYTES}`,
      `used_memory_vm_eval:${LUA_VM_BYTES}`,
      `used_memory_lua_human:${bytesToHuman(LUA_VM_BYTES)}`,
      'used_memory_scripts_eval:0',
      'number_of_cached_scripts:0',
      'number_of_functions:0',
      'number_of_libraries:0',
      `used_memory_vm_functions:${FUNCTIONS_VM_BYTES}`,
      `used_memory_vm_total:${LUA_VM_BYTES + FUNCTIONS_VM_BYTES}`,
      `used_memory_vm_total_human:${bytesToHuman(LUA_VM_BYTES + FUNCTIONS_VM_BYTES)}`,
      `used_memory_functions:${SCRIPTS_BYTES}`,
      `used_memory_scripts:${SCRIPTS_BYTES}`,
      `used_memory_scripts_human:${bytesToHuman(SCRIPTS_BYTES)}`,
      `maxmemory:${maxmemory}`,
      `maxmemory_human:${bytesToHuman(maxmemory)}`,
      `maxmemory_policy:${this.policy()}`,
      `allocator_frag_ratio:${ratio(active, allocated)}`,
      `allocator_frag_bytes:${active - allocated}`,
      `allocator_rss_ratio:${ratio(rss, active)}`,
      `allocator_rss_bytes:${rss - active}`,
      `rss_overhead_ratio:${ratio(rss, rss)}`,
      'rss_overhead_bytes:0',
      `mem_fragmentation_ratio:${ratio(rss, used)}`,
      `mem_fragmentation_bytes:${rss - used}`,
      'mem_not_counted_for_evict:0',
      'mem_replication_backlog:0',
      'mem_total_replication_buffers:0',
      'mem_clients_slaves:0',
      'mem_clients_normal:0',
      'mem_cluster_links:0',
      'mem_aof_buffer:0',
      'mem_allocator:libc',
      'active_defrag_running:0',
      'lazyfree_pending_objects:0',
      'lazyfreed_objects:0',
    ]
  }

  /** MEMORY STATS, as Redis 7.0 lays it out (a flat name/value list; per-db overhead nested). */
  statsReply(): Reply {
    const used = this.usedMemory()
    const overhead = this.overheadBytes()
    const dataset = Math.max(0, used - overhead)
    const keys = this.host.databases.reduce((n, db) => n + db.memory.count, 0)
    const int = (v: number): Reply => ({ t: 'int', v })
    const dbl = (v: number): Reply => ({ t: 'double', v })
    const pairs: [string, Reply][] = [
      ['peak.allocated', int(this.peak)],
      ['total.allocated', int(used)],
      ['startup.allocated', int(USED_MEMORY_STARTUP)],
      ['replication.backlog', int(0)],
      ['clients.slaves', int(0)],
      ['clients.normal', int(0)],
      ['cluster.links', int(0)],
      ['aof.buffer', int(0)],
      ['lua.caches', int(0)],
      ['functions.caches', int(SCRIPTS_BYTES)],
    ]
    for (const db of this.host.databases) {
      if (db.memory.count === 0) continue
      pairs.push([
        `db.${db.index}`,
        {
          t: 'map',
          v: [
            [{ t: 'bulk', v: Buffer.from('overhead.hashtable.main') }, int(db.memory.count * DICT_ENTRY_SIZE + db.memory.tableBytes)],
            [{ t: 'bulk', v: Buffer.from('overhead.hashtable.expires') }, int(0)],
            [{ t: 'bulk', v: Buffer.from('overhead.hashtable.slot-to-keys') }, int(0)],
          ],
        } as Reply,
      ])
    }
    const netOfStartup = used - USED_MEMORY_STARTUP
    pairs.push(
      ['overhead.total', int(overhead)],
      ['keys.count', int(keys)],
      ['keys.bytes-per-key', int(keys > 0 ? Math.floor(netOfStartup / keys) : 0)],
      ['dataset.bytes', int(dataset)],
      ['dataset.percentage', dbl(netOfStartup > 0 ? (dataset * 100) / netOfStartup : 0)],
      ['peak.percentage', dbl(this.peak > 0 ? (used * 100) / this.peak : 0)],
    )
    return { t: 'map', v: pairs.map(([name, value]) => [{ t: 'bulk', v: Buffer.from(name) }, value]) } as Reply
  }

  /** used_memory_overhead: the baseline plus the main dicts' entries and buckets (not the keys' data). */
  private overheadBytes(): number {
    let overhead = USED_MEMORY_STARTUP
    for (const db of this.host.databases) overhead += db.memory.count * DICT_ENTRY_SIZE + db.memory.tableBytes
    return overhead
  }

  /** evictionTimeLimitUs: 50 µs per tenacity step up to 10, then growing 15% a step; 100 = unlimited. */
  private timeLimitUs(): number {
    const tenacity = numberOr(this.host.config, 'maxmemory-eviction-tenacity', 10)
    if (tenacity <= 10) return 50 * tenacity
    if (tenacity < 100) return 500 * 1.15 ** (tenacity - 10)
    return Infinity
  }

  /** Like Redis's eviction time proc: keep evicting on later turns until under the limit. */
  private continueLater(): void {
    if (this.continuation) return
    this.continuation = setImmediate(() => {
      this.continuation = undefined
      this.performEvictions()
    })
  }

  /** Follow lfu-log-factor / lfu-decay-time (both runtime settable) without parsing them on every access. */
  private refreshTuning(): void {
    const raw = `${this.host.config.get('lfu-log-factor') ?? ''}/${this.host.config.get('lfu-decay-time') ?? ''}`
    if (raw === this.rawLfu) return
    this.rawLfu = raw
    this.tuning.logFactor = numberOr(this.host.config, 'lfu-log-factor', 10)
    this.tuning.decayMinutes = numberOr(this.host.config, 'lfu-decay-time', 1)
  }
}
