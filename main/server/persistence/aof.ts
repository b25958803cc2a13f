/**
 * The append-only file (aof.c of Redis 7.0): multi-part layout, appending,
 * fsync policy, background rewrite and loading at start.
 *
 * ## Appending
 * Every effect of the propagation stream (replication/propagation.ts) is
 * encoded with SELECT inserted when the db changes and gathered in memory;
 * the gathered bytes are written (writeSync) once per event-loop turn, and
 * server.ts calls flush() before it writes the replies of the turn, so with
 * `appendfsync always` (fsync in flush) no client hears OK for a write the
 * disk does not have, and all clients of a turn share one fsync.
 * `everysec` fsyncs in the thread pool once a second; `no` leaves it to the OS.
 *
 * ## Rewrite without fork()
 * BGREWRITEAOF opens a new incr file at once and records it in the manifest
 * (or, when AOF is being switched on, a temporary incr file the manifest does
 * not name yet): every write from then on goes there. The new base is the
 * snapshot engine's point-in-time image of that same moment, walked in slices
 * (an RDB with `aof-base` = 1, or commands with aof-use-rdb-preamble no) into
 * a temporary file. When it is complete and fsynced it is renamed into the
 * AOF directory and a new manifest (base + the new incr file, the old files
 * as history) replaces the old one atomically: temporary file, fsync, rename,
 * fsync of the directory. Only then are the history files deleted. At every
 * instant the manifest on disk names files that together hold a complete
 * data set, which is what the SIGKILL crash test checks.
 */
import { closeSync, existsSync, fstatSync, fsync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ClientState, ServerContext } from '../context'
import { dispatch } from '../dispatch'
import { StreamEncoder } from '../replication/propagation'
import {
  AofManifestError,
  emptyManifest,
  formatManifest,
  loadOrder,
  manifestFileName,
  parseManifest,
  tempIncrFileName,
  tempManifestFileName,
  withNewBase,
  withNewIncr,
  withRewrittenIncrAsHistory,
  type AofManifest,
} from './aof-manifest'
import { AofLoadError, loadAofFiles, type AofApplier } from './aof-loader'
import { AofCommandWriter } from './aof-command-writer'
import { RdbFileWriter, standardAuxFields } from './rdb-file'
import { loadRdbInto } from './rdb-load'
import { limitsFromConfig } from './value-bridge'
import { runSnapshotSync, startSnapshot, type SnapshotHandle, type SnapshotKeyWriter } from './snapshot'

export { AofLoadError } from './aof-loader'

type AofState = 'off' | 'on' | 'wait-rewrite'

export type RewriteRequest = 'started' | 'scheduled' | 'in-progress' | 'failed'

interface RewriteJob {
  readonly snapshot: SnapshotHandle
  readonly tempBasePath: string
  readonly fd: number
  readonly startedAt: number
  /** Started while AOF was off or being switched on: writes went to the temporary incr file. */
  readonly viaTempIncr: boolean
  readonly rdbPreamble: boolean
}

export interface AofEngineOptions {
  /** True while another background save runs (BGREWRITEAOF is then scheduled, as Redis with a child). */
  readonly otherChildActive?: () => boolean
  /** A write error with appendfsync always (default: exit 1, as Redis). */
  readonly onFatal?: () => void
}

/** Loaded commands run as this client: no socket, never authenticated out, replies dropped (Redis's fake client). */
function loadingClient(): ClientState {
  return { id: 0, name: '', db: 0, protocol: 2, authenticated: true, closeAfterReply: false }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size
  } catch {
    return 0
  }
}

export class AofEngine {
  private state: AofState = 'off'
  private manifest: AofManifest = emptyManifest()
  private fd: number | undefined
  private fdPath = ''
  private readonly encoder = new StreamEncoder()
  private pending: Buffer[] = []
  private pendingBytes = 0
  private flushQueued = false
  private unsynced = false
  private fsyncInFlight = false
  private fsyncTimer: NodeJS.Timeout | undefined
  private unsubscribe: (() => void) | undefined
  private job: RewriteJob | undefined
  private rewriteScheduled = false
  private lastRewriteTimeSec = -1
  private lastRewriteOk = true
  private rewrites = 0
  private consecutiveFailures = 0
  private lastWriteOk = true
  private currentSize = 0
  private baseSize = 0
  private loading = false
  private lastWriteError = ''

