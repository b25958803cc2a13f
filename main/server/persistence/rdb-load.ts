/**
 * Loading an RDB image into the keyspace (rdbLoad / loadDataFromDisk of
 * Redis 7.0.15): used at start-up, and by anything else that rebuilds the
 * dataset from an RDB (a replica's full sync, an AOF's RDB preamble).
 *
 * The file is read whole and never written: a refused file stays byte for
 * byte as it was.
 */
import { readFileSync } from 'node:fs'
import type { Logger, ServerContext } from '../context'
import type { Database } from '../store/database'
import { stringValueOfText, type RedisValue } from '../store/values'
import { RdbFormatError } from './rdb-format'
import { RdbLoadError, RdbStreamReader, readRdb, type RdbReadHandlers, type RdbReadResult } from './rdb-file'
import { DEFAULT_LIMITS, type EncodingLimits } from './rdb-value'
import { fromPortable, limitsFromConfig } from './value-bridge'
import { rdbPath } from './rdb-save'

export interface RdbLoadOptions {
  readonly fileName: string
  readonly limits?: EncodingLimits
  /** Unix ms; keys already expired at this time are dropped when `dropExpired`. */
  readonly now: number
  /** A master drops expired keys while loading; a replica keeps them (its master will DEL them). */
  readonly dropExpired: boolean
  readonly log?: Logger
}

export interface RdbLoadStats extends RdbReadResult {
  readonly keysLoaded: number
  readonly keysExpired: number
  /** Every AUX field, value as latin1 text (redis-ver, ctime, used-mem, repl-id, repl-offset …). */
  readonly aux: ReadonlyMap<string, string>
}

interface LoadCounters {
  keysLoaded: number
  keysExpired: number
  readonly aux: Map<string, string>
}

/**
 * The handlers that put what the reader finds into `databases`.
 * `imageLength()` bounds RESIZEDB's hints (a key takes at least 3 bytes).
 */
function loadHandlers(databases: readonly Database[], options: RdbLoadOptions, imageLength: () => number, counters: LoadCounters): RdbReadHandlers {
  const limits = options.limits ?? DEFAULT_LIMITS
  const aux = counters.aux
  // Keys before any SELECTDB belong to database 0.
  let current = databases[0]
  current.beginBulkLoad(0, 0)
  /** A key whose TTL has passed, when the load drops those (a master's start-up): counted, not stored. */
  const droppedAsExpired = (expireAt: number | undefined): boolean => {
    if (!options.dropExpired || expireAt === undefined || expireAt >= options.now) return false
    counters.keysExpired++
    return true
  }
  const store = (dbIndex: number, k: string, value: RedisValue, expireAt: number | undefined): void => {
    if (!current.loadKey(k, value, expireAt)) throw new RdbFormatError(`duplicate key '${k}' in database ${dbIndex}`)
    counters.keysLoaded++
  }
  return {
    onAux(key, value) {
      const text = value.toString('latin1')
      aux.set(key, text)
      // rdbLoadRio logs the "%"-prefixed keys (user info), and names the producing version.
      if (key === 'redis-ver') options.log?.notice(`Loading RDB produced by version ${text}`)
      else if (key === 'ctime') {
        const age = Math.floor(options.now / 1000) - Number(text)
        options.log?.notice(`RDB age ${Number.isFinite(age) ? Math.max(0, age) : 0} seconds`)
      } else if (key === 'used-mem') {
        options.log?.notice(`RDB memory usage when created ${(Number(text) / 1024 / 1024).toFixed(2)} Mb`)
      } else if (key.startsWith('%')) options.log?.notice(`RDB '${key}': ${text}`)
    },
    onSelectDb(index) {
      if (index >= databases.length) {
        throw new RdbFormatError(
          `FATAL: Data file was created with a Redis server configured to handle more than ${databases.length} databases`,
        )
      }
      current = databases[index]
      current.beginBulkLoad(0, 0)
    },
    onResizeDb(size, expiresSize) {
      // dictExpand on RESIZEDB, bounded by what the rest of the image could hold.
      const bound = Math.floor(imageLength() / 3)
      current.beginBulkLoad(Math.min(size, bound), Math.min(expiresSize, bound))
    },
    onKeyText(dbIndex, k, portable, expireAt) {
      if (droppedAsExpired(expireAt)) return
      const value = fromPortable(portable, limits)
      if (value === null) throw new RdbFormatError(`value of type ${portable.type} cannot be stored`)
      store(dbIndex, k, value, expireAt)
    },
    onStringText(dbIndex, k, text, expireAt) {
      // Nearly every key of a big dump: the text the reader decoded becomes the value as it is.
      if (!droppedAsExpired(expireAt)) store(dbIndex, k, stringValueOfText(text), expireAt)
    },
    onEmptyKey(dbIndex, key) {
      options.log?.warning(`rdbLoadObject skipping empty key: ${key.toString('latin1')}`)
      void dbIndex
    },
  }
}

/** Loads `bytes` into `databases` (expected empty). Throws RdbLoadError. */
export function loadRdbInto(bytes: Buffer, databases: readonly Database[], options: RdbLoadOptions): RdbLoadStats {
  const counters: LoadCounters = { keysLoaded: 0, keysExpired: 0, aux: new Map() }
  const result = readRdb(bytes, loadHandlers(databases, options, () => bytes.length, counters), { fileName: options.fileName })
  return { ...result, keysLoaded: counters.keysLoaded, keysExpired: counters.keysExpired, aux: counters.aux }
}

