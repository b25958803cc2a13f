/**
 * The server's RDB bookkeeping shared by SAVE (rdb-save.ts, commands/
 * persistence.ts), BGSAVE (the snapshot engine's owner), LASTSAVE, SHUTDOWN
 * and INFO persistence: reached as `ctx.server.persistence` (optional in
 * test fakes). Plain fields, so each layer updates what it owns:
 *
 * - a foreground or background save that succeeded calls `saved(now, dirtyAtStart)`
 * - BGSAVE sets `bgsaveInProgress` / `bgsaveStartedAt` and, when it ends,
 *   `lastBgsaveOk` / `lastBgsaveSeconds`
 * - the start-up load records `lastLoadKeysLoaded` / `lastLoadKeysExpired`
 */
export class PersistenceState {
  /** Unix seconds of the last successful save (LASTSAVE, rdb_last_save_time); the start time until then. */
  lastSaveTime: number
  /** rdb_saves: successful saves (foreground and background). */
  saves = 0
  /** rdb_bgsave_in_progress: SAVE and a second BGSAVE refuse while it is set. */
  bgsaveInProgress = false
  /** performance.now() when the running BGSAVE began. */
  bgsaveStartedAt = 0
  /** rdb_last_bgsave_status. */
  lastBgsaveOk = true
  /** rdb_last_bgsave_time_sec: -1 until one finished. */
  lastBgsaveSeconds = -1
  rdbLastLoadKeysLoaded = 0
  rdbLastLoadKeysExpired = 0

  constructor(startedAtMs: number) {
    this.lastSaveTime = Math.floor(startedAtMs / 1000)
  }

  /**
   * After a successful save that began when the server had `dirtyAtStart`
   * changes: what was written is no longer dirty (writes made during a
   * background save stay counted, as Redis's dirty - dirty_before_bgsave).
   */
  saved(server: { dirty: number }, nowMs: number, dirtyAtStart: number): void {
    server.dirty = Math.max(0, server.dirty - dirtyAtStart)
    this.lastSaveTime = Math.floor(nowMs / 1000)
    this.saves++
  }
}