  constructor(
    private readonly server: ServerContext,
    private readonly options: AofEngineOptions = {},
  ) {}

  // ---- paths -------------------------------------------------------------------

  private get appendFileName(): string {
    return this.server.config.get('appendfilename') ?? 'appendonly.aof'
  }

  private get workDir(): string {
    return resolve(this.server.config.get('dir') ?? '.')
  }

  /** Absolute appenddirname. */
  get dir(): string {
    return resolve(this.workDir, this.server.config.get('appenddirname') ?? 'appendonlydir')
  }

  private get log() {
    return this.server.core.log
  }

  get enabled(): boolean {
    return this.state !== 'off'
  }

  get rewriteInProgress(): boolean {
    return this.job !== undefined
  }

  // ---- start-up ----------------------------------------------------------------

  /** aofLoadManifestFromDisk: the manifest on disk, or an empty one when there is none. */
  private readManifestFromDisk(): AofManifest {
    const path = join(this.dir, manifestFileName(this.appendFileName))
    if (!existsSync(this.dir)) {
      this.log.notice(`The AOF directory ${this.server.config.get('appenddirname') ?? 'appendonlydir'} doesn't exist`)
      return emptyManifest()
    }
    if (!existsSync(path)) {
      this.log.notice(`The AOF manifest file ${manifestFileName(this.appendFileName)} doesn't exist`)
      return emptyManifest()
    }
    try {
      return parseManifest(readFileSync(path, 'latin1'))
    } catch (e) {
      if (e instanceof AofManifestError) throw new AofLoadError(manifestFileName(this.appendFileName), 0, e.message, `${e.message} (manifest ${path})`)
      throw e
    }
  }

  /**
   * loadDataFromDisk for `appendonly yes`, then aofOpenIfNeededOnServerStart:
   * loads the files the manifest names (true when there were any), creates
   * the base and incr files when missing, and opens the incr file for
   * appending. Throws AofLoadError: the server must not start then.
   */
  loadAndOpenAtStart(): boolean {
    this.manifest = this.readManifestFromDisk()
    this.upgradeOldStyleIfNeeded()
    const loaded = this.loadFiles()
    this.server.dirty = 0
    this.openAtStart()
    return loaded
  }

  /**
   * loadDataFromDisk's AOF branch: false when the files were refused (the
   * reason, file and offset are logged; the server must exit without
   * touching them).
   */
  loadAtStart(): boolean {
    try {
      this.loadAndOpenAtStart()
      return true
    } catch (e) {
      if (!(e instanceof AofLoadError)) throw e
      this.log.warning(e.message)
      return false
    }
  }

  /**
   * A single `appendonly.aof` in `dir` (Redis before 7, possibly with an RDB
   * preamble) becomes the base of a new manifest, in loadAppendOnlyFiles'
   * three situations; aofUpgradePrepare writes the manifest first, then moves
   * the file, so a crash in between still finds the old file where it was.
   */
  private upgradeOldStyleIfNeeded(): void {
    const name = this.appendFileName
    const old = join(this.workDir, name)
    if (!existsSync(old)) return
    const m = this.manifest
    const dirMissing = !existsSync(this.dir)
    const noFiles = !m.base && m.incr.length === 0
    const onlyOldBase = m.base?.fileName === name && m.incr.length === 0 && !existsSync(join(this.dir, name))
    if (!dirMissing && !noFiles && !onlyOldBase) return
    mkdirSync(this.dir, { recursive: true })
    this.manifest = { ...emptyManifest(), base: { fileName: name, seq: 1, type: 'b' }, currentBaseSeq: 1 }
    this.persistManifest(this.manifest)
    renameSync(old, join(this.dir, name))
    this.log.notice(`Successfully migrated an old-style AOF into the AOF directory ${this.server.config.get('appenddirname') ?? 'appendonlydir'}.`)
  }

