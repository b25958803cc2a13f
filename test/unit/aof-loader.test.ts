import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AofLoadError, applyCommandFile, loadAofFiles, type AofApplier } from '../../main/server/persistence/aof-loader'
import { parseManifest } from '../../main/server/persistence/aof-manifest'
import { AofCommandWriter } from '../../main/server/persistence/aof-command-writer'
import { encodeCommand } from '../../main/server/replication/propagation'
import type { Logger } from '../../main/server/context'

const KNOWN = new Set(['set', 'select', 'multi', 'exec', 'del', 'rpush', 'sadd', 'zadd', 'hmset', 'pexpireat'])

function recorder(): AofApplier & { applied: string[] } {
  const applied: string[] = []
  return {
    applied,
    knows: (argv) => KNOWN.has(argv[0].toString().toLowerCase()),
    apply: (argv) => applied.push(argv.map((a) => a.toString()).join(' ')),
    loadRdb: () => {
      throw new Error('no RDB in these tests')
    },
  }
}

function silentLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  const push = (m: string): void => void lines.push(m)
  return { lines, debug: push, verbose: push, notice: push, warning: push }
}

const cmd = (...args: string[]): Buffer => encodeCommand(args)

describe('applyCommandFile', () => {
  it('applies complete commands, skips annotations, applies MULTI … EXEC only at EXEC', () => {
    const r = recorder()
    const file = Buffer.concat([cmd('SELECT', '0'), Buffer.from('#TS:1700000000\r\n'), cmd('MULTI'), cmd('SET', 'a', '1'), cmd('EXEC'), cmd('DEL', 'a')])
    expect(applyCommandFile(file, 0, r)).toEqual({ status: 'ok' })
    expect(r.applied).toEqual(['SELECT 0', 'SET a 1', 'DEL a'])
  })

  it('a cut command reports the end of the last complete one', () => {
    const r = recorder()
    const good = Buffer.concat([cmd('SET', 'a', '1'), cmd('SET', 'b', '2')])
    const cut = Buffer.concat([good, cmd('SET', 'c', '3').subarray(0, 15)])
    const result = applyCommandFile(cut, 0, r)
    // Cut inside the second argument's length line (`$1` without its CRLF), 13 bytes into the command.
    expect(result).toMatchObject({ status: 'truncated', validUpTo: good.length, offset: good.length + 13 })
    expect(r.applied).toEqual(['SET a 1', 'SET b 2'])
  })

  it('an unfinished MULTI at the end is cut back to before MULTI and none of it applied', () => {
    const r = recorder()
    const good = cmd('SET', 'a', '1')
    const file = Buffer.concat([good, cmd('MULTI'), cmd('SET', 'b', '2')])
    expect(applyCommandFile(file, 0, r)).toMatchObject({ status: 'truncated', validUpTo: good.length })
    expect(r.applied).toEqual(['SET a 1'])
  })

  it('bad bytes and unknown commands are format errors at their offset', () => {
    const good = cmd('SET', 'a', '1')
    expect(applyCommandFile(Buffer.concat([good, Buffer.from('+OK\r\n')]), 0, recorder())).toMatchObject({ status: 'format', offset: good.length })
    expect(applyCommandFile(Buffer.concat([good, Buffer.from('*1\r\n:5\r\n')]), 0, recorder())).toMatchObject({ status: 'format', offset: good.length + 4 })
    expect(applyCommandFile(Buffer.concat([good, cmd('NOPE', 'x')]), 0, recorder())).toMatchObject({ status: 'format', offset: good.length, unknown: 'NOPE' })
  })
})

describe('loadAofFiles', () => {
  const dirs: string[] = []
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
  const dir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'aof-unit-'))
    dirs.push(d)
    return d
  }
  const manifest = parseManifest('file a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type i\nfile a.2.incr.aof seq 2 type i\n')

  it('loads base then incr files in order, and cuts a truncated last file when allowed', () => {
    const d = dir()
    writeFileSync(join(d, 'a.1.base.aof'), cmd('SET', 'base', '1'))
    writeFileSync(join(d, 'a.1.incr.aof'), cmd('SET', 'one', '1'))
    const last = Buffer.concat([cmd('SET', 'two', '2'), Buffer.from('*2\r\n$3\r\nDEL')])
    writeFileSync(join(d, 'a.2.incr.aof'), last)
    const r = recorder()
    const log = silentLog()
    expect(loadAofFiles(manifest, { dir: d, loadTruncated: true, log, applier: r })).toBe(true)
    expect(r.applied).toEqual(['SET base 1', 'SET one 1', 'SET two 2'])
    expect(readFileSync(join(d, 'a.2.incr.aof'))).toEqual(cmd('SET', 'two', '2'))
    expect(log.lines).toContain(`!!! Truncating the AOF a.2.incr.aof at offset ${cmd('SET', 'two', '2').length} !!!`)
  })

  it('a truncated file that is not the last is refused even with aof-load-truncated, and left alone', () => {
    const d = dir()
    writeFileSync(join(d, 'a.1.base.aof'), cmd('SET', 'base', '1'))
    const cut = Buffer.from('*3\r\n$3\r\nSET\r\n')
    writeFileSync(join(d, 'a.1.incr.aof'), cut)
    writeFileSync(join(d, 'a.2.incr.aof'), cmd('SET', 'two', '2'))
    let error: unknown
    try {
      loadAofFiles(manifest, { dir: d, loadTruncated: true, log: silentLog(), applier: recorder() })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AofLoadError)
    expect((error as AofLoadError).fileName).toBe('a.1.incr.aof')
    expect((error as AofLoadError).message).toContain('the truncated file is not the last file')
    expect(readFileSync(join(d, 'a.1.incr.aof'))).toEqual(cut)
  })

  it('a file the manifest names but the disk lacks is fatal before anything is applied', () => {
    const d = dir()
    writeFileSync(join(d, 'a.1.base.aof'), cmd('SET', 'base', '1'))
    const r = recorder()
    expect(() => loadAofFiles(manifest, { dir: d, loadTruncated: true, log: silentLog(), applier: r })).toThrow('a.1.incr.aof')
    expect(r.applied).toEqual([])
  })

  it('no files in the manifest: nothing to load', () => {
    expect(loadAofFiles(parseManifest('# empty\n'), { dir: dir(), loadTruncated: true, log: silentLog(), applier: recorder() })).toBe(false)
  })
})

describe('AofCommandWriter (aof-use-rdb-preamble no)', () => {
  it('writes SELECT per non-empty db, batches of 64 elements, PEXPIREAT for TTLs', async () => {
    const { stringValue } = await import('../../main/server/store/values')
    const chunks: Buffer[] = []
    const w = new AofCommandWriter((c) => chunks.push(c))
    w.header()
    w.selectDb(0, 0)
    w.selectDb(3, 1)
    w.key(Buffer.from('k'), stringValue(Buffer.from('v')), 1700000000123)
    w.finish()
    expect(Buffer.concat(chunks).toString('latin1')).toBe(
      Buffer.concat([cmd('SELECT', '3'), cmd('SET', 'k', 'v'), cmd('PEXPIREAT', 'k', '1700000000123')]).toString('latin1'),
    )
  })
})
