/**
 * The replication backlog as PSYNC uses it: Redis offsets (first byte = 1),
 * what a partial resync can be served from, wrap-around and resizing.
 */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ReplicationBacklog } from '../../main/server/replication/backlog'

const MIN = 16 * 1024

describe('ReplicationBacklog', () => {
  it('starts after the current offset and serves exactly the bytes a replica missed', () => {
    const backlog = new ReplicationBacklog(MIN, 100)
    expect(backlog.firstByteOffset).toBe(101)
    expect(backlog.histlen).toBe(0)
    expect(backlog.readFrom(101)).toEqual(Buffer.alloc(0))
    expect(backlog.covers(100)).toBe(false)
    backlog.append(Buffer.from('hello '))
    backlog.append(Buffer.from('world'))
    expect(backlog.readFrom(101)?.toString()).toBe('hello world')
    expect(backlog.readFrom(107)?.toString()).toBe('world')
    // Up to date: nothing to send, but still served (+CONTINUE with 0 bytes).
    expect(backlog.readFrom(112)?.toString()).toBe('')
    // Beyond the end of the stream or before the history: a full resync.
    expect(backlog.readFrom(113)).toBeUndefined()
    expect(backlog.readFrom(100)).toBeUndefined()
  })

  it('keeps the newest `size` bytes across wrap-around', () => {
    const backlog = new ReplicationBacklog(MIN, 0)
    const stream: Buffer[] = []
    for (let i = 0; i < 50; i++) {
      const chunk = Buffer.alloc(1000 + i * 7, i)
      stream.push(chunk)
      backlog.append(chunk)
    }
    const all = Buffer.concat(stream)
    expect(backlog.histlen).toBe(MIN)
    expect(backlog.firstByteOffset).toBe(all.length - MIN + 1)
    expect(backlog.readFrom(backlog.firstByteOffset)?.equals(all.subarray(all.length - MIN))).toBe(true)
    expect(backlog.readFrom(backlog.firstByteOffset - 1)).toBeUndefined()
  })

  it('any offset in the history reads back the stream suffix (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9000 }), { maxLength: 12 }), fc.nat(), (sizes, pick) => {
        const backlog = new ReplicationBacklog(MIN, 5)
        const parts = sizes.map((n, i) => Buffer.alloc(n, i + 1))
        for (const p of parts) backlog.append(p)
        const all = Buffer.concat(parts)
        const first = backlog.firstByteOffset
        const last = 5 + all.length + 1
        const offset = first + (pick % (last - first + 1))
        expect(backlog.readFrom(offset)?.equals(all.subarray(offset - 6))).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('a resize keeps the newest bytes that still fit, with their offsets', () => {
    const backlog = new ReplicationBacklog(64 * 1024, 0)
    const data = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251))
    backlog.append(data)
    backlog.resize(MIN)
    expect(backlog.size).toBe(MIN)
    expect(backlog.histlen).toBe(MIN)
    expect(backlog.firstByteOffset).toBe(40_000 - MIN + 1)
    expect(backlog.readFrom(40_000 - MIN + 1)?.equals(data.subarray(40_000 - MIN))).toBe(true)
    backlog.append(Buffer.from('next'))
    expect(backlog.readFrom(40_001)?.toString()).toBe('next')
  })
})
