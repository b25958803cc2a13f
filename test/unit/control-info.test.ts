import { describe, expect, it } from 'vitest'
import { countKeys, offlineStatus, parseInfo, persistenceFromInfo, roleFromRoleReply, statusFromInfo } from '../../main/control/info'
import { persistenceReplyMessage } from '../../main/control/persistence-actions'
import { consoleArgs, createRequest, nodeId } from '../../main/control/validate'
import { parseWireRequest } from '../../main/web/web-server'
import { resolveStaticPath, contentTypeFor } from '../../main/web/static-files'

const MASTER_INFO = [
  '# Server',
  'redis_version:7.0.15',
  '',
  '# Clients',
  'connected_clients:3',
  '# Memory',
  'used_memory:1048576',
  'used_memory_human:1.00M',
  '# Stats',
  'instantaneous_ops_per_sec:42',
  '# Replication',
  'role:master',
  'connected_slaves:1',
  'slave0:ip=127.0.0.1,port=7002,state=online,offset=100,lag=0',
  'master_repl_offset:1234',
  '# Keyspace',
  'db0:keys=10,expires=2,avg_ttl=0',
  'db3:keys=5,expires=0,avg_ttl=0',
].join('\r\n')

describe('INFO → NodeStatus', () => {
  it('reads a master', () => {
    const s = statusFromInfo({ id: 'a', processState: 'running' }, parseInfo(MASTER_INFO), 'unknown', 99)
    expect(s).toEqual({
      id: 'a',
      processState: 'running',
      live: true,
      role: 'master',
      keys: 15,
      usedMemory: 1048576,
      usedMemoryHuman: '1.00M',
      opsPerSec: 42,
      connectedClients: 3,
      replOffset: 1234,
      connectedReplicas: 1,
      updatedAt: 99,
    })
  })

  it('reads a replica with its link', () => {
    const info = parseInfo('role:slave\nmaster_host:127.0.0.1\nmaster_port:7001\nmaster_link_status:down\nslave_repl_offset:77\nmaster_repl_offset:80\n')
    const s = statusFromInfo({ id: 'b', processState: 'running' }, info)
    expect(s.role).toBe('replica')
    expect(s.masterHost).toBe('127.0.0.1')
    expect(s.masterPort).toBe(7001)
    expect(s.masterLinkStatus).toBe('down')
    expect(s.replOffset).toBe(77)
  })

  it('ROLE wins over INFO when present; no keyspace means 0 keys', () => {
    expect(roleFromRoleReply(['slave', '127.0.0.1', 7001, 'connected', 10])).toBe('replica')
    expect(roleFromRoleReply('nonsense')).toBe('unknown')
    expect(countKeys(parseInfo('# Keyspace\n'))).toBe(0)
  })

  it('an unreachable node keeps what was last seen, marked not live with the reason', () => {
    const seen = statusFromInfo({ id: 'a', processState: 'running' }, parseInfo(MASTER_INFO))
    const s = offlineStatus('a', 'running', 'connect ECONNREFUSED', seen)
    expect(s.live).toBe(false)
    expect(s.error).toBe('connect ECONNREFUSED')
    expect(s.keys).toBe(15)
    expect(s.opsPerSec).toBe(0)
  })
})

/** Redis 7.0.15's INFO (server + persistence, trimmed) with AOF on, a BGSAVE running and a rewrite waiting for it. */
const PERSISTENCE_INFO = [
  '# Server',
  'redis_version:7.0.15',
  'server_time_usec:1795675822670605',
  '# Persistence',
  'loading:0',
  'async_loading:0',
  'rdb_changes_since_last_save:340',
  'rdb_bgsave_in_progress:1',
  'rdb_last_save_time:1795675810',
  'rdb_last_bgsave_status:err',
  'rdb_last_bgsave_time_sec:2',
  'rdb_current_bgsave_time_sec:0',
  'aof_enabled:1',
  'aof_rewrite_in_progress:0',
  'aof_rewrite_scheduled:1',
  'aof_last_rewrite_time_sec:-1',
  'aof_last_bgrewrite_status:ok',
  'aof_last_write_status:ok',
].join('\r\n')

