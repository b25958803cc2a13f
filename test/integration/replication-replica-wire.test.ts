/**
 * tandem-server as a replica of a scripted master on a raw socket: the exact
 * handshake bytes (PING alone, then AUTH / REPLCONF pipelined, then PSYNC),
 * keepalive newlines before +FULLRESYNC, the `$EOF:` and `$len` payloads, the
 * ACK right after the load, GETACK's offset (the GETACK itself excluded), a
 * transaction cut by a broken link resent whole, +CONTINUE with a new id, the
 * SYNC fallback, INFO during the transfer, and the master client seeing keys
 * its readers see as expired.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type Server, type Socket } from 'node:net'
import { RdbFileWriter } from '../../main/server/persistence/rdb-file'
import { stringValue } from '../../main/server/store/values'
import { encodeCommand } from '../../main/server/replication/propagation'
import { Fixture, info, waitUntil } from '../helpers/replication'

const fixture = new Fixture()
const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) s.close()
  await fixture.cleanup()
})

const MASTER_ID = 'a'.repeat(40)
const NEW_ID = 'b'.repeat(40)
const MARK = 'c'.repeat(40)

/** An RDB holding `live` = "value" and `dead` = "old" whose TTL passed a minute ago. */
function rdbPayload(): Buffer {
  const chunks: Buffer[] = []
  const w = new RdbFileWriter((c) => chunks.push(Buffer.from(c)), { compression: false, checksum: true })
  w.header([['redis-ver', '7.0.15'], ['repl-stream-db', '0'], ['repl-id', MASTER_ID], ['repl-offset', '100']])
  w.selectDb(0, 2, 1)
  w.key(Buffer.from('live'), stringValue(Buffer.from('value')), undefined)
  w.key(Buffer.from('dead'), stringValue(Buffer.from('old')), Date.now() - 60_000)
  w.finish()
  return Buffer.concat(chunks)
}

/** One connection of the replica to the scripted master: everything it sent so far, and waits on it. */
class Peer {
  received = Buffer.alloc(0)
  constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])))
    socket.on('error', () => {})
  }

  text(): string {
    return this.received.toString('latin1')
  }

  async waitFor(needle: string, timeoutMs = 5000): Promise<void> {
    await waitUntil(`replica to send ${JSON.stringify(needle)}`, async () => this.text().includes(needle), timeoutMs, async () => JSON.stringify(this.text()))
  }
}

async function scriptedMaster(): Promise<{ port: number; next(): Promise<Peer> }> {
  const waiting: ((p: Peer) => void)[] = []
  const ready: Peer[] = []
  const server = createServer((socket) => {
    const peer = new Peer(socket)
    const w = waiting.shift()
    if (w) w(peer)
    else ready.push(peer)
  })
  servers.push(server)
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    next: () => {
      const p = ready.shift()
      return p ? Promise.resolve(p) : new Promise((res) => waiting.push(res))
    },
  }
}

const cmd = (...args: string[]): string => encodeCommand(args).toString('latin1')

