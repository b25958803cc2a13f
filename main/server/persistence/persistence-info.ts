/**
 * INFO persistence (genRedisInfoString of Redis 7.0.15), in its field order:
 * loading, the current save's progress, the rdb_* fields from the persistence
 * state and the BGSAVE service, then the AOF engine's own lines (from
 * aof_enabled on), or Redis's values for an AOF that is off when the server
 * has no AOF engine.
 *
 *   installPersistenceInfo(server)   // at start: owns the section through core.setInfoSection
 */
import type { ServerContext } from '../context'
import { bgsaveService } from './bgsave'

/** Redis's INFO lines from aof_enabled on for an AOF that is off (also the fallback section in info.ts). */
export const AOF_OFF_LINES: readonly string[] = [
  'aof_enabled:0',
  'aof_rewrite_in_progress:0',
  'aof_rewrite_scheduled:0',
  'aof_last_rewrite_time_sec:-1',
  'aof_current_rewrite_time_sec:-1',
  'aof_last_bgrewrite_status:ok',
  'aof_rewrites:0',
  'aof_rewrites_consecutive_failures:0',
  'aof_last_write_status:ok',
  'aof_last_cow_size:0',
  'module_fork_in_progress:0',
  'module_fork_last_cow_size:0',
]

export function persistenceInfoLines(server: ServerContext): string[] {
  const state = server.persistence
  const bg = bgsaveService(server)
  const { processed, total } = bg.progress()
  const percent = total > 0 ? (processed * 100) / total : 0
  return [
    'loading:0',
    'async_loading:0',
    'current_cow_peak:0',
    'current_cow_size:0',
    'current_cow_size_age:0',
    `current_fork_perc:${percent.toFixed(2)}`,
    `current_save_keys_processed:${processed}`,
    `current_save_keys_total:${total}`,
    `rdb_changes_since_last_save:${server.dirty}`,
    `rdb_bgsave_in_progress:${bg.inProgress ? 1 : 0}`,
    `rdb_last_save_time:${state?.lastSaveTime ?? Math.floor(server.core.startedAt / 1000)}`,
    `rdb_last_bgsave_status:${state?.lastBgsaveOk === false ? 'err' : 'ok'}`,
    `rdb_last_bgsave_time_sec:${state?.lastBgsaveSeconds ?? -1}`,
    `rdb_current_bgsave_time_sec:${bg.currentSeconds()}`,
    `rdb_saves:${state?.saves ?? 0}`,
    'rdb_last_cow_size:0',
    `rdb_last_load_keys_expired:${state?.rdbLastLoadKeysExpired ?? 0}`,
    `rdb_last_load_keys_loaded:${state?.rdbLastLoadKeysLoaded ?? 0}`,
    ...(server.aof ? server.aof.infoLines() : AOF_OFF_LINES),
  ]
}

export function installPersistenceInfo(server: ServerContext): void {
  server.core.setInfoSection('persistence', () => persistenceInfoLines(server))
}
