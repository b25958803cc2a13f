/**
 * BGSAVE (rdbSaveBackground of Redis 7.0.15) on the snapshot engine: the
 * point-in-time image is walked in slices (snapshot.ts) into
 * `temp-bg-<pid>.rdb`, fsynced and renamed over `dbfilename` (CrashSafeFile,
 * the same helper as SAVE), while the server keeps serving.
 *
 *   const bg = bgsaveService(server)   // one per server
 *   bg.request({ schedule, inExec })   // BGSAVE [SCHEDULE]: 'started' | 'scheduled' | 'in-progress' | 'busy' | 'failed'
 *   bg.cron()                          // serverCron's part: a scheduled BGSAVE, then `save` points
 *   bg.cancel()                        // shutdown: stop and remove the temp file
 *   bg.inProgress / bg.progress()
 *
 * Bookkeeping lives in server.persistence (state.ts): bgsaveInProgress,
 * lastBgsaveOk, lastBgsaveSeconds, lastSaveTime, saves. Redis counts
 * rdb_saves when a save starts (a failed one too), and after success
 * subtracts the dirty count it had at the start.
 */
import type { ServerContext } from '../context'
import { CrashSafeFile, auxFieldsFor, rdbPath } from './rdb-save'
import { RdbFileWriter } from './rdb-file'
import { limitsFromConfig } from './value-bridge'
import { startSnapshot, type SnapshotHandle } from './snapshot'
import { savePoints } from './save-points'

/** CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long before trying again. */
const RETRY_DELAY_SEC = 5

export type BgsaveRequest = 'started' | 'scheduled' | 'in-progress' | 'busy' | 'failed'

interface Job {
  readonly snapshot: SnapshotHandle
  readonly file: CrashSafeFile
  readonly dirtyAtStart: number
  readonly startedAtMs: number
  readonly keysTotal: number
  cancelled: boolean
}

export class BgsaveService {
  private job: Job | undefined
  /** rdb_bgsave_scheduled: start as soon as no other background job runs. */
  scheduled = false
  /** lastbgsave_try, unix seconds. */
  private lastTry = 0
  /** Resolves when the running BGSAVE is over (tests, shutdown). */
  private waiters: (() => void)[] = []

  constructor(private readonly server: ServerContext) {}

  get inProgress(): boolean {
    return this.job !== undefined
  }

  /** current_save_keys_processed / current_save_keys_total while a BGSAVE runs. */
  progress(): { processed: number; total: number } {
    return this.job ? { processed: this.job.snapshot.keysWritten, total: this.job.keysTotal } : { processed: 0, total: 0 }
  }

  /** rdb_current_bgsave_time_sec. */
  currentSeconds(): number {
    return this.job ? Math.floor((Date.now() - this.job.startedAtMs) / 1000) : -1
  }

  /** bgsaveCommand's decision. */
  request(options: { schedule: boolean; inExec: boolean }): BgsaveRequest {
    // A diskless replication transfer is an RDB job too (it sets bgsaveInProgress): one snapshot at a time.
    if (this.job || this.server.persistence?.bgsaveInProgress) return 'in-progress'
    if (this.otherJobActive() || options.inExec) {
      if (!options.schedule && !options.inExec) return 'busy'
      this.scheduled = true
      return 'scheduled'
    }
    return this.start() ? 'started' : 'failed'
  }

  /** serverCron: a scheduled BGSAVE, else a `save` point that is due. Runs every 100 ms. */
  cron(): void {
    if (this.job || this.otherJobActive()) return
    const nowSec = Math.floor(Date.now() / 1000)
    const state = this.server.persistence
    const retryOk = nowSec - this.lastTry > RETRY_DELAY_SEC || (state?.lastBgsaveOk ?? true)
    if (this.scheduled && retryOk) {
      this.scheduled = false
      this.start()
      return
    }
    const lastSave = state?.lastSaveTime ?? Math.floor(this.server.core.startedAt / 1000)
    for (const point of savePoints(this.server.config.get('save') ?? '')) {
      if (this.server.dirty >= point.changes && nowSec - lastSave > point.seconds && retryOk) {
        this.server.core.log.notice(`${point.changes} changes in ${point.seconds} seconds. Saving...`)
        this.start()
        return
      }
    }
  }

  /** Stops a running BGSAVE (SHUTDOWN, server close): the temp file goes, the dump on disk stays as it was. */
  cancel(): void {
    const job = this.job
    if (!job) return
    this.server.core.log.warning('There is a child saving an .rdb. Killing it!')
    job.cancelled = true
    job.snapshot.cancel()
    job.file.abort()
    this.finish(job, undefined)
  }

