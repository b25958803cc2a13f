import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Fleet, FleetFileError } from '../../main/control/fleet'
import { resolveDataDir } from '../../main/control/data-dir'
import { quoteConfArg, renderRedisConf } from '../../main/control/redis-conf'
import type { NodeSpec } from '../../shared/types'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-fleet-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function spec(over: Partial<NodeSpec> = {}): NodeSpec {
  return { id: 'n1', name: 'alpha', kind: 'local', host: '127.0.0.1', port: 7001, config: {}, createdAt: 1, ...over }
}

describe('Fleet persistence', () => {
  it('survives a reload: nodes, order and the running set', () => {
    const fleet = new Fleet(dir)
    fleet.add(spec())
    fleet.add(spec({ id: 'n2', name: 'beta', port: 7002, createdAt: 2, config: { appendonly: 'yes' } }))
    fleet.setRunning('n2', true)

    const again = new Fleet(dir)
    expect(again.list().map((n) => n.name)).toEqual(['alpha', 'beta'])
    expect(again.get('n2')?.config).toEqual({ appendonly: 'yes' })
    expect(again.wasRunning('n2')).toBe(true)
    expect(again.wasRunning('n1')).toBe(false)
    expect(JSON.parse(readFileSync(join(dir, 'fleet.json'), 'utf8')).version).toBe(1)
  })

  it('gives each local node its own folder with a generated redis.conf, removed with the node', () => {
    const fleet = new Fleet(dir)
    fleet.add(spec({ config: { save: '900 1 300 10' } }))
    const conf = readFileSync(join(dir, 'nodes', 'n1', 'redis.conf'), 'utf8')
    expect(conf).toContain('port 7001\n')
    expect(conf).toContain('bind 127.0.0.1\n')
    expect(conf).toContain(`dir ${join(dir, 'nodes', 'n1')}\n`)
    expect(conf).toContain(`logfile ${join(dir, 'nodes', 'n1', 'server.log')}\n`)
    expect(conf).toContain('save 900 1 300 10\n')
    fleet.remove('n1')
    expect(existsSync(join(dir, 'nodes', 'n1'))).toBe(false)
    expect(new Fleet(dir).list()).toEqual([])
  })

  it("keeps the user's comments and order when the node's config is written again, and drops what the settings no longer carry", () => {
    const fleet = new Fleet(dir)
    fleet.add(spec({ config: { maxmemory: '10mb', replicaof: '127.0.0.1 7000' } }))
    const path = join(dir, 'nodes', 'n1', 'redis.conf')
    const edited = readFileSync(path, 'utf8').replace('maxmemory 10mb\n', '# cache for the demo\nmaxmemory 10mb\n') + '# my own note at the end\n'
    writeFileSync(path, edited)
    fleet.update(spec({ config: { maxmemory: '20mb', appendonly: 'yes' } }))
    const conf = readFileSync(path, 'utf8')
    expect(conf).toContain('# cache for the demo\nmaxmemory 20mb\n')
    expect(conf).toContain('# my own note at the end\n')
    expect(conf).toContain('appendonly yes\n')
    expect(conf).not.toContain('replicaof')
    expect(conf.indexOf('port 7001')).toBeLessThan(conf.indexOf('maxmemory'))
  })

  it('refuses a corrupt fleet file instead of overwriting it', () => {
    writeFileSync(join(dir, 'fleet.json'), '{ not json')
    expect(() => new Fleet(dir)).toThrow(FleetFileError)
    expect(readFileSync(join(dir, 'fleet.json'), 'utf8')).toBe('{ not json')
  })

  it('skips entries that are not node specs', () => {
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ version: 1, nodes: [spec(), { id: '../evil' }], running: ['n1', 'ghost'] }))
    const fleet = new Fleet(dir)
    expect(fleet.list().map((n) => n.id)).toEqual(['n1'])
    expect(fleet.wasRunning('ghost')).toBe(false)
  })
})

describe('data folder', () => {
  it('TANDEM_DATA_DIR wins, then the caller, then XDG_DATA_HOME/tandem', () => {
    expect(resolveDataDir('/caller', { TANDEM_DATA_DIR: '/env' })).toBe('/env')
    expect(resolveDataDir('/caller', {})).toBe('/caller')
    expect(resolveDataDir(undefined, { XDG_DATA_HOME: '/xdg' })).toBe(join('/xdg', 'tandem'))
  })
})

describe('redis.conf generation', () => {
  it('quotes what sdssplitargs would split or unescape', () => {
    expect(quoteConfArg('/plain/path')).toBe('/plain/path')
    expect(quoteConfArg('/with space/x')).toBe('"/with space/x"')
    expect(quoteConfArg('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(quoteConfArg('')).toBe('""')
  })

  it('never lets extra directives override or inject the managed ones', () => {
    const conf = renderRedisConf({
      port: 7005,
      dir: '/d',
      name: 'x\nport 1',
      config: { port: '1', Dir: '/etc', 'maxmemory': '10mb\nport 2', 'bad name': 'x' },
    })
    const directives = conf.split('\n').filter((l) => l && !l.startsWith('#'))
    expect(directives.filter((l) => l.startsWith('port '))).toEqual(['port 7005'])
    expect(directives.filter((l) => /^dir /i.test(l))).toEqual(['dir /d'])
    expect(directives).toContain('maxmemory 10mb port 2')
    expect(conf).not.toContain('bad name')
  })
})