describe('INFO persistence → NodeStatus.persistence', () => {
  it('reads every field Redis 7.0 prints', () => {
    const now = 5_000_000
    const s = statusFromInfo({ id: 'a', processState: 'running' }, parseInfo(PERSISTENCE_INFO), 'master', now)
    expect(s.persistence).toEqual({
      loading: false,
      changesSinceLastSave: 340,
      // The server's clock said the save was 12.670605 s ago; shown on ours.
      lastSaveAt: now - 12_670,
      bgsaveInProgress: true,
      lastBgsaveStatus: 'err',
      lastBgsaveDurationSec: 2,
      aofEnabled: true,
      aofRewriteInProgress: false,
      aofRewriteScheduled: true,
      lastAofRewriteDurationSec: -1,
      lastAofRewriteStatus: 'ok',
      lastAofWriteStatus: 'ok',
    })
  })

  it('without server_time_usec the save time is taken as is; loading and a running rewrite show', () => {
    const p = persistenceFromInfo(parseInfo('loading:1\nrdb_last_save_time:1700000000\naof_enabled:0\naof_rewrite_in_progress:1\n'), 1)
    expect(p?.lastSaveAt).toBe(1_700_000_000_000)
    expect(p?.loading).toBe(true)
    expect(p?.aofEnabled).toBe(false)
    expect(p?.aofRewriteInProgress).toBe(true)
    expect(p?.lastBgsaveDurationSec).toBe(-1)
    expect(p?.lastAofRewriteDurationSec).toBe(-1)
  })

  it('a server with no persistence section has none, and an unreachable node drops it', () => {
    expect(persistenceFromInfo(parseInfo(MASTER_INFO))).toBeUndefined()
    expect(statusFromInfo({ id: 'a', processState: 'running' }, parseInfo(MASTER_INFO)).persistence).toBeUndefined()
    const seen = statusFromInfo({ id: 'a', processState: 'running' }, parseInfo(PERSISTENCE_INFO))
    expect(seen.persistence).toBeDefined()
    expect(offlineStatus('a', 'stopped', undefined, seen).persistence).toBeUndefined()
  })

  it('turns the server reply to BGSAVE/BGREWRITEAOF into the message shown, or an error naming the node', () => {
    expect(persistenceReplyMessage('BGSAVE', 'n1', { type: 'status', value: 'Background saving started' })).toBe('Background saving started')
    expect(() => persistenceReplyMessage('BGSAVE', 'n1', { type: 'error', value: 'ERR Background save already in progress' })).toThrow(
      'BGSAVE on "n1" failed: ERR Background save already in progress',
    )
    expect(() => persistenceReplyMessage('BGREWRITEAOF', 'n1', { type: 'nil' })).toThrow('BGREWRITEAOF on "n1": unexpected nil reply')
  })
})

describe('API input validation', () => {
  it('rejects bad ports, ids and argv with clear messages', () => {
    expect(() => createRequest({ port: 70000 })).toThrow('invalid port 70000: must be an integer from 1 to 65535')
    expect(() => createRequest({ port: 1.5 })).toThrow(/invalid port/)
    expect(() => createRequest({ port: '7000' })).toThrow(/invalid port "7000"/)
    expect(() => createRequest({ config: { port: '1' } })).toThrow('config directive "port" is managed by Tandem and cannot be set')
    expect(() => nodeId({}, 'node.start')).toThrow('node.start: "id" must be a non-empty string')
    expect(() => consoleArgs({ id: 'x', argv: [] })).toThrow(/"argv" is empty/)
    expect(() => consoleArgs({ id: 'x', argv: ['GET', 1] })).toThrow(/array of strings/)
    expect(createRequest({ name: '  main ', port: 7000 })).toEqual({ name: 'main', port: 7000 })
  })

  it('checks WebSocket frames', () => {
    expect(parseWireRequest('{oops')).toBe('frame is not JSON')
    expect(parseWireRequest('{"kind":"call","method":"fleet.list"}')).toBe('frame needs a numeric "id"')
    expect(parseWireRequest('{"kind":"call","id":3,"method":"fleet.list","params":{}}')).toEqual({ kind: 'call', id: 3, method: 'fleet.list', params: {} })
  })
})

describe('static files of web mode', () => {
  it('stays inside the renderer folder', () => {
    expect(resolveStaticPath('/r', '/')).toBe('/r/index.html')
    expect(resolveStaticPath('/r', '/assets/app.js')).toBe('/r/assets/app.js')
    expect(resolveStaticPath('/r', '/../etc/passwd')).toBeNull()
    expect(resolveStaticPath('/r', '/%2e%2e/%2e%2e/etc/passwd')).toBeNull()
    expect(resolveStaticPath('/r', '/a%00b')).toBeNull()
    expect(resolveStaticPath('/r', '/%E0%A4%A')).toBeNull()
  })

  it('labels content types', () => {
    expect(contentTypeFor('x/index.html')).toBe('text/html; charset=utf-8')
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8')
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8')
    expect(contentTypeFor('a.bin')).toBe('application/octet-stream')
  })
})
