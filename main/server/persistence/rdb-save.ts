/**
 * Crash-safe RDB files (rdbSave of Redis 7.0.15): the image goes to
 * `temp-<pid>.rdb` in the working directory (`dir`), is fsynced, renamed over
 * `dbfilename`, and the directory is fsynced so the rename itself survives a
 * power cut. A SIGKILL at any moment leaves either the previous dump or the
 * new one, never a partial file under the final name.
 *
 *   const file = CrashSafeFile.create(finalPath)   // opens temp-<pid>.rdb next to it
 *   file.write(chunk)                              // synchronous, as chunks come from RdbFileWriter
 *   file.commit()  or  await file.commitAsync()    // fsync + rename + fsync(dir)
 *   file.abort()                                   // close and remove the temp file
 *
 * `saveRdbSync` is SAVE / SHUTDOWN SAVE: the whole dataset written in one go.
 */
import { close, closeSync, fsync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { promisify } from 'node:util'
import { basename, dirname, join, resolve } from 'node:path'
import type { ServerContext } from '../context'
import type { Database } from '../store/database'
import { keyBuffer } from '../store/database'
import { RdbFileWriter, standardAuxFields } from './rdb-file'
import { limitsFromConfig } from './value-bridge'

export class CrashSafeFile {
  private closed = false
  private constructor(
    readonly finalPath: string,
    readonly tempPath: string,
    private fd: number,
  ) {}

  /** Opens (truncating) the temp file next to `finalPath`; `tempName` defaults to Redis's temp-<pid>.rdb. */
  static create(finalPath: string, tempName = `temp-${process.pid}.rdb`): CrashSafeFile {
    const full = resolve(finalPath)
    const tempPath = join(dirname(full), tempName)
    const fd = openSync(tempPath, 'w', 0o644)
    return new CrashSafeFile(full, tempPath, fd)
  }

  write(chunk: Buffer): void {
    let off = 0
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off)
  }

  /** fsync the data, rename over the final name, fsync the directory. */
  commit(): void {
    fsyncSync(this.fd)
    closeSync(this.fd)
    this.closed = true
    renameSync(this.tempPath, this.finalPath)
    syncDirectory(dirname(this.finalPath))
  }

  /** commit() without blocking the event loop on the fsyncs (BGSAVE). */
  async commitAsync(): Promise<void> {
    const fd = this.fd
    this.closed = true
    await promisify(fsync)(fd)
    await promisify(close)(fd)
    await rename(this.tempPath, this.finalPath)
    const dir = await open(dirname(this.finalPath), 'r')
    try {
      await dir.sync()
    } finally {
      await dir.close()
    }
  }

  /** Gives up: the temp file goes, the final file is untouched. */
  abort(): void {
    if (!this.closed) {
      this.closed = true
      try {
        closeSync(this.fd)
      } catch {
        // already closed by a failed commit
      }
    }
    rmSync(this.tempPath, { force: true })
  }

  get tempName(): string {
    return basename(this.tempPath)
  }
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/** Where SAVE writes: `dbfilename` in the working directory (`dir`, which the server chdir()s to). */
export function rdbPath(server: Pick<ServerContext, 'config'>): string {
  return resolve(process.cwd(), server.config.get('dbfilename') ?? 'dump.rdb')
}

/** The AUX fields for a dump of this server (rdbPopulateSaveInfo: replication info when known). */
export function auxFieldsFor(server: ServerContext): [string, string][] {
  const replication = server.replication
  return standardAuxFields({
    nowMs: Date.now(),
    usedMemory: server.memory?.usedMemory() ?? 0,
    replication: { streamDb: replication?.streamDb ?? 0, replId: server.core.replId, offset: replication?.masterReplOffset ?? 0 },
    aofBase: false,
  })
}

/** Every database through `writer`, synchronously (no other code runs meanwhile, so no copy-on-write is needed). */
export function writeDatasetSync(databases: readonly Database[], writer: RdbFileWriter, aux: readonly (readonly [string, string])[]): number {
  writer.header(aux)
  let keys = 0
  for (const db of databases) {
    let size = 0
    let expires = 0
    for (const [key] of db.entries()) {
      size++
      if (db.getExpire(key) !== undefined) expires++
    }
    if (size === 0) continue
    writer.selectDb(db.index, size, expires)
    for (const [key, value] of db.entries()) {
      writer.key(keyBuffer(key), value, db.getExpire(key))
      keys++
    }
  }
  writer.finish()
  return keys
}

export type SaveOutcome = { readonly ok: true; readonly keys: number; readonly bytes: number } | { readonly ok: false; readonly reason: string }

/**
 * rdbSave: the whole dataset to `path` crash-safely. Logs Redis's lines; on
 * failure the temp file is removed and the previous dump is left as it was.
 */
export function saveRdbSync(server: ServerContext, path = rdbPath(server)): SaveOutcome {
  const log = server.core.log
  let file: CrashSafeFile
  try {
    file = CrashSafeFile.create(path)
  } catch (e) {
    const reason = errorText(e)
    log.warning(`Failed opening the temp RDB file temp-${process.pid}.rdb (in server root dir ${process.cwd()}) for saving: ${reason}`)
    return { ok: false, reason }
  }
  try {
    const writer = new RdbFileWriter((chunk) => file.write(chunk), {
      compression: server.config.bool('rdbcompression'),
      checksum: server.config.bool('rdbchecksum'),
      limits: limitsFromConfig(server.config),
    })
    const keys = writeDatasetSync(server.databases, writer, auxFieldsFor(server))
    file.commit()
    log.notice('DB saved on disk')
    return { ok: true, keys, bytes: writer.bytesWritten }
  } catch (e) {
    file.abort()
    const reason = errorText(e)
    log.warning(`Write error saving DB on disk: ${reason}`)
    return { ok: false, reason }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** `save` has at least one <seconds> <changes> point. */
export function hasSavePoints(server: Pick<ServerContext, 'config'>): boolean {
  return (server.config.get('save') ?? '').trim() !== ''
}

/**
 * prepareForShutdown's RDB part: save when asked (SHUTDOWN SAVE) or, unless
 * told NOSAVE, when save points are configured. False when the save failed
 * (the caller refuses to shut down unless FORCE).
 */
export function saveBeforeShutdown(server: ServerContext, save: boolean | undefined): boolean {
  const wanted = save === true || (save === undefined && hasSavePoints(server))
  if (!wanted) return true
  server.core.log.notice('Saving the final RDB snapshot before exiting.')
  const state = server.persistence
  const dirtyAtStart = server.dirty
  const outcome = saveRdbSync(server)
  if (!outcome.ok) {
    server.core.log.warning('Error trying to save the DB, can\'t exit.')
    return false
  }
  if (state) state.saved(server, Date.now(), dirtyAtStart)
  else server.dirty = 0
  return true
}
