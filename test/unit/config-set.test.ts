import { describe, expect, it } from 'vitest'
import { tmpdir } from 'node:os'
import { Config } from '../../main/server/config/config'
import { globMatch } from '../../main/server/config/glob'
import { DIRECTIVES, findDirective } from '../../shared/config-directives'
import { formatLogLine, RedisLogger } from '../../main/server/log'

const fresh = (): Config => new Config(tmpdir())

describe('the directive table', () => {
  it('names every directive once, aliases included, in lower case', () => {
    const names = DIRECTIVES.flatMap((d) => [d.name, ...d.aliases])
    expect(new Set(names).size).toBe(names.length)
    for (const n of names) expect(n).toBe(n.toLowerCase())
  })

  it('has a default each directive accepts', () => {
    const config = fresh()
    for (const d of DIRECTIVES) {
      if (d.fileOnly || d.name === 'dir' || d.type === 'replicaof') continue
      const args = d.multiArg ? d.default.split(' ') : [d.default]
      expect(config.applyFileLine(d, args), d.name).toBeNull()
      expect(config.get(d.name), d.name).toBe(d.default)
    }
  })

  it('knows Redis 7.0 names and aliases', () => {
    expect(findDirective('SLAVEOF')?.name).toBe('replicaof')
    expect(findDirective('hash-max-ziplist-entries')?.name).toBe('hash-max-listpack-entries')
    expect(findDirective('daemonize')?.runtime).toBe(false)
  })
})

describe('CONFIG GET', () => {
  it('matches several patterns, aliases as separate names, exact names as typed', () => {
    const config = fresh()
    expect(config.getMatching(['port', 'timeout'])).toEqual([
      ['port', '6379'],
      ['timeout', '0'],
    ])
    expect(config.getMatching(['PORT'])).toEqual([['PORT', '6379']])
    expect(config.getMatching(['*slave-read*'])).toEqual([['slave-read-only', 'yes']])
    expect(config.getMatching(['replica-read-only', '*read-only'])).toEqual([
      ['replica-read-only', 'yes'],
      ['slave-read-only', 'yes'],
    ])
    expect(config.getMatching(['nonexistent'])).toEqual([])
    expect(config.getMatching(['rdb-key-save-delay'])).toEqual([['rdb-key-save-delay', '0']])
    expect(config.getMatching(['rdb-key-*'])).toEqual([])
  })

  it('uses a Redis glob', () => {
    expect(globMatch('ma?memory', 'maxmemory')).toBe(true)
    expect(globMatch('[mn]axmemory*', 'maxmemory-policy')).toBe(true)
    expect(globMatch('[^m]*', 'maxmemory')).toBe(false)
    expect(globMatch('a\\*', 'a*')).toBe(true)
    expect(globMatch('a\\*', 'ab')).toBe(false)
    expect(globMatch('*', '')).toBe(true)
  })
})

describe('CONFIG SET', () => {
  it('validates like Redis, with its error strings', () => {
    const config = fresh()
    expect(config.set('foo', 'bar')).toBe("ERR Unknown option or number of arguments for CONFIG SET - 'foo'")
    expect(config.set('port', 'abc')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer",
    )
    expect(config.set('port', '70000')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive",
    )
    expect(config.set('daemonize', 'yes')).toBe("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")
    expect(config.set('dir', '/tmp')).toBe("ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config")
    expect(config.set('appendfsync', 'bogus')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no",
    )
    expect(config.set('maxmemory', '1.5k')).toBe("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")
    expect(config.set('maxclients', '0')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive",
    )
    expect(config.set('maxmemory-clients', '101%')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100",
    )
    expect(config.set('notify-keyspace-events', 'X')).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.",
    )
  })

  it('prints values in CONFIG GET form', () => {
    const config = fresh()
    expect(config.set('maxmemory', '1gb')).toBeNull()
    expect(config.get('maxmemory')).toBe('1073741824')
    expect(config.set('hz', '1000')).toBeNull()
    expect(config.get('hz')).toBe('500')
    expect(config.set('save', '100 10 200 20')).toBeNull()
    expect(config.get('save')).toBe('100 10 200 20')
    expect(config.set('notify-keyspace-events', 'AKEnm')).toBeNull()
    expect(config.get('notify-keyspace-events')).toBe('AKEm')
    expect(config.set('notify-keyspace-events', 'xgKn$')).toBeNull()
    expect(config.get('notify-keyspace-events')).toBe('g$xnK')
    expect(config.set('client-output-buffer-limit', 'replica 1mb 2 3')).toBeNull()
    expect(config.get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 1048576 2 3 pubsub 33554432 8388608 60')
    expect(config.set('latency-tracking-info-percentiles', '50.5 1e1')).toBeNull()
    expect(config.get('latency-tracking-info-percentiles')).toBe('50.5 10')
    expect(config.set('maxmemory-clients', '10%')).toBeNull()
    expect(config.number('maxmemory-clients')).toBe(-10)
    expect(config.set('LogLevel', 'VERBOSE')).toBeNull()
    expect(config.get('loglevel')).toBe('verbose')
  })

  it('sets several pairs all or nothing', () => {
    const config = fresh()
    expect(config.setMany([['maxclients', '100'], ['timeout', '-1']])).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 and 2147483647 inclusive",
    )
    expect(config.get('maxclients')).toBe('10000')
    expect(config.setMany([['timeout', '5'], ['timeout', '6']])).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter",
    )
    expect(config.setMany([['maxclients', '100'], ['foo', '1']])).toBe(
      "ERR Unknown option or number of arguments for CONFIG SET - 'foo'",
    )
    expect(config.setMany([['maxclients', '100'], ['timeout', '7']])).toBeNull()
    expect(config.get('maxclients')).toBe('100')
    expect(config.get('timeout')).toBe('7')
  })

  it('tells listeners about changes, and a throwing listener undoes the whole set', () => {
    const config = fresh()
    const seen: string[] = []
    config.onChange((name, value) => {
      if (name === 'port' && value === '1') throw new Error('Unable to listen on this port. Check server logs.')
      seen.push(`${name}=${value}`)
    })
    expect(config.setMany([['requirepass', 'secret'], ['timeout', '0']])).toBeNull()
    expect(seen).toEqual(['requirepass=secret'])
    expect(config.setMany([['timeout', '9'], ['port', '1']])).toBe(
      "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.",
    )
    expect(config.get('timeout')).toBe('0')
    expect(config.get('port')).toBe('6379')
  })
})

describe('the log', () => {
  it('prints Redis lines and filters by level', () => {
    const out: string[] = []
    const log = new RedisLogger(4242, (t) => out.push(t))
    log.role = () => 'M'
    log.verbose('hidden at notice')
    log.notice('Ready to accept connections')
    log.level = 'debug'
    log.debug('now visible')
    log.warning('careful')
    expect(out).toHaveLength(3)
    expect(out[0]).toMatch(/^4242:M \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} \* Ready to accept connections\n$/)
    expect(out[1]).toMatch(/ \. now visible\n$/)
    expect(out[2]).toMatch(/ # careful\n$/)
  })

  it('formats the time like Redis', () => {
    const line = formatLogLine(7, 'C', 'verbose', 'x', new Date(2026, 10, 6, 5, 4, 3, 21))
    expect(line).toBe('7:C 06 Nov 2026 05:04:03.021 - x')
  })
})