  private loadFiles(): boolean {
    const client = loadingClient()
    const server = this.server
    const applier: AofApplier = {
      knows: (argv) => server.core.commands.lookup(argv) !== undefined,
      apply: (argv) => {
        const db = server.databases[client.db] ?? server.databases[0]
        dispatch(server.core.commands, { argv, client, server, db }, false)
      },
      loadRdb: (bytes, fileName) => {
        const stats = loadRdbInto(bytes, server.databases, {
          fileName,
          limits: limitsFromConfig(server.config),
          now: server.now(),
          // rdbLoadRio keeps expired keys of an AOF preamble (RDBFLAGS_AOF_PREAMBLE).
          dropExpired: false,
          log: this.log,
        })
        this.log.notice(`Done loading RDB, keys loaded: ${stats.keysLoaded}, keys expired: ${stats.keysExpired}.`)
        return stats.length
      },
    }
    this.loading = true
    try {
      const loaded = loadAofFiles(this.manifest, {
        dir: this.dir,
        loadTruncated: this.server.config.bool('aof-load-truncated'),
        log: this.log,
        applier,
      })
      this.baseSize = this.manifest.base ? fileSize(join(this.dir, this.manifest.base.fileName)) : 0
      this.currentSize = loadOrder(this.manifest).reduce((n, f) => n + fileSize(join(this.dir, f.fileName)), 0)
      return loaded
    } finally {
      this.loading = false
    }
  }

  private openAtStart(): void {
    mkdirSync(this.dir, { recursive: true })
    if (!this.manifest.base && this.manifest.incr.length === 0) {
      // With an empty data set Redis forces a base file, so the manifest always has one.
      const next = withNewBase(this.manifest, this.appendFileName, this.server.config.bool('aof-use-rdb-preamble'))
      const base = next.base
      if (!base) throw new Error('no base after withNewBase')
      this.writeBaseSync(join(this.dir, base.fileName), this.server.config.bool('aof-use-rdb-preamble'))
      this.manifest = next
      this.baseSize = fileSize(join(this.dir, base.fileName))
      this.currentSize = this.baseSize
      this.log.notice(`Creating AOF base file ${base.fileName} on server start`)
    }
    const hadIncr = this.manifest.incr.length > 0
    if (!hadIncr) this.manifest = withNewIncr(this.manifest, this.appendFileName)
    const incr = this.manifest.incr[this.manifest.incr.length - 1]
    this.openIncr(join(this.dir, incr.fileName))
    this.persistManifest(this.manifest)
    this.log.notice(`${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr.fileName} on server start`)
    this.deleteHistoryFiles()
    this.state = 'on'
    this.subscribe()
  }

  // ---- appending ---------------------------------------------------------------

  private subscribe(): void {
    if (this.unsubscribe) return
    const propagation = this.server.propagation
    // 'replicas'-only effects (PUBLISH) are not data: Redis keeps them out of the AOF.
    if (propagation) {
      this.unsubscribe = propagation.subscribe((dbIndex, argv, target) => {
        if (target === 'all') this.feed(dbIndex, argv)
      })
    }
    this.startFsyncTimer()
  }

  private unsubscribeAll(): void {
    this.unsubscribe?.()
    this.unsubscribe = undefined
    if (this.fsyncTimer) clearInterval(this.fsyncTimer)
    this.fsyncTimer = undefined
  }

  private startFsyncTimer(): void {
    if (this.fsyncTimer) return
    this.fsyncTimer = setInterval(() => this.backgroundFsync(), 1000)
    this.fsyncTimer.unref()
  }

  /** feedAppendOnlyFile: one effect of the propagation stream. */
  feed(dbIndex: number, argv: readonly Buffer[]): void {
    // While switching on, writes before the rewrite began are in its snapshot (feedAppendOnlyFile's AOF_WAIT_REWRITE rule).
    if (this.loading || this.fd === undefined || (this.state === 'wait-rewrite' && !this.job)) return
    const bytes = this.encoder.encode(dbIndex, argv)
    this.pending.push(bytes)
    this.pendingBytes += bytes.length
    // One write (and with `always` one fsync) per event-loop turn for all clients, as Redis's beforeSleep;
    // server.ts also flushes the AOF before it writes any reply, whichever immediate runs first.
    if (!this.flushQueued) {
      this.flushQueued = true
      setImmediate(() => this.flush())
    }
  }

