/**
 * The replica class of client-output-buffer-limit as the master side reads
 * it, and when a replica link is over it (hard at once, soft after its
 * seconds), counting held stream bytes but not RDB bytes still queued.
 */
import { describe, expect, it } from 'vitest'
import { ReplicaLink, defaultReplicaOptions, overLimit, replicaBufferLimit } from '../../main/server/replication/master-link'
import type { ReplicaConnection } from '../../main/server/core'

function link(pending: () => number): ReplicaLink {
  const conn = { ip: '127.0.0.1', pendingBytes: 0, write: () => {}, close: () => {}, onClose: () => {} } as unknown as ReplicaConnection
  Object.defineProperty(conn, 'pendingBytes', { get: pending })
  return new ReplicaLink(conn, defaultReplicaOptions(), false, 0)
}

describe('replicaBufferLimit', () => {
  it('reads the replica (or slave) class with memory units, else Redis default', () => {
    expect(replicaBufferLimit('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60')).toEqual({ hard: 268435456, soft: 67108864, softSeconds: 60 })
    expect(replicaBufferLimit('replica 1mb 512kb 10')).toEqual({ hard: 1024 * 1024, soft: 512 * 1024, softSeconds: 10 })
    expect(replicaBufferLimit('normal 0 0 0')).toEqual({ hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60 })
  })
})

describe('overLimit', () => {
  it('hard limit at once, soft limit only after its seconds, reset when back under', () => {
    const l = link(() => 0)
    const limit = { hard: 1000, soft: 100, softSeconds: 2 }
    l.hold(Buffer.alloc(150))
    expect(overLimit(l, limit, 0)).toBe(false)
    expect(overLimit(l, limit, 1500)).toBe(false)
    expect(overLimit(l, limit, 2500)).toBe(true)
    l.takeHeld()
    expect(overLimit(l, limit, 2600)).toBe(false)
    l.hold(Buffer.alloc(150))
    expect(overLimit(l, limit, 2700)).toBe(false)
    l.hold(Buffer.alloc(900))
    expect(overLimit(l, limit, 2701)).toBe(true)
  })

  it('RDB bytes still in the socket queue do not count, stream bytes behind them do', () => {
    let pending = 5000
    const l = link(() => pending)
    const limit = { hard: 1000, soft: 0, softSeconds: 0 }
    expect(overLimit(l, limit, 0)).toBe(false)
    l.streamWritten = 1200
    pending = 6200
    expect(overLimit(l, limit, 0)).toBe(true)
    pending = 800
    expect(overLimit(l, limit, 0)).toBe(false)
  })
})