/** PING → +PONG, the pipelined steps → +OK each, up to the PSYNC line. */
async function handshake(peer: Peer, steps: number): Promise<void> {
  await peer.waitFor(cmd('PING'))
  peer.socket.write('+PONG\r\n')
  await peer.waitFor(cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2'))
  peer.socket.write('+OK\r\n'.repeat(steps))
  await peer.waitFor('PSYNC')
}

describe('tandem replica against a scripted master', () => {
  it('sends Redis 7.0 handshake bytes, tolerates keepalives, loads an $EOF: payload, ACKs, and answers GETACK with the offset before it', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', [
      '--replicaof', '127.0.0.1', String(master.port),
      '--masteruser', 'repluser', '--masterauth', 's3cret',
      '--replica-announce-ip', '10.0.0.9', '--replica-announce-port', '4321',
      '--repl-diskless-load', 'on-empty-db',
    ])
    const peer = await master.next()
    await peer.waitFor(cmd('PING'))
    // PING is sent alone: nothing else before its reply.
    expect(peer.text()).toBe(cmd('PING'))
    peer.socket.write('+PONG\r\n')
    await peer.waitFor(cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2'))
    expect(peer.text()).toBe(
      cmd('PING') + cmd('AUTH', 'repluser', 's3cret') + cmd('REPLCONF', 'listening-port', '4321') + cmd('REPLCONF', 'ip-address', '10.0.0.9') + cmd('REPLCONF', 'capa', 'eof', 'capa', 'psync2'),
    )
    // PSYNC waits for the replies.
    peer.socket.write('+OK\r\n+OK\r\n+OK\r\n+OK\r\n')
    await peer.waitFor(cmd('PSYNC', '?', '-1'))
    // Keepalive newlines while the "fork" starts, then the diskless transfer.
    peer.socket.write('\n\n')
    peer.socket.write(`+FULLRESYNC ${MASTER_ID} 100\r\n`)
    peer.socket.write('\n')
    peer.socket.write(Buffer.concat([Buffer.from(`$EOF:${MARK}\r\n`), rdbPayload(), Buffer.from(MARK)]))
    await peer.waitFor(cmd('REPLCONF', 'ACK', '100'))
    expect(await replica.client.get('live')).toBe('value')

    const r = await info(replica.client, 'replication')
    expect(r).toMatchObject({ master_link_status: 'up', master_replid: MASTER_ID, master_repl_offset: '100', slave_repl_offset: '100', repl_backlog_active: '1' })
    expect(replica.server.output()).toContain('MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser')

    // A key whose TTL passed: hidden from readers, but present for the master client (APPEND extends it).
    expect(await replica.client.get('dead')).toBeNull()
    const stream = cmd('SELECT', '0') + cmd('APPEND', 'dead', '+new') + cmd('PEXPIREAT', 'dead', String(Date.now() + 600_000))
    const getack = cmd('REPLCONF', 'GETACK', '*')
    peer.socket.write(stream + getack)
    const expected = 100 + Buffer.byteLength(stream)
    await peer.waitFor(cmd('REPLCONF', 'ACK', String(expected)))
    expect(await replica.client.get('dead')).toBe('old+new')
    // The GETACK counts once it ran.
    await waitUntil('offset past the GETACK', async () => (await info(replica.client, 'replication')).slave_repl_offset === String(expected + getack.length))
    expect((await info(replica.client, 'replication')).master_repl_offset).toBe(String(expected + getack.length))
  })

  it('reports the transfer in INFO and ROLE, keeps the old data meanwhile, and loads a $len payload followed by the stream in the same read', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port)])
    const peer = await master.next()
    await handshake(peer, 2)
    await peer.waitFor(cmd('PSYNC', '?', '-1'))
    const rdb = rdbPayload()
    peer.socket.write(`+FULLRESYNC ${MASTER_ID} 100\r\n$${rdb.length}\r\n`)
    peer.socket.write(rdb.subarray(0, 10))
    await waitUntil('transfer in INFO', async () => (await info(replica.client, 'replication')).master_sync_read_bytes === '10')
    const r = await info(replica.client, 'replication')
    expect(r).toMatchObject({
      master_link_status: 'down',
      master_sync_in_progress: '1',
      master_sync_total_bytes: String(rdb.length),
      master_sync_read_bytes: '10',
      master_sync_left_bytes: String(rdb.length - 10),
      master_sync_perc: ((10 / rdb.length) * 100).toFixed(2),
    })
    expect(((await replica.client.call('ROLE')) as unknown[])[3]).toBe('sync')
    // The temp file Redis names temp-<unixtime>.<pid>.rdb receives the bytes.
    expect(replica.server.output()).toContain(`MASTER <-> REPLICA sync: receiving ${rdb.length} bytes from master to disk`)

    peer.socket.write(Buffer.concat([rdb.subarray(10), Buffer.from(cmd('SELECT', '0') + cmd('SET', 'streamed', 'yes'))]))
    await waitUntil('streamed key', async () => (await replica.client.get('streamed')) === 'yes')
    expect(await replica.client.get('live')).toBe('value')
    expect(((await replica.client.call('ROLE')) as unknown[])[3]).toBe('connected')
  })

  it('resends a transaction cut by a broken link, and shifts ids on +CONTINUE with a new replication id', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port)])
    const first = await master.next()
    await handshake(first, 2)
    const rdb = rdbPayload()
    first.socket.write(`+FULLRESYNC ${MASTER_ID} 100\r\n$${rdb.length}\r\n`)
    first.socket.write(rdb)
    await first.waitFor(cmd('REPLCONF', 'ACK', '100'))
    const applied = cmd('SELECT', '0') + cmd('SET', 'a', '1')
    // The link breaks inside MULTI: those bytes do not count as applied.
    first.socket.write(applied + cmd('MULTI') + cmd('SET', 'b', '1'))
    await waitUntil('a applied', async () => (await replica.client.get('a')) === '1')
    first.socket.destroy()

    const second = await master.next()
    await handshake(second, 2)
    const resumeAt = 100 + Buffer.byteLength(applied) + 1
    await second.waitFor(cmd('PSYNC', MASTER_ID, String(resumeAt)))
    second.socket.write(`+CONTINUE ${NEW_ID}\r\n`)
    second.socket.write(cmd('MULTI') + cmd('SET', 'b', '1') + cmd('SET', 'c', '1') + cmd('EXEC'))
    await waitUntil('transaction applied', async () => (await replica.client.get('c')) === '1')
    expect(await replica.client.get('b')).toBe('1')
    const r = await info(replica.client, 'replication')
    expect(r).toMatchObject({ master_link_status: 'up', master_replid: NEW_ID, master_replid2: MASTER_ID, second_repl_offset: String(resumeAt) })
    expect(replica.server.output()).toContain(`Master replication ID changed to ${NEW_ID}`)
    expect(replica.server.output()).toContain('MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.')
  })

  it('repl-timeout: a silent master is dropped (handshake and streaming) and the replica reconnects with PSYNC', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port), '--repl-timeout', '1'])
    const mute = await master.next()
    await mute.waitFor(cmd('PING'))
    // No answer to PING: the attempt times out and a new connection comes.
    const peer = await master.next()
    expect(replica.server.output()).toContain('Timeout connecting to the MASTER...')
    await handshake(peer, 2)
    const rdb = rdbPayload()
    peer.socket.write(`+FULLRESYNC ${MASTER_ID} 100\r\n$${rdb.length}\r\n`)
    peer.socket.write(rdb)
    await peer.waitFor(cmd('REPLCONF', 'ACK', '100'))
    // Then silence after the sync: the link is dropped and resumed from the cached master.
    const again = await master.next()
    await handshake(again, 2)
    expect(again.text()).toContain(cmd('PSYNC', MASTER_ID, '101'))
    expect(replica.server.output()).toContain('MASTER timeout: no data nor PING received...')
  })

  it('repl-diskless-load swapdb keeps serving the old data when the new payload is bad, and swaps in a good one', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port), '--repl-diskless-load', 'swapdb'])
    const first = await master.next()
    await handshake(first, 2)
    const rdb = rdbPayload()
    first.socket.write(`+FULLRESYNC ${MASTER_ID} 100\r\n$EOF:${MARK}\r\n`)
    first.socket.write(Buffer.concat([rdb, Buffer.from(MARK)]))
    await first.waitFor(cmd('REPLCONF', 'ACK', '100'))
    expect(await replica.client.get('live')).toBe('value')
    first.socket.destroy()

    // The next sync delivers a truncated RDB: the load fails, the old keys stay.
    const second = await master.next()
    await handshake(second, 2)
    second.socket.write(`+FULLRESYNC ${NEW_ID} 500\r\n$EOF:${MARK}\r\n`)
    second.socket.write(Buffer.concat([rdb.subarray(0, rdb.length - 20), Buffer.from(MARK)]))
    await waitUntil('failed load logged', async () => replica.server.output().includes('Failed trying to load the MASTER synchronization DB from socket'))
    expect(replica.server.output()).toContain('MASTER <-> REPLICA sync: Discarding the half-loaded data')
    expect(await replica.client.get('live')).toBe('value')
    expect((await info(replica.client, 'replication')).master_link_status).toBe('down')
  })

  it('falls back to SYNC when the master answers PSYNC with an error', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port)])
    const peer = await master.next()
    await handshake(peer, 2)
    await peer.waitFor(cmd('PSYNC', '?', '-1'))
    peer.socket.write("-ERR unknown command 'PSYNC'\r\n")
    await peer.waitFor(cmd('SYNC'))
    const rdb = rdbPayload()
    peer.socket.write(Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb]))
    await waitUntil('loaded', async () => (await replica.client.get('live')) === 'value')
    expect(replica.server.output()).toContain("Master does not support PSYNC or is in error state (reply: -ERR unknown command 'PSYNC')")
  })

  it('gives up the attempt when AUTH is refused and retries', async () => {
    const master = await scriptedMaster()
    const replica = await fixture.start('tandem', ['--replicaof', '127.0.0.1', String(master.port), '--masterauth', 'wrong'])
    const peer = await master.next()
    await peer.waitFor(cmd('PING'))
    peer.socket.write('+PONG\r\n')
    await peer.waitFor(cmd('AUTH', 'wrong'))
    peer.socket.write('-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+OK\r\n')
    const retry = await master.next()
    await retry.waitFor(cmd('PING'))
    expect(replica.server.output()).toContain('Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled.')
    expect(peer.text()).not.toContain('PSYNC')
  })
})