  /** Resolves once no BGSAVE runs. */
  idle(): Promise<void> {
    if (!this.job) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  private otherJobActive(): boolean {
    return (this.server.aof?.rewriteInProgress ?? false) || (!this.job && (this.server.persistence?.bgsaveInProgress ?? false))
  }

  /** rdbSaveBackground. False when the temp file cannot be opened (logged as Redis does). */
  private start(): boolean {
    const server = this.server
    const log = server.core.log
    const state = server.persistence
    this.lastTry = Math.floor(Date.now() / 1000)
    if (state) state.saves++
    let file: CrashSafeFile
    try {
      file = CrashSafeFile.create(rdbPath(server), `temp-bg-${process.pid}.rdb`)
    } catch (e) {
      log.warning(`Failed opening the temp RDB file temp-bg-${process.pid}.rdb (in server root dir ${process.cwd()}) for saving: ${(e as Error).message}`)
      if (state) state.lastBgsaveOk = false
      return false
    }
    const writer = new RdbFileWriter((chunk) => file.write(chunk), {
      compression: server.config.bool('rdbcompression'),
      checksum: server.config.bool('rdbchecksum'),
      limits: limitsFromConfig(server.config),
    })
    let keysTotal = 0
    for (const db of server.databases) keysTotal += db.storedKeyCount
    const startedAtMs = Date.now()
    const dirtyAtStart = server.dirty
    const job: Job = {
      file,
      dirtyAtStart,
      startedAtMs,
      keysTotal,
      cancelled: false,
      snapshot: startSnapshot(server.databases, {
        writer,
        aux: auxFieldsFor(server),
        keyDelayUs: server.config.number('rdb-key-save-delay'),
        onDone: (err) => void this.complete(job, err),
      }),
    }
    this.job = job
    if (state) {
      state.bgsaveInProgress = true
      state.bgsaveStartedAt = performance.now()
    }
    log.notice(`Background saving started by pid ${process.pid}`)
    return true
  }

  /** The walk is over: make the file durable and visible, then backgroundSaveDoneHandler. */
  private async complete(job: Job, err: Error | undefined): Promise<void> {
    const log = this.server.core.log
    if (!err) {
      try {
        await job.file.commitAsync()
        if (job.cancelled) return
        log.notice('DB saved on disk')
      } catch (e) {
        err = e instanceof Error ? e : new Error(String(e))
        if (job.cancelled) return
        const code = (e as NodeJS.ErrnoException).code
        if (code !== undefined && (e as NodeJS.ErrnoException).syscall === 'rename') {
          log.warning(
            `Error moving temp DB file ${job.file.tempName} on the final destination ${this.server.config.get('dbfilename') ?? 'dump.rdb'} (in server root dir ${process.cwd()}): ${describeErrno(e as NodeJS.ErrnoException)}`,
          )
        } else {
          log.warning(`Write error saving DB on disk: ${err.message}`)
        }
      }
    } else {
      log.warning(`Write error saving DB on disk: ${err.message}`)
    }
    if (err) job.file.abort()
    this.finish(job, err)
  }

  private finish(job: Job, err: Error | undefined): void {
    if (this.job !== job) return
    this.job = undefined
    const state = this.server.persistence
    const log = this.server.core.log
    if (state) {
      state.bgsaveInProgress = false
      state.lastBgsaveSeconds = Math.floor((Date.now() - job.startedAtMs) / 1000)
    }
    if (job.cancelled) {
      // killRDBChild: the save simply did not happen; its status is left as it was.
    } else if (!err) {
      log.notice('Background saving terminated with success')
      this.server.dirty = Math.max(0, this.server.dirty - job.dirtyAtStart)
      if (state) {
        state.lastSaveTime = Math.floor(Date.now() / 1000)
        state.lastBgsaveOk = true
      }
    } else {
      log.warning('Background saving error')
      if (state) state.lastBgsaveOk = false
    }
    for (const resolve of this.waiters.splice(0)) resolve()
  }
}

/** strerror's wording for the errno codes a rename can meet. */
function describeErrno(e: NodeJS.ErrnoException): string {
  const texts: Record<string, string> = {
    EISDIR: 'Is a directory',
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    ENOSPC: 'No space left on device',
    EXDEV: 'Invalid cross-device link',
    ENOTDIR: 'Not a directory',
  }
  return (e.code && texts[e.code]) ?? e.message
}

const services = new WeakMap<ServerContext, BgsaveService>()

/** The BGSAVE service of `server`, created on first use. */
export function bgsaveService(server: ServerContext): BgsaveService {
  let service = services.get(server)
  if (!service) {
    service = new BgsaveService(server)
    services.set(server, service)
  }
  return service
}

/**
 * writeCommandsDeniedByDiskError for RDB: with `stop-writes-on-bgsave-error
 * yes`, save points configured and the last background save failed, write
 * commands (and PING, as processCommand does) are refused with MISCONF.
 */
export function writesDeniedByDiskError(server: ServerContext): boolean {
  const state = server.persistence
  if (!state || state.lastBgsaveOk) return false
  if (!server.config.bool('stop-writes-on-bgsave-error')) return false
  return savePoints(server.config.get('save') ?? '').length > 0
}

export const MISCONF_TEXT =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
