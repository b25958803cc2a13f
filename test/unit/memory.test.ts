import { describe, expect, it } from 'vitest'
import { MemoryManager, USED_MEMORY_STARTUP, idleSeconds, lfuFrequency } from '../../main/server/store/memory'
import { allocSize, keyUsage } from '../../main/server/store/memory-size'
import { stringValue } from '../../main/server/store/values'
import { listValue } from '../../main/server/store/list'
import { fakeServer, resp } from './helpers/fake-context'
import { createDatabases } from '../../main/server/store/database'

function setup(): { server: ReturnType<typeof fakeServer>; memory: MemoryManager } {
  const server = fakeServer()
  return { server, memory: new MemoryManager(server, () => 0.5) }
}

describe('per-key charge (MEMORY USAGE figures of Redis 7.0.15)', () => {
  it('matches redis-server for int, embstr and raw strings', () => {
    // Recorded with `SET k v` + `MEMORY USAGE k` on Redis 7.0.15 (jemalloc 5.3.0).
    expect(keyUsage('foo', stringValue(Buffer.from('bar')))).toBe(64)
    expect(keyUsage('k12345', stringValue(Buffer.alloc(100, 'a')))).toBe(160)
    expect(keyUsage('n', stringValue(Buffer.from('12345')))).toBe(48)
    expect(keyUsage('big', stringValue(Buffer.alloc(1000, 'a')))).toBe(1072)
  })

  it('uses jemalloc size classes', () => {
    expect([1, 8, 9, 23, 104, 129, 1004, 1025].map(allocSize)).toEqual([8, 8, 16, 32, 112, 160, 1024, 1280])
  })

  it('charges a longer list more than a shorter one', () => {
    const small = keyUsage('l', listValue([Buffer.from('a')]))
    const large = keyUsage('l', listValue(Array.from({ length: 5000 }, () => Buffer.alloc(20, 'x'))))
    expect(small).toBeGreaterThan(40)
    expect(large).toBeGreaterThan(5000 * 20)
  })
})

