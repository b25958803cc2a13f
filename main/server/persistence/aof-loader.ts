/**
 * Loading the append-only files at start (aof.c loadAppendOnlyFiles and
 * loadSingleAppendOnlyFile of Redis 7.0): the manifest's base file (an RDB,
 * recognised by its `REDIS` magic, or a command file), then each incr file in
 * order. Commands are RESP arrays applied through the command table by a
 * client that has no socket; `#` lines are annotations and skipped.
 *
 * A short last file (the server died mid-append) is accepted when
 * aof-load-truncated is yes: the file is cut back to its last complete
 * command, as Redis does. A MULTI without its EXEC at the end of a file is
 * cut the same way. Anything else wrong (bad format, unknown command, a short
 * file that is not the last, a file the manifest names but the disk lacks)
 * refuses to load with the file name, the byte offset and the reason, and
 * touches nothing.
 */
import { existsSync, readFileSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../context'
import { loadOrder, type AofManifest } from './aof-manifest'

export class AofLoadError extends Error {
  constructor(
    readonly fileName: string,
    readonly offset: number,
    readonly reason: string,
    /** The lines Redis logs for this failure (their wording), already including name and offset. */
    message: string,
  ) {
    super(message)
  }
}

/** How the loader runs a command and loads an RDB preamble; the engine wires them to the server. */
export interface AofApplier {
  /** False for a command the table does not know (refuses the file, as Redis). */
  knows(argv: readonly Buffer[]): boolean
  apply(argv: Buffer[]): void
  /** Loads the RDB at the start of `bytes`; returns how many bytes it used. Throws with an offset on corruption. */
  loadRdb(bytes: Buffer, fileName: string): number
}

export interface AofLoadOptions {
  /** Absolute path of appenddirname. */
  readonly dir: string
  readonly loadTruncated: boolean
  readonly log: Logger
  readonly applier: AofApplier
}

type ParseStatus =
  | { status: 'ok' }
  | { status: 'truncated'; validUpTo: number; offset: number; reason: string }
  | { status: 'format'; offset: number; reason: string }

const CRLF = 0x0a

/** Index just past the next '\n' from `from`, or -1 when the buffer ends first (fgets's line). */
function lineEnd(buf: Buffer, from: number): number {
  const nl = buf.indexOf(CRLF, from)
  return nl === -1 ? -1 : nl + 1
}

/** atoi/strtol of a header line after its type byte: leading digits with an optional sign. */
function headerNumber(buf: Buffer, from: number, to: number): number {
  const m = /^\s*([+-]?\d+)/.exec(buf.toString('latin1', from, to))
  return m ? Number(m[1]) : 0
}

function isCommand(argv: readonly Buffer[], name: string): boolean {
  return argv[0].length === name.length && argv[0].toString('latin1').toLowerCase() === name
}

/**
 * Applies the commands of `buf` from `start`. Commands between MULTI and EXEC
 * are applied only when the EXEC is read, so a cut transaction leaves nothing
 * behind. `validUpTo` is the end of the last command that was complete and
 * not inside an open transaction.
 */
export function applyCommandFile(buf: Buffer, start: number, applier: AofApplier): ParseStatus & { unknown?: string } {
  let pos = start
  let validUpTo = start
  let queued: Buffer[][] | undefined
  let validBeforeMulti = start
  const truncated = (offset: number, reason: string): ParseStatus => ({
    status: 'truncated',
    validUpTo: queued ? validBeforeMulti : validUpTo,
    offset,
    reason,
  })
  while (pos < buf.length) {
    const commandStart = pos
    const headerEnd = lineEnd(buf, pos)
    if (buf[pos] === 0x23 /* '#' */) {
      if (headerEnd === -1) return truncated(pos, 'annotation line without its end')
      pos = headerEnd
      validUpTo = queued ? validUpTo : pos
      continue
    }
    if (buf[pos] !== 0x2a /* '*' */) return { status: 'format', offset: pos, reason: `expected '*', found byte 0x${buf[pos].toString(16).padStart(2, '0')}` }
    if (headerEnd === -1) return truncated(pos, 'command header cut short')
    const argc = headerNumber(buf, pos + 1, headerEnd)
    if (argc < 1) return { status: 'format', offset: pos, reason: `invalid argument count '${buf.toString('latin1', pos + 1, headerEnd).trim()}'` }
    pos = headerEnd
    const argv: Buffer[] = []
    for (let j = 0; j < argc; j++) {
      if (pos >= buf.length) return truncated(pos, `command cut short after ${j} of ${argc} arguments`)
      const end = lineEnd(buf, pos)
      if (buf[pos] !== 0x24 /* '$' */) return { status: 'format', offset: pos, reason: `expected '$', found byte 0x${buf[pos].toString(16).padStart(2, '0')}` }
      if (end === -1) return truncated(pos, 'argument length cut short')
      const len = headerNumber(buf, pos + 1, end)
      if (len < 0) return { status: 'format', offset: pos, reason: `invalid argument length ${len}` }
      if (end + len + 2 > buf.length) return truncated(pos, `argument of ${len} bytes cut short`)
      argv.push(Buffer.from(buf.subarray(end, end + len)))
      pos = end + len + 2
    }
    if (!applier.knows(argv)) {
      return { status: 'format', offset: commandStart, reason: `unknown command '${argv[0].toString()}'`, unknown: argv[0].toString() }
    }
    if (isCommand(argv, 'multi')) {
      queued = []
      validBeforeMulti = commandStart
    } else if (isCommand(argv, 'exec') && queued) {
      const commands = queued
      queued = undefined
      for (const c of commands) applier.apply(c)
    } else if (queued) queued.push(argv)
    else applier.apply(argv)
    if (!queued) validUpTo = pos
  }
  if (queued) return truncated(pos, 'MULTI without EXEC at the end of the file')
  return { status: 'ok' }
}

const RDB_MAGIC = Buffer.from('REDIS')

export type SingleFileResult = 'ok' | 'empty' | 'truncated'

/** loadSingleAppendOnlyFile. `last`: only the last file may be accepted truncated. */
export function loadSingleFile(fileName: string, last: boolean, options: AofLoadOptions): SingleFileResult {
  const path = join(options.dir, fileName)
  const log = options.log
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message
    throw new AofLoadError(fileName, 0, reason, `Fatal error: can't open the append log file ${fileName} for reading: ${reason}`)
  }
  if (bytes.length === 0) return 'empty'
  let start = 0
  if (bytes.length >= 5 && bytes.subarray(0, 5).equals(RDB_MAGIC)) {
    log.notice('Reading RDB base file on AOF loading...')
    try {
      start = options.applier.loadRdb(bytes, fileName)
    } catch (e) {
      const offset = (e as { offset?: number }).offset ?? 0
      const reason = e instanceof Error ? e.message : String(e)
      throw new AofLoadError(fileName, offset, reason, `Error reading the RDB base file ${fileName}, AOF loading aborted (offset ${offset}: ${reason})`)
    }
    if (start < bytes.length) log.notice('Reading the remaining AOF tail...')
  }
  const result = applyCommandFile(bytes, start, options.applier)
  if (result.status === 'ok') return 'ok'
  if (result.status === 'format') {
    if (result.unknown !== undefined) {
      throw new AofLoadError(fileName, result.offset, result.reason, `Unknown command '${result.unknown}' reading the append only file ${fileName} (offset ${result.offset})`)
    }
    throw new AofLoadError(
      fileName,
      result.offset,
      result.reason,
      `Bad file format reading the append only file ${fileName}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest> (offset ${result.offset}: ${result.reason})`,
    )
  }
  if (result.reason.startsWith('MULTI')) log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${fileName}`)
  if (options.loadTruncated && last) {
    log.warning(`!!! Warning: short read while loading the AOF file ${fileName}!!!`)
    log.warning(`!!! Truncating the AOF ${fileName} at offset ${result.validUpTo} !!!`)
    truncateSync(path, result.validUpTo)
    log.warning(`AOF ${fileName} loaded anyway because aof-load-truncated is enabled`)
    return 'truncated'
  }
  if (!last) {
    throw new AofLoadError(fileName, result.offset, result.reason, `Fatal error: the truncated file is not the last file (${fileName}, offset ${result.offset}: ${result.reason})`)
  }
  throw new AofLoadError(
    fileName,
    result.offset,
    result.reason,
    `Unexpected end of file reading the append only file ${fileName}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server. (offset ${result.offset}: ${result.reason})`,
  )
}

/**
 * loadAppendOnlyFiles: false when the manifest names no file (nothing to
 * load), true once every file loaded. Throws AofLoadError otherwise.
 */
export function loadAofFiles(manifest: AofManifest, options: AofLoadOptions): boolean {
  const files = loadOrder(manifest)
  if (files.length === 0) return false
  // A file the manifest names but the disk lacks is fatal before anything is applied.
  for (const f of files) {
    if (!existsSync(join(options.dir, f.fileName))) {
      throw new AofLoadError(f.fileName, 0, 'No such file or directory', `Unable to obtain the AOF file ${f.fileName} length. stat: No such file or directory`)
    }
  }
  const started = performance.now()
  files.forEach((f, i) => {
    const fileStarted = performance.now()
    loadSingleFile(f.fileName, i === files.length - 1, options)
    const seconds = ((performance.now() - fileStarted) / 1000).toFixed(3)
    options.log.notice(`DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.fileName}: ${seconds} seconds`)
  })
  options.log.notice(`DB loaded from append only file: ${((performance.now() - started) / 1000).toFixed(3)} seconds`)
  return true
}
