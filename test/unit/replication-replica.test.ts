/**
 * The replica's pure pieces: the full-sync payload receiver (keepalives,
 * `$len` and `$EOF:` framing split across reads, progress counters, errors)
 * and the handshake helpers (pipelined steps from the config, PING and PSYNC
 * reply reading).
 */
import { describe, expect, it } from 'vitest'
import { MemorySink, SyncPayloadReceiver } from '../../main/server/replication/sync-receiver'
import { handshakeSteps, parsePsyncReply, pingReplyAcceptable, takeLine } from '../../main/server/replication/handshake'
import type { ConfigView } from '../../main/server/context'

const MARK = '0123456789abcdef0123456789abcdef01234567'

function receiver(): { r: SyncPayloadReceiver; sink: MemorySink; logs: string[] } {
  const sink = new MemorySink()
  const logs: string[] = []
  return { r: new SyncPayloadReceiver(sink, 0, (m) => logs.push(m), 'disk'), sink, logs }
}

/** Feeds `bytes` one byte per read, as the worst case of TCP segmentation. */
function feedBytewise(r: SyncPayloadReceiver, bytes: Buffer): ReturnType<SyncPayloadReceiver['push']>[] {
  const results = []
  for (let i = 0; i < bytes.length; i++) results.push(r.push(bytes.subarray(i, i + 1), i))
  return results
}

describe('SyncPayloadReceiver', () => {
  it('reads a $len payload after keepalive newlines and returns what follows it', () => {
    const { r, sink, logs } = receiver()
    expect(r.totalBytes).toBe(-1)
    expect(r.push(Buffer.from('\n\n'), 1)).toEqual({ kind: 'more' })
    expect(r.push(Buffer.from('$10\r\n0123'), 2)).toEqual({ kind: 'more' })
    expect(r).toMatchObject({ totalBytes: 10, readBytes: 4, lastIo: 2 })
    const done = r.push(Buffer.from('456789*1\r\n$4\r\nping\r\n'), 3)
    expect(done.kind).toBe('done')
    expect(done.kind === 'done' && done.rest.toString()).toBe('*1\r\n$4\r\nping\r\n')
    expect(sink.contents().toString()).toBe('0123456789')
    expect(logs).toEqual(['MASTER <-> REPLICA sync: receiving 10 bytes from master to disk'])
  })

  it('finds the $EOF: mark even when every byte arrives alone, and keeps the mark out of the payload', () => {
    const { r, sink, logs } = receiver()
    const payload = Buffer.from(`REDIS0010${MARK.slice(0, 39)}x-body`)
    const results = feedBytewise(r, Buffer.concat([Buffer.from(`$EOF:${MARK}\r\n`), payload, Buffer.from(MARK)]))
    expect(results.slice(0, -1).every((x) => x.kind === 'more')).toBe(true)
    expect(results[results.length - 1]).toEqual({ kind: 'done', rest: Buffer.alloc(0) })
    expect(sink.contents().equals(payload)).toBe(true)
    expect(r.totalBytes).toBe(0)
    expect(r.readBytes).toBe(payload.length + MARK.length)
    expect(logs).toEqual(['MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk'])
  })

  it('reports an error from the master and a line that is not a bulk', () => {
    const a = receiver()
    expect(a.r.push(Buffer.from('-ERR snapshot failed\r\n'), 0)).toEqual({ kind: 'error', message: 'ERR snapshot failed' })
    expect(a.logs).toEqual(['MASTER aborted replication with an error: ERR snapshot failed'])
    const b = receiver()
    expect(b.r.push(Buffer.from('+PONG\r\n'), 0).kind).toBe('error')
    expect(b.logs[0]).toContain("the first byte is not '$' (we received '+PONG')")
  })

  it('completes an empty $0 payload at once', () => {
    const { r } = receiver()
    expect(r.push(Buffer.from('$0\r\n'), 0)).toEqual({ kind: 'done', rest: Buffer.alloc(0) })
  })
})

function config(values: Record<string, string>): ConfigView {
  return {
    get: (name) => values[name] ?? '',
    number: (name) => Number(values[name] ?? 0),
    bool: (name) => values[name] === 'yes',
  }
}

describe('handshake helpers', () => {
  it('pipelines AUTH only with masterauth, the announced port over ours, ip-address only when announced', () => {
    expect(handshakeSteps(config({}), 7001).map((s) => s.bytes.toString())).toEqual([
      '*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n7001\r\n',
      '*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n',
    ])
    const full = handshakeSteps(config({ masterauth: 'pw', 'replica-announce-port': '9', 'replica-announce-ip': 'h' }), 7001)
    expect(full.map((s) => s.name)).toEqual(['auth', 'port', 'ip', 'capa'])
    expect(full[0].bytes.toString()).toBe('*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n')
    expect(full[1].bytes.toString()).toContain('$1\r\n9\r\n')
    expect(handshakeSteps(config({ masterauth: 'pw', masteruser: 'u' }), 1)[0].bytes.toString()).toBe('*3\r\n$4\r\nAUTH\r\n$1\r\nu\r\n$2\r\npw\r\n')
  })

  it('accepts PING errors that only mean "authenticate first"', () => {
    expect(pingReplyAcceptable('+PONG')).toBe(true)
    expect(pingReplyAcceptable('-NOAUTH Authentication required.')).toBe(true)
    expect(pingReplyAcceptable('-NOPERM this user has no permissions')).toBe(true)
    expect(pingReplyAcceptable('-ERR operation not permitted')).toBe(true)
    expect(pingReplyAcceptable('-LOADING Redis is loading the dataset in memory')).toBe(false)
  })

  it('reads PSYNC replies as Redis does', () => {
    const id = 'f'.repeat(40)
    expect(parsePsyncReply(`+FULLRESYNC ${id} 1234`)).toEqual({ kind: 'full', replId: id, offset: 1234 })
    expect(parsePsyncReply(`+CONTINUE ${id}`)).toEqual({ kind: 'continue', replId: id })
    expect(parsePsyncReply('+CONTINUE')).toEqual({ kind: 'continue', replId: undefined })
    expect(parsePsyncReply("-NOMASTERLINK Can't SYNC while not connected with my master")).toEqual({ kind: 'retry-later' })
    expect(parsePsyncReply('-LOADING Redis is loading')).toEqual({ kind: 'retry-later' })
    expect(parsePsyncReply("-ERR unknown command 'PSYNC'")).toEqual({ kind: 'not-supported' })
    expect(parsePsyncReply('+OK')).toEqual({ kind: 'unexpected' })
  })

  it('takes CRLF and bare LF lines', () => {
    expect(takeLine(Buffer.from('+PONG\r\nrest'))).toMatchObject({ line: '+PONG' })
    expect(takeLine(Buffer.from('\nx'))?.line).toBe('')
    expect(takeLine(Buffer.from('+PON'))).toBeUndefined()
  })
})
