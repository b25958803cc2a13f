import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigFileError, ConfigOpenError, loadConfig, loadConfigText, parseCommandLine } from '../../main/server/config/load'
import { Config } from '../../main/server/config/config'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-load-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function load(text: string, options = ''): Config {
  const file = join(dir, 'redis.conf')
  writeFileSync(file, text)
  return loadConfig({ configFile: file, fromStdin: false, options }, { cwd: dir })
}

function loadError(text: string, options = ''): ConfigFileError {
  try {
    load(text, options)
  } catch (e) {
    if (e instanceof ConfigFileError) return e
    throw e
  }
  throw new Error('expected a config error')
}

describe('redis.conf loading', () => {
  it('reads directive names case-insensitively and yes/no in any case', () => {
    const config = load('Port 7001\nDAEMONIZE No\nprotected-mode NO\nloglevel WARNING\n')
    expect(config.get('port')).toBe('7001')
    expect(config.number('port')).toBe(7001)
    expect(config.get('daemonize')).toBe('no')
    expect(config.bool('protected-mode')).toBe(false)
    expect(config.get('loglevel')).toBe('warning')
  })

  it('skips comments, blank lines and indentation; understands quotes', () => {
    const config = load('# a comment\n\n   #save 900 1\n  requirepass "p a\\"ss"\r\nmasterauth \'x y\'\ndbfilename "dump.rdb"\n')
    expect(config.get('requirepass')).toBe('p a"ss')
    expect(config.get('masterauth')).toBe('x y')
    expect(config.get('save')).toBe('3600 1 300 100 60 10000')
  })

  it('resolves memory units as Redis does (k = 1000, kb = 1024)', () => {
    const config = load('maxmemory 100mb\nrepl-backlog-size 4k\nproto-max-bulk-len 1GB\n')
    expect(config.get('maxmemory')).toBe('104857600')
    expect(config.number('repl-backlog-size')).toBe(4000)
    expect(config.number('proto-max-bulk-len')).toBe(1073741824)
  })

  it('accumulates save lines: the first replaces the defaults, save "" clears', () => {
    expect(load('save 900 1\nsave 300 10\n').get('save')).toBe('900 1 300 10')
    expect(load('save 900 1\nsave ""\nsave 60 5\n').get('save')).toBe('60 5')
    expect(load('save 900 1 300 10\n').saveParams()).toEqual([
      { seconds: 900, changes: 1 },
      { seconds: 300, changes: 10 },
    ])
    expect(load('save 900 1\n', 'save ""').get('save')).toBe('')
  })

  it('applies command-line options after the file', () => {
    const cmd = parseCommandLine(['x.conf', '--port', '6380', '--save', '', '--loglevel', 'verbose'])
    expect(cmd.configFile).toBe('x.conf')
    const config = load('port 7000\nsave 900 1\n', cmd.options)
    expect(config.get('port')).toBe('6380')
    expect(config.get('save')).toBe('')
    expect(config.get('loglevel')).toBe('verbose')
  })

  it('splits a multi-argument directive given as one argument, as Redis 7.0 does (--save "3600 1")', () => {
    const points = (...argv: string[]): string | undefined => load('', parseCommandLine(argv).options).get('save')
    expect(points('--save', '3600 1')).toBe('3600 1')
    expect(points('--save', '3600  1 300 10')).toBe('3600 1 300 10')
    expect(load('save "3600 1 300 10"\n').saveParams()).toEqual([
      { seconds: 3600, changes: 1 },
      { seconds: 300, changes: 10 },
    ])
    expect(points('--save', '')).toBe('')
    // Redis splits once: a quoted pair inside the one argument stays one (odd) argument, unbalanced quotes leave none.
    expect(loadError('', parseCommandLine(['--save', '"3600 1"']).options).reason).toBe('Invalid save parameters')
    expect(loadError('save "3600 1 300"\n').reason).toBe('Invalid save parameters')
    expect(points('--save', '"3600')).toBe('')
    const other = load('', parseCommandLine(['--bind', '127.0.0.1 ::1', '--client-output-buffer-limit', 'normal 1mb 2mb 3']).options)
    expect(other.get('bind')).toBe('127.0.0.1 ::1')
    expect(other.get('client-output-buffer-limit')).toBe('normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 33554432 8388608 60')
    // CONFIG SET splits on single spaces: several points in one value work, stray spaces do not.
    const config = load('')
    expect(config.set('save', '3600 1 300 10')).toBeNull()
    expect(config.get('save')).toBe('3600 1 300 10')
    expect(config.set('save', ' 3600 1')).toMatch(/Invalid save parameters$/)
    expect(config.set('save', '3600  1')).toMatch(/Invalid save parameters$/)
    expect(config.get('save')).toBe('3600 1 300 10')
  })

  it('turns --name v1 v2 into one line and a bare --save into save ""', () => {
    expect(parseCommandLine(['--save', '900', '1', '--port', '7000']).options).toBe('save "900" "1" \nport "7000" ')
    expect(parseCommandLine(['--save', '--port', '7000']).options).toBe('save ""\nport "7000" ')
    expect(parseCommandLine(['--port 7000']).options).toBe('port 7000 ')
    expect(parseCommandLine(['-']).fromStdin).toBe(true)
    expect(parseCommandLine(['x.conf', '--port', '1', '-']).fromStdin).toBe(true)
  })

  it('reads the config from stdin with -', () => {
    const config = loadConfig({ fromStdin: true, options: '' }, { cwd: dir, readStdin: () => 'port 7123\n' })
    expect(config.get('port')).toBe('7123')
  })

  it('follows include recursively', () => {
    writeFileSync(join(dir, 'inner.conf'), 'timeout 30\n')
    writeFileSync(join(dir, 'middle.conf'), `include ${join(dir, 'inner.conf')}\nhz 20\n`)
    const config = load(`port 7002\ninclude ${join(dir, 'middle.conf')}\n`)
    expect(config.get('timeout')).toBe('30')
    expect(config.get('hz')).toBe('20')
  })

  it('accepts aliases (slaveof, slave-read-only) and reports them under the canonical name', () => {
    const config = load('slaveof 127.0.0.1 7000\nslave-read-only no\n')
    expect(config.get('replicaof')).toBe('127.0.0.1 7000')
    expect(config.get('slaveof')).toBe('127.0.0.1 7000')
    expect(config.get('replica-read-only')).toBe('no')
  })

  it('logs an unimplemented directive once, only when it changes something', () => {
    const seen: string[] = []
    const file = join(dir, 'r.conf')
    writeFileSync(file, 'lazyfree-lazy-eviction no\nactiverehashing no\nactiverehashing no\nport 7000\n')
    loadConfig({ configFile: file, fromStdin: false, options: '' }, { cwd: dir, onUnimplemented: (n) => seen.push(n) })
    expect(seen).toEqual(['activerehashing'])
  })
})