/** RESIZEDB's bound when the payload's length is not announced (a diskless `$EOF:` stream). */
const UNKNOWN_LENGTH_BOUND = 16 * 1024 * 1024

/**
 * loadRdbInto for bytes that arrive in pieces (a replica's full sync): each
 * push() loads the complete records it brings into `databases` (staging
 * databases: nobody reads them until finish() has verified the whole
 * payload). A bad record does not throw from push(): the bytes after it are
 * ignored and finish() throws its RdbLoadError, so the caller decides when
 * to fail, as loadRdbInto's caller does after the transfer.
 */
export class RdbStreamLoad {
  private readonly counters: LoadCounters = { keysLoaded: 0, keysExpired: 0, aux: new Map() }
  private readonly reader: RdbStreamReader
  private failure: unknown

  /** `expectedLength()`: the announced payload length, 0 when unknown. */
  constructor(databases: readonly Database[], options: RdbLoadOptions, expectedLength: () => number) {
    const bound = (): number => expectedLength() || UNKNOWN_LENGTH_BOUND
    this.reader = new RdbStreamReader(loadHandlers(databases, options, bound, this.counters), { fileName: options.fileName })
  }

  push(chunk: Buffer): void {
    if (this.failure !== undefined) return
    try {
      this.reader.push(chunk)
    } catch (e) {
      this.failure = e
    }
  }

  /** The payload is over: its stats once EOF and CRC64 check, else the first error (RdbLoadError). */
  finish(): RdbLoadStats {
    if (this.failure !== undefined) throw this.failure
    const result = this.reader.end()
    return { ...result, keysLoaded: this.counters.keysLoaded, keysExpired: this.counters.keysExpired, aux: this.counters.aux }
  }
}

export type StartupLoadOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'loaded'; readonly stats: RdbLoadStats; readonly seconds: number }
  | { readonly kind: 'failed'; readonly error: RdbLoadError | Error }

/**
 * loadDataFromDisk for the RDB case: a missing file is an empty dataset; a
 * loaded one logs Redis's lines; a bad one logs why (file, offset, reason) and
 * the caller must exit without touching the file.
 */
export function loadRdbAtStartup(
  path: string,
  databases: readonly Database[],
  options: Omit<RdbLoadOptions, 'fileName'> & { log: Logger },
): StartupLoadOutcome {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' }
    const reason = e instanceof Error ? e.message : String(e)
    options.log.warning(`Fatal error loading the DB: ${reason}. Exiting.`)
    return { kind: 'failed', error: e instanceof Error ? e : new Error(reason) }
  }
  const started = performance.now()
  try {
    const stats = loadRdbInto(bytes, databases, { ...options, fileName: path })
    const seconds = (performance.now() - started) / 1000
    options.log.notice(`Done loading RDB, keys loaded: ${stats.keysLoaded}, keys expired: ${stats.keysExpired}.`)
    options.log.notice(`DB loaded from disk: ${seconds.toFixed(3)} seconds`)
    return { kind: 'loaded', stats, seconds }
  } catch (e) {
    if (!(e instanceof RdbLoadError)) throw e
    // What rdbReportCorruptRDB / rdbLoad's failure path print, with the file named.
    options.log.warning(`Internal error in RDB reading offset ${e.offset}, file ${e.fileName} -> ${e.reason}`)
    options.log.warning(`${e.message}`)
    options.log.warning(`Short read or OOM loading DB. Unrecoverable error, aborting now. (file ${e.fileName}, offset ${e.offset}: ${e.reason})`)
    return { kind: 'failed', error: e }
  }
}

/**
 * The start-up load of `dbfilename` in the working directory, recording the
 * counts INFO persistence shows. False when the file is refused: the server
 * must not start (and the file is left as it was).
 */
export function loadDataFromDisk(server: ServerContext): boolean {
  // With appendonly yes the AOF alone is the data set: Redis does not read the RDB then.
  if (server.aof && server.config.bool('appendonly')) return server.aof.loadAtStart()
  const outcome = loadRdbAtStartup(rdbPath(server), server.databases, {
    log: server.core.log,
    now: Date.now(),
    limits: limitsFromConfig(server.config),
    // rdbLoad drops expired keys only on a master; a replica waits for its master's DELs.
    dropExpired: (server.config.get('replicaof') ?? '') === '',
  })
  if (outcome.kind === 'failed') return false
  if (outcome.kind === 'loaded' && server.persistence) {
    server.persistence.rdbLastLoadKeysLoaded = outcome.stats.keysLoaded
    server.persistence.rdbLastLoadKeysExpired = outcome.stats.keysExpired
  }
  if (outcome.kind === 'loaded') restoreReplicationInfo(server, outcome.stats.aux)
  return true
}

/**
 * loadDataFromDisk's rsi part for a replica: the RDB's repl-id / repl-offset /
 * repl-stream-db become its cached master, so it can PSYNC partially after a restart.
 */
function restoreReplicationInfo(server: ServerContext, aux: ReadonlyMap<string, string>): void {
  if ((server.config.get('replicaof') ?? '') === '' || !server.replication) return
  const replId = aux.get('repl-id') ?? ''
  const reploff = Number(aux.get('repl-offset'))
  const db = Number(aux.get('repl-stream-db'))
  if (!/^[0-9a-f]{40}$/.test(replId) || !Number.isSafeInteger(reploff) || reploff < 0 || !Number.isInteger(db) || db < 0 || db >= server.databases.length) return
  server.replication.replica.restoreFromRdb({ replId, reploff, db })
}
