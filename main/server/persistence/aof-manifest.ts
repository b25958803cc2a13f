/**
 * The AOF manifest of Redis 7's multi-part layout (aof.c): the one file that
 * says which files make up the data set. Each line is
 * `file <name> seq <n> type <b|h|i>`; `b` is the base (an RDB or a command
 * file written by a rewrite), `i` the incremental command files appended to
 * since, in sequence order, and `h` history files a finished rewrite made
 * obsolete (deleted unless aof-disable-auto-gc). The manifest is replaced
 * atomically (temporary file, fsync, rename), so whatever is on disk always
 * names a complete data set: that is what makes a crash at any moment safe.
 *
 * Parsing and formatting follow aofLoadManifestFromFile / getAofManifestAsString
 * byte for byte, including Redis's error texts.
 */
import { quoteArg, splitArgs } from '../../../shared/split-args'

export type AofFileType = 'b' | 'h' | 'i'

export interface AofFileInfo {
  readonly fileName: string
  readonly seq: number
  readonly type: AofFileType
}

export interface AofManifest {
  base: AofFileInfo | undefined
  /** Incremental files in load order (ascending seq). */
  incr: AofFileInfo[]
  /** Files a finished rewrite superseded, newest first (as Redis lists them). */
  history: AofFileInfo[]
  /** Sequence of the newest base ever created (names the next one). */
  currentBaseSeq: number
  currentIncrSeq: number
}

export class AofManifestError extends Error {}

/** Redis's MANIFEST_MAX_LINE: longer lines are refused. */
const MANIFEST_MAX_LINE = 1024

export const BASE_RDB_SUFFIX = '.base.rdb'
export const BASE_AOF_SUFFIX = '.base.aof'
const INCR_SUFFIX = '.incr.aof'

export function emptyManifest(): AofManifest {
  return { base: undefined, incr: [], history: [], currentBaseSeq: 0, currentIncrSeq: 0 }
}

export function manifestFileName(appendFileName: string): string {
  return `${appendFileName}.manifest`
}

export function tempManifestFileName(appendFileName: string): string {
  return `temp-${appendFileName}.manifest`
}

/** The incr file a rewrite started while AOF was off writes to before it has a sequence number. */
export function tempIncrFileName(appendFileName: string): string {
  return `temp-${appendFileName}.incr`
}

/** sdsneedsrepr: names with spaces, quotes or non-printables are written quoted. */
function needsRepr(s: string): boolean {
  for (const c of s) {
    const code = c.charCodeAt(0)
    if (c === '\\' || c === '"' || c === "'" || c === ' ' || code < 0x20 || code >= 0x7f) return true
  }
  return false
}

function formatLine(info: AofFileInfo): string {
  const name = needsRepr(info.fileName) ? quoteArg(info.fileName, { bytes: true }) : info.fileName
  return `file ${name} seq ${info.seq} type ${info.type}\n`
}

/** getAofManifestAsString: base, then history, then incr files. */
export function formatManifest(m: AofManifest): string {
  let out = ''
  if (m.base) out += formatLine(m.base)
  for (const h of m.history) out += formatLine(h)
  for (const i of m.incr) out += formatLine(i)
  return out
}

/** C's atoll: leading blanks, optional sign, digits; anything else stops it. */
function atoll(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s)
  return m ? Number(m[1]) : 0
}

/** aofLoadManifestFromFile, from the file's text. Throws AofManifestError with Redis's message. */
export function parseManifest(text: string): AofManifest {
  const m = emptyManifest()
  const lines = text.split(/(?<=\n)/)
  if (text.length === 0) throw new AofManifestError('Found an empty AOF manifest')
  let maxSeq = 0
  for (const raw of lines) {
    if (raw.startsWith('#')) continue
    if (!raw.endsWith('\n') || raw.length > MANIFEST_MAX_LINE) {
      // fgets reads at most MANIFEST_MAX_LINE bytes: a line without its newline is too long or cut.
      throw new AofManifestError('The AOF manifest file contains too long line')
    }
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
    if (line.length === 0) throw new AofManifestError('Invalid AOF manifest file format')
    const argv = splitArgs(line)
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new AofManifestError('Invalid AOF manifest file format')
    let fileName: string | undefined
    let seq = 0
    let type = ''
    for (let i = 0; i < argv.length; i += 2) {
      const key = argv[i].toLowerCase()
      if (key === 'file') {
        fileName = argv[i + 1]
        if (fileName.includes('/')) throw new AofManifestError("File can't be a path, just a filename")
      } else if (key === 'seq') seq = atoll(argv[i + 1])
      else if (key === 'type') type = argv[i + 1].slice(0, 1)
    }
    if (!fileName || !seq || !type) throw new AofManifestError('Invalid AOF manifest file format')
    if (type === 'b') {
      if (m.base) throw new AofManifestError('Found duplicate base file information')
      m.base = { fileName, seq, type }
      m.currentBaseSeq = seq
    } else if (type === 'h') {
      m.history.push({ fileName, seq, type })
    } else if (type === 'i') {
      if (seq <= maxSeq) throw new AofManifestError('Found a non-monotonic sequence number')
      m.incr.push({ fileName, seq, type })
      m.currentIncrSeq = seq
      maxSeq = seq
    } else throw new AofManifestError('Unknown AOF file type')
  }
  return m
}

export function cloneManifest(m: AofManifest): AofManifest {
  return { base: m.base, incr: [...m.incr], history: [...m.history], currentBaseSeq: m.currentBaseSeq, currentIncrSeq: m.currentIncrSeq }
}

/**
 * getNewBaseFileNameAndMarkPreAsHistory: a copy of `m` whose base is a new
 * file (next base seq) and whose previous base went to history.
 */
export function withNewBase(m: AofManifest, appendFileName: string, rdb: boolean): AofManifest {
  const next = cloneManifest(m)
  if (next.base) next.history.unshift({ ...next.base, type: 'h' })
  next.currentBaseSeq++
  next.base = {
    fileName: `${appendFileName}.${next.currentBaseSeq}${rdb ? BASE_RDB_SUFFIX : BASE_AOF_SUFFIX}`,
    seq: next.currentBaseSeq,
    type: 'b',
  }
  return next
}

/** getNewIncrAofName: a copy of `m` with one more incr file at the end. */
export function withNewIncr(m: AofManifest, appendFileName: string): AofManifest {
  const next = cloneManifest(m)
  next.currentIncrSeq++
  next.incr.push({ fileName: `${appendFileName}.${next.currentIncrSeq}${INCR_SUFFIX}`, seq: next.currentIncrSeq, type: 'i' })
  return next
}

/**
 * markRewrittenIncrAofAsHistory: the new base covers every incr file but the
 * one opened when the rewrite started (`keepLast`); a rewrite started while
 * AOF was off wrote to a temporary incr file instead, so all of them go.
 */
export function withRewrittenIncrAsHistory(m: AofManifest, keepLast: boolean): AofManifest {
  const next = cloneManifest(m)
  while (next.incr.length > (keepLast ? 1 : 0)) {
    const old = next.incr.shift()
    if (old) next.history.unshift({ ...old, type: 'h' })
  }
  return next
}

/** Base then incr files, the order they are loaded in. */
export function loadOrder(m: AofManifest): AofFileInfo[] {
  return m.base ? [m.base, ...m.incr] : [...m.incr]
}