  /** flushAppendOnlyFile: write what was gathered; fsync now with `always`. */
  flush(): void {
    this.flushQueued = false
    if (this.pending.length === 0 || this.fd === undefined) return
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes)
    let written = 0
    try {
      while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written)
      this.pending = []
      this.pendingBytes = 0
      this.currentSize += bytes.length
      if (!this.lastWriteOk) this.log.warning('AOF write error looks solved, Redis can write again.')
      this.lastWriteOk = true
      this.lastWriteError = ''
    } catch (e) {
      this.writeFailed(e as NodeJS.ErrnoException, written)
      return
    }
    if (this.server.config.get('appendfsync') === 'always') {
      fsyncSync(this.fd)
      this.unsynced = false
    } else this.unsynced = true
  }

  /**
   * flushAppendOnlyFile's error path: a partial write is cut back so the file
   * never holds half a command; the bytes stay gathered and are retried from
   * cron, while write commands get MISCONF. With `always` a client may have
   * been promised durability already: Redis exits, and so does this.
   */
  private writeFailed(e: NodeJS.ErrnoException, written: number): void {
    const fd = this.fd
    if (fd !== undefined && written > 0) {
      try {
        ftruncateSync(fd, fstatSync(fd).size - written)
      } catch {
        this.log.warning('Could not remove short write from the append-only file.')
      }
    }
    this.lastWriteOk = false
    this.lastWriteError = errnoText(e)
    if (this.server.config.get('appendfsync') === 'always') {
      this.log.warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
      if (this.options.onFatal) this.options.onFatal()
      else process.exit(1)
      return
    }
    this.log.warning(`Error writing to the AOF file: ${this.lastWriteError}`)
  }

  /** writeCommandsDeniedByDiskError for the AOF: the reason write commands are refused, or undefined. */
  writeError(): string | undefined {
    return this.state !== 'off' && !this.lastWriteOk ? this.lastWriteError : undefined
  }

  private backgroundFsync(): void {
    if (!this.unsynced || this.fsyncInFlight || this.fd === undefined) return
    if (this.server.config.get('appendfsync') !== 'everysec') return
    if (this.job && this.server.config.bool('no-appendfsync-on-rewrite')) return
    this.unsynced = false
    this.fsyncInFlight = true
    fsync(this.fd, () => {
      this.fsyncInFlight = false
    })
  }

  private openIncr(path: string): void {
    this.closeIncr()
    this.fd = openSync(path, 'a')
    this.fdPath = path
    // The next effect starts with a SELECT, as Redis resets aof_selected_db.
    this.encoder.reset()
  }

  private closeIncr(): void {
    if (this.fd === undefined) return
    this.flush()
    try {
      fsyncSync(this.fd)
    } catch {
      // A failing fsync at close leaves the data to the OS, which is all 'no' promises anyway.
    }
    closeSync(this.fd)
    this.fd = undefined
    this.fdPath = ''
  }

  // ---- manifest ----------------------------------------------------------------

  /** persistAofManifest: temporary file, fsync, rename, fsync of the directory. */
  private persistManifest(m: AofManifest): void {
    const temp = join(this.dir, tempManifestFileName(this.appendFileName))
    const fd = openSync(temp, 'w')
    try {
      writeSync(fd, formatManifest(m), null, 'latin1')
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, join(this.dir, manifestFileName(this.appendFileName)))
    fsyncDir(this.dir)
  }

  /** aofDelHistoryFiles (unless aof-disable-auto-gc): the manifest first drops them, then they go. */
  private deleteHistoryFiles(): void {
    if (this.server.config.bool('aof-disable-auto-gc') || this.manifest.history.length === 0) return
    const history = this.manifest.history
    this.manifest = { ...this.manifest, history: [] }
    this.persistManifest(this.manifest)
    for (const h of history) {
      this.log.notice(`Removing the history file ${h.fileName} in the background`)
      rmSync(join(this.dir, h.fileName), { force: true })
    }
  }

  // ---- base files --------------------------------------------------------------

  private baseWriter(sink: (chunk: Buffer) => void, rdbPreamble: boolean): SnapshotKeyWriter {
    if (!rdbPreamble) return new AofCommandWriter(sink)
    return new RdbFileWriter(sink, {
      compression: this.server.config.bool('rdbcompression'),
      checksum: this.server.config.bool('rdbchecksum'),
      limits: limitsFromConfig(this.server.config),
    })
  }

  private baseAux(rdbPreamble: boolean): [string, string][] {
    if (!rdbPreamble) return []
    return standardAuxFields({ nowMs: Date.now(), usedMemory: this.usedMemory(), aofBase: true })
  }

  private usedMemory(): number {
    return this.server.memory?.usedMemory() ?? process.memoryUsage().heapUsed
  }

  /** rewriteAppendOnlyFile in the foreground (only for the empty base at start). */
  private writeBaseSync(path: string, rdbPreamble: boolean): void {
    const temp = `${path}.tmp`
    const fd = openSync(temp, 'w')
    try {
      runSnapshotSync(this.server.databases, {
        writer: this.baseWriter((chunk) => writeAll(fd, chunk), rdbPreamble),
        aux: this.baseAux(rdbPreamble),
      })
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(temp, path)
  }

  // ---- rewrite -----------------------------------------------------------------

  /** BGREWRITEAOF (and the automatic / switch-on rewrites). */
  requestRewrite(): RewriteRequest {
    if (this.job) return 'in-progress'
    if (this.options.otherChildActive?.()) {
      this.rewriteScheduled = true
      return 'scheduled'
    }
    try {
      this.startRewrite()
      return 'started'
    } catch (e) {
      this.log.warning(`Can't rewrite append only file in background: ${(e as Error).message}`)
      this.rewriteFailed()
      return 'failed'
    }
  }

  private startRewrite(): void {
    mkdirSync(this.dir, { recursive: true })
    this.flush()
    const viaTempIncr = this.state === 'wait-rewrite'
    if (this.state === 'on') {
      // flushAppendOnlyFile + openNewIncrAofForAppend: the new incr file is in the manifest before the rewrite begins.
      const next = withNewIncr(this.manifest, this.appendFileName)
      const incr = next.incr[next.incr.length - 1]
      this.openIncr(join(this.dir, incr.fileName))
      this.persistManifest(next)
      this.manifest = next
      this.log.notice(`Creating AOF incr file ${incr.fileName} on background rewrite`)
    } else if (viaTempIncr) {
      const name = tempIncrFileName(this.appendFileName)
      rmSync(join(this.dir, name), { force: true })
      this.openIncr(join(this.dir, name))
      this.log.notice(`Creating AOF incr file ${name} on background rewrite`)
    }
    const rdbPreamble = this.server.config.bool('aof-use-rdb-preamble')
    const tempBasePath = join(this.workDir, `temp-rewriteaof-bg-${process.pid}.aof`)
    const fd = openSync(tempBasePath, 'w')
    const startedAt = Date.now()
    let failure: Error | undefined
    const sink = (chunk: Buffer): void => {
      if (failure) return
      try {
        writeAll(fd, chunk)
      } catch (e) {
        failure = e as Error
      }
    }
    // Should the engine ever finish inside startSnapshot, the outcome waits until the job is recorded.
    let early: { err: Error | undefined } | undefined
    const snapshot = startSnapshot(this.server.databases, {
      writer: this.baseWriter(sink, rdbPreamble),
      aux: this.baseAux(rdbPreamble),
      keyDelayUs: this.server.config.number('rdb-key-save-delay'),
      onDone: (err) => {
        if (this.job?.snapshot === snapshot) this.rewriteDone(err ?? failure)
        else early = { err: err ?? failure }
      },
    })
    this.job = { snapshot, tempBasePath, fd, startedAt, viaTempIncr, rdbPreamble }
    this.log.notice('Background append only file rewriting started')
    if (early) this.rewriteDone(early.err)
  }

  /** backgroundRewriteDoneHandler. */
  private rewriteDone(err: Error | undefined): void {
    const job = this.job
    if (!job) return
    this.job = undefined
    try {
      if (err) throw err
      fsyncSync(job.fd)
      closeSync(job.fd)
      this.log.notice(`Successfully created the temporary AOF base file ${tempName(job.tempBasePath)}`)
      this.log.notice('Background AOF rewrite terminated with success')
      this.installRewrite(job)
      this.lastRewriteTimeSec = Math.floor((Date.now() - job.startedAt) / 1000)
      this.lastRewriteOk = true
      this.consecutiveFailures = 0
      this.rewrites++
      this.log.notice('Background AOF rewrite finished successfully')
    } catch (e) {
      try {
        closeSync(job.fd)
      } catch {
        // Already closed when the failure came after closing.
      }
      rmSync(job.tempBasePath, { force: true })
      this.log.warning(`Background AOF rewrite failed: ${(e as Error).message}`)
      this.rewriteFailed()
    }
    this.startScheduledRewrite()
  }

  private rewriteFailed(): void {
    this.lastRewriteOk = false
    this.consecutiveFailures++
    this.rewrites++
    // Switching AOF on needs its base: try again from cron, as Redis does.
    if (this.state === 'wait-rewrite') this.rewriteScheduled = true
  }

  /** Rename the new base in, point a new manifest at it, then drop the history. */
  private installRewrite(job: RewriteJob): void {
    let next = withNewBase(this.manifest, this.appendFileName, job.rdbPreamble)
    const base = next.base
    if (!base) throw new Error('no base after withNewBase')
    renameSync(job.tempBasePath, join(this.dir, base.fileName))
    this.log.notice(`Successfully renamed the temporary AOF base file ${tempName(job.tempBasePath)} into ${base.fileName}`)
    if (job.viaTempIncr && this.state === 'wait-rewrite') {
      next = withNewIncr(withRewrittenIncrAsHistory(next, false), this.appendFileName)
      const incr = next.incr[next.incr.length - 1]
      const tempIncr = tempIncrFileName(this.appendFileName)
      this.flush()
      renameSync(join(this.dir, tempIncr), join(this.dir, incr.fileName))
      // The open descriptor follows the file through the rename.
      this.fdPath = join(this.dir, incr.fileName)
      this.log.notice(`Successfully renamed the temporary AOF incr file ${tempIncr} into ${incr.fileName}`)
    } else {
      next = withRewrittenIncrAsHistory(next, this.state === 'on')
    }
    this.persistManifest(next)
    this.manifest = next
    if (this.state === 'wait-rewrite') this.state = 'on'
    // backgroundRewriteDoneHandler: the growth that triggers the next automatic rewrite counts from base + the incr written meanwhile.
    this.currentSize = fileSize(join(this.dir, base.fileName)) + (this.state === 'on' && this.fd !== undefined ? fstatSync(this.fd).size : 0)
    this.baseSize = this.currentSize
    this.deleteHistoryFiles()
  }

  private startScheduledRewrite(): void {
    if (!this.rewriteScheduled || this.job || this.options.otherChildActive?.()) return
    this.rewriteScheduled = false
    this.requestRewrite()
  }

  /** serverCron's AOF duties: scheduled rewrites and auto-aof-rewrite-percentage. */
  cron(): void {
    // serverCron retries a failed AOF write (the bytes were kept).
    if (!this.lastWriteOk && this.pending.length > 0) this.flush()
    this.startScheduledRewrite()
    if (this.state !== 'on' || this.job || this.options.otherChildActive?.()) return
    const percentage = this.server.config.number('auto-aof-rewrite-percentage')
    const minSize = this.server.config.number('auto-aof-rewrite-min-size')
    if (percentage <= 0 || this.currentSize <= minSize) return
    const base = this.baseSize > 0 ? this.baseSize : 1
    const growth = Math.floor((this.currentSize * 100) / base) - 100
    if (growth >= percentage) {
      this.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`)
      this.requestRewrite()
    }
  }

  /** The rewrite of a switch-on waits for BGSAVE; called when a background save ends. */
  otherChildDone(): void {
    this.startScheduledRewrite()
  }

  // ---- switching on and off at runtime -----------------------------------------

  /** CONFIG SET appendonly: startAppendOnly / stopAppendOnly. Throws to refuse the change. */
  setEnabled(on: boolean): void {
    if (on && this.state === 'off') this.startAppendOnly()
    else if (!on && this.state !== 'off') this.stopAppendOnly()
  }

  /**
   * restartAOFAfterSYNC: a replica that just replaced its data set by a full
   * sync starts its AOF over from a rewrite of the new data (the old files
   * describe a data set that no longer exists). For the replication layer.
   */
  restartAfterFullSync(): void {
    if (this.state === 'off') return
    this.stopAppendOnly()
    this.startAppendOnly()
  }

  private startAppendOnly(): void {
    mkdirSync(this.dir, { recursive: true })
    if (existsSync(join(this.dir, manifestFileName(this.appendFileName)))) {
      try {
        this.manifest = this.readManifestFromDisk()
      } catch {
        this.manifest = emptyManifest()
      }
    }
    if (this.job) {
      // A rewrite started while AOF was off cannot serve as the base: the writes since went nowhere.
      this.killRewrite()
    }
    this.state = 'wait-rewrite'
    this.subscribe()
    const result = this.requestRewrite()
    if (result === 'failed') {
      this.stopAppendOnly()
      throw new Error("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.")
    }
  }

  private stopAppendOnly(): void {
    this.flush()
    if (this.job) this.killRewrite()
    this.closeIncr()
    if (this.state === 'wait-rewrite') rmSync(join(this.dir, tempIncrFileName(this.appendFileName)), { force: true })
    this.state = 'off'
    this.rewriteScheduled = false
    this.unsubscribeAll()
  }

  private killRewrite(): void {
    const job = this.job
    if (!job) return
    this.job = undefined
    job.snapshot.cancel()
    try {
      closeSync(job.fd)
    } catch {
      // Nothing left to close.
    }
    rmSync(job.tempBasePath, { force: true })
    this.log.notice('Killing running AOF rewrite child')
  }

  /** SHUTDOWN / close: what was gathered reaches the file and the disk. */
  close(): void {
    if (this.job) this.killRewrite()
    this.closeIncr()
    this.unsubscribeAll()
  }

  // ---- INFO --------------------------------------------------------------------

  /** INFO persistence's AOF fields, from aof_enabled on, in Redis 7.0's order. */
  infoLines(): string[] {
    const now = Date.now()
    const lines = [
      `aof_enabled:${this.state !== 'off' ? 1 : 0}`,
      `aof_rewrite_in_progress:${this.job ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteTimeSec}`,
      `aof_current_rewrite_time_sec:${this.job ? Math.floor((now - this.job.startedAt) / 1000) : -1}`,
      `aof_last_bgrewrite_status:${this.lastRewriteOk ? 'ok' : 'err'}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.lastWriteOk ? 'ok' : 'err'}`,
      'aof_last_cow_size:0',
      'module_fork_in_progress:0',
      'module_fork_last_cow_size:0',
    ]
    if (this.state !== 'off') {
      lines.push(
        `aof_current_size:${this.currentSize + this.pendingBytes}`,
        `aof_base_size:${this.baseSize}`,
        `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
        `aof_buffer_length:${this.pendingBytes}`,
        `aof_pending_bio_fsync:${this.fsyncInFlight ? 1 : 0}`,
        'aof_delayed_fsync:0',
      )
    }
    return lines
  }

  /** For tests and the log: the files the manifest names now. */
  describe(): { manifest: string; incrPath: string } {
    return { manifest: formatManifest(this.manifest), incrPath: this.fdPath }
  }
}

/** strerror() of the usual disk failures, as Redis prints them. */
function errnoText(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOSPC: 'No space left on device',
    EIO: 'Input/output error',
    EDQUOT: 'Disk quota exceeded',
    EBADF: 'Bad file descriptor',
    EFBIG: 'File too large',
    EROFS: 'Read-only file system',
  }
  return (e.code && known[e.code]) ?? e.message
}

function writeAll(fd: number, chunk: Buffer): void {
  let written = 0
  while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written)
}

function tempName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}