describe('config errors name the file and line', () => {
  it('an unknown directive', () => {
    const e = loadError('port 7000\n\nfoo bar\n')
    expect(e.format()).toBe(
      `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file ${join(dir, 'redis.conf')}, at line 3\n>>> 'foo bar'\nBad directive or wrong number of arguments\n`,
    )
  })

  it('bad values, with the reasons Redis gives', () => {
    expect(loadError('daemonize maybe\n').reason).toBe("argument must be 'yes' or 'no'")
    expect(loadError('port 99999\n').reason).toBe('argument must be between 0 and 65535 inclusive')
    expect(loadError('port abc\n').reason).toBe("argument couldn't be parsed into an integer")
    expect(loadError('port 1 2\n').reason).toBe('wrong number of arguments')
    expect(loadError('port "12\n').reason).toBe('Unbalanced quotes in configuration line')
    expect(loadError('maxmemory 10xb\n').reason).toBe('argument must be a memory value')
    expect(loadError('save 1\n').reason).toBe('Invalid save parameters')
    expect(loadError('loglevel loud\n').reason).toBe('argument(s) must be one of the following: debug, verbose, notice, warning')
    expect(loadError('replicaof a b\n').reason).toBe('Invalid master port')
    expect(loadError('client-output-buffer-limit normal 0 0\n').reason).toBe('Wrong number of arguments in buffer limit configuration.')
  })

  it('an error in an included file names that file and its own line', () => {
    const inner = join(dir, 'inner.conf')
    writeFileSync(inner, '# inner\nhz many\n')
    const e = loadError(`port 7000\ninclude ${inner}\n`)
    expect(e.file).toBe(inner)
    expect(e.line).toBe(2)
    expect(e.lineText).toBe('hz many')
  })

  it('an error in a command-line option is not blamed on the file', () => {
    const e = loadError('port 7000\n', parseCommandLine(['--port', 'x']).options)
    expect(e.file).toBeUndefined()
    expect(e.format()).toContain("Reading the configuration file, at line 3\n>>> 'port \"x\"'")
  })

  it('a missing file or include cannot be opened', () => {
    expect(() => loadConfig({ configFile: join(dir, 'nope.conf'), fromStdin: false, options: '' }, { cwd: dir })).toThrow(ConfigOpenError)
    expect(() => load(`include ${join(dir, 'nope.conf')}\n`)).toThrow(
      `Fatal error, can't open config file '${join(dir, 'nope.conf')}': No such file or directory`,
    )
  })

  it('loadConfigText stops at the first bad line and leaves earlier lines applied', () => {
    const config = new Config(dir)
    expect(() => loadConfigText(config, 'port 7005\nbogus 1\nport 7006\n')).toThrow(ConfigFileError)
    expect(config.get('port')).toBe('7005')
  })
})