describe('used_memory', () => {
  it('starts at the baseline, grows with writes and returns to it after DEL', () => {
    const { server, memory } = setup()
    expect(memory.usedMemory()).toBe(USED_MEMORY_STARTUP)
    server.call('SET', 'foo', 'bar')
    const one = memory.usedMemory()
    expect(one).toBeGreaterThan(USED_MEMORY_STARTUP)
    server.call('SET', 'big', 'x'.repeat(10000))
    const two = memory.usedMemory()
    expect(two - one).toBeGreaterThan(10000)
    expect(server.call('APPEND', 'big', 'y'.repeat(5000))).toBe(resp.int(15000))
    expect(memory.usedMemory() - two).toBeGreaterThan(4000)
    expect(server.call('DEL', 'big', 'foo')).toBe(resp.int(2))
    expect(memory.usedMemory()).toBe(USED_MEMORY_STARTUP)
  })

  it('drops what a flushed database and an expired key held', () => {
    const { server, memory } = setup()
    server.call('SET', 'a', 'x'.repeat(100))
    server.call('SET', 'b', 'y', 'PX', '100')
    server.db().set('c', stringValue(Buffer.from('zz')))
    server.clock += 200
    expect(server.call('GET', 'b')).toBe(resp.nil)
    expect(memory.usedMemory()).toBe(USED_MEMORY_STARTUP + keyUsage('a', stringValue(Buffer.alloc(100))) + keyUsage('c', stringValue(Buffer.from('zz'))) + 32)
    server.db().flush()
    expect(memory.usedMemory()).toBe(USED_MEMORY_STARTUP)
  })

  it('reports the peak and Redis 7.0.15 INFO memory fields in order', () => {
    const { server, memory } = setup()
    server.call('SET', 'k', 'v'.repeat(5000))
    const peak = memory.usedMemory()
    server.call('DEL', 'k')
    const lines = memory.infoLines()
    const fields = Object.fromEntries(lines.map((l) => l.split(':') as [string, string]))
    expect(Number(fields.used_memory)).toBe(USED_MEMORY_STARTUP)
    expect(Number(fields.used_memory_peak)).toBe(peak)
    expect(fields.used_memory_startup).toBe(String(USED_MEMORY_STARTUP))
    expect(fields.maxmemory_policy).toBe('noeviction')
    // Field names of `INFO memory` on Redis 7.0.15, in its order.
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'used_memory', 'used_memory_human', 'used_memory_rss', 'used_memory_rss_human', 'used_memory_peak', 'used_memory_peak_human',
      'used_memory_peak_perc', 'used_memory_overhead', 'used_memory_startup', 'used_memory_dataset', 'used_memory_dataset_perc',
      'allocator_allocated', 'allocator_active', 'allocator_resident', 'total_system_memory', 'total_system_memory_human',
      'used_memory_lua', 'used_memory_vm_eval', 'used_memory_lua_human', 'used_memory_scripts_eval', 'number_of_cached_scripts',
      'number_of_functions', 'number_of_libraries', 'used_memory_vm_functions', 'used_memory_vm_total', 'used_memory_vm_total_human',
      'used_memory_functions', 'used_memory_scripts', 'used_memory_scripts_human', 'maxmemory', 'maxmemory_human', 'maxmemory_policy',
      'allocator_frag_ratio', 'allocator_frag_bytes', 'allocator_rss_ratio', 'allocator_rss_bytes', 'rss_overhead_ratio',
      'rss_overhead_bytes', 'mem_fragmentation_ratio', 'mem_fragmentation_bytes', 'mem_not_counted_for_evict', 'mem_replication_backlog',
      'mem_total_replication_buffers', 'mem_clients_slaves', 'mem_clients_normal', 'mem_cluster_links', 'mem_aof_buffer',
      'mem_allocator', 'active_defrag_running', 'lazyfree_pending_objects', 'lazyfreed_objects',
    ])
  })
})

describe('access metadata for OBJECT IDLETIME / FREQ', () => {
  it('idle time counts from the last read or write, EXISTS does not reset it', () => {
    const { server } = setup()
    server.call('SET', 'k', 'v')
    server.clock += 10_500
    expect(idleSeconds(server.db(), 'k', server.clock)).toBe(10)
    server.call('EXISTS', 'k')
    expect(idleSeconds(server.db(), 'k', server.clock)).toBe(10)
    server.call('GET', 'k')
    expect(idleSeconds(server.db(), 'k', server.clock)).toBe(0)
    expect(idleSeconds(server.db(), 'missing', server.clock)).toBeUndefined()
  })

  it('a new key starts at LFU_INIT_VAL and accesses raise the counter', () => {
    const { server } = setup()
    server.db().memory.tuning.random = () => 0
    server.call('SET', 'k', 'v')
    expect(lfuFrequency(server.db(), 'k', server.clock)).toBe(5)
    for (let i = 0; i < 3; i++) server.call('GET', 'k')
    expect(lfuFrequency(server.db(), 'k', server.clock)).toBe(8)
    server.clock += 5 * 60_000
    expect(lfuFrequency(server.db(), 'k', server.clock)).toBe(3)
  })
})

describe('LFU tuning across a swap of contents', () => {
  it('stays with the live database, so data swapped in from staging follows lfu-log-factor', () => {
    const { server, memory } = setup()
    const live = server.databases[0]
    const staging = createDatabases(1, server as unknown as Parameters<typeof createDatabases>[1])[0]
    expect(live.memory.tuning).toBe(memory.tuning)
    expect(staging.memory.tuning).not.toBe(memory.tuning)
    live.swapContents(staging)
    expect(live.memory.tuning).toBe(memory.tuning)
    expect(staging.memory.tuning).not.toBe(memory.tuning)
  })
})
