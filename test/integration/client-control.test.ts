/**
 * MONITOR, CLIENT PAUSE/UNPAUSE, RESET and CLIENT LIST's live fields over real
 * connections, against tandem-server and (same expectations) real Redis 7.0,
 * so what is asserted is Redis's own behaviour. MONITOR lines are compared
 * with the timestamp and peer port masked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connect as netConnect, type Socket } from 'node:net'
import Redis from 'ioredis'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const kinds = hasRealRedis() ? (['tandem', 'redis'] as const) : (['tandem'] as const)

/** A raw connection collecting every byte the server sends. */
async function rawClient(port: number): Promise<{ socket: Socket; received: () => string }> {
  const socket = netConnect(port, '127.0.0.1')
  let data = ''
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')))
  await new Promise<void>((res) => socket.once('connect', () => res()))
  return { socket, received: () => data }
}

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const masked = (stream: string): string =>
  stream.replace(/^\+\d+\.\d{6} \[(\d+) 127\.0\.0\.1:\d+\]/gm, '+T [$1 ADDR]')

describe.each(kinds)('client control (%s)', (kind) => {
  let server: RunningServer
  const clients: Redis[] = []
  const sockets: Socket[] = []

  beforeAll(async () => {
    server = kind === 'tandem' ? await startTandem(['--save', '']) : await startRedis()
  })
  afterAll(async () => {
    await server?.stop()
  })
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy()
    for (const c of clients.splice(0)) c.disconnect()
    const admin = connect()
    await admin.client('UNPAUSE')
    await admin.flushall()
    admin.disconnect()
    clients.pop()
  })

  function connect(name?: string): Redis {
    const client = new Redis({ port: server.port, connectionName: name, maxRetriesPerRequest: 0, retryStrategy: () => null })
    clients.push(client)
    return client
  }

  it('MONITOR streams other clients\' commands in Redis\'s format, passwords redacted, EXEC\'s commands before EXEC', async () => {
    const monitor = await rawClient(server.port)
    sockets.push(monitor.socket)
    monitor.socket.write('MONITOR\r\n')
    await until(() => monitor.received() === '+OK\r\n', 'MONITOR +OK')
    const other = await rawClient(server.port)
    sockets.push(other.socket)
    other.socket.write(
      'SET k "a b\\n\\x01\\"" \r\nSELECT 2\r\nMULTI\r\nINCR n\r\nEXEC\r\nAUTH secret\r\nHELLO 3 AUTH default pw\r\nCONFIG GET port\r\nNOSUCH x\r\nPING\r\n',
    )
    await until(() => monitor.received().includes('"PING"'), 'PING in the stream')
    expect(masked(monitor.received())).toBe(
      [
        '+OK',
        '+T [0 ADDR] "SET" "k" "a b\\n\\x01\\""',
        '+T [2 ADDR] "SELECT" "2"',
        '+T [2 ADDR] "MULTI"',
        '+T [2 ADDR] "INCR" "n"',
        '+T [2 ADDR] "EXEC"',
        '+T [2 ADDR] "AUTH" "(redacted)"',
        '+T [2 ADDR] "HELLO" "3" "AUTH" "(redacted)" "(redacted)"',
        '+T [2 ADDR] "PING"',
        '',
      ].join('\r\n'),
    )
    // The monitor itself may not touch the keyspace; RESET turns it back into a normal client.
    monitor.socket.write('GET k\r\nRESET\r\nGET k\r\n')
    await until(() => monitor.received().endsWith('$6\r\na b\n\x01"\r\n'), 'GET after RESET')
    expect(monitor.received()).toContain("-ERR Replica can't interact with the keyspace\r\n+RESET\r\n")
  })

  it('CLIENT PAUSE WRITE holds writes (not reads) until UNPAUSE, and the held client shows as blocked', async () => {
    const admin = connect('admin')
    const writer = connect('writer')
    const reader = connect('reader')
    await writer.set('k', 'before')
    expect(await admin.client('PAUSE', 10_000, 'WRITE')).toBe('OK')
    const write = writer.set('k', 'after')
    let written = false
    void write.then(() => (written = true))
    expect(await reader.get('k')).toBe('before')
    await until(async () => String(await admin.client('LIST')).includes(' name=writer age='), 'writer listed')
    await until(async () => /name=writer .*flags=b /.test(String(await admin.client('LIST'))), 'writer held')
    expect(await admin.info('clients')).toContain('blocked_clients:1\r\n')
    expect(written).toBe(false)
    expect(await admin.client('UNPAUSE')).toBe('OK')
    expect(await write).toBe('OK')
    expect(await reader.get('k')).toBe('after')
  })

  it('CLIENT PAUSE refuses bad arguments with Redis\'s errors', async () => {
    const c = connect()
    await expect(c.call('CLIENT', 'PAUSE', 10, 'READ')).rejects.toThrow('ERR CLIENT PAUSE mode must be WRITE or ALL')
    await expect(c.client('PAUSE', -1)).rejects.toThrow('ERR timeout is negative')
    await expect(c.client('PAUSE', 'x')).rejects.toThrow('ERR timeout is not an integer or out of range')
    await expect(c.call('CLIENT', 'NO-EVICT', 'maybe')).rejects.toThrow('ERR syntax error')
    expect(await c.call('CLIENT', 'NO-EVICT', 'on')).toBe('OK')
    expect(String(await c.client('INFO'))).toContain(' flags=e ')
  })

  it('RESET leaves MULTI, subscriptions, the database, the name and RESP3', async () => {
    const raw = await rawClient(server.port)
    sockets.push(raw.socket)
    raw.socket.write('HELLO 3\r\nSELECT 4\r\nCLIENT SETNAME foo\r\nSUBSCRIBE a\r\nMULTI\r\nRESET\r\nCLIENT INFO\r\n')
    await until(() => raw.received().includes('resp='), 'CLIENT INFO')
    const info = raw.received().slice(raw.received().indexOf('+RESET\r\n'))
    expect(info).toMatch(/^\+RESET\r\n\$\d+\r\nid=\d+ /)
    expect(info).toMatch(/ name= age=\d+ idle=\d+ flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 /)
    expect(info).toContain(' resp=2\n')
  })

  it('CLIENT LIST shows subscriptions, MULTI and blocked clients', async () => {
    const admin = connect('admin')
    const sub = connect('sub')
    await sub.subscribe('a', 'b')
    await sub.psubscribe('x*')
    const tx = connect('tx')
    await tx.call('MULTI')
    await tx.call('SET', 'a', '1')
    await tx.call('GET', 'a')
    const blocked = connect('blocked')
    void blocked.blpop('nothing', 0).catch(() => undefined)
    await until(async () => / name=blocked .*cmd=blpop /.test(String(await admin.client('LIST'))), 'blocked client')
    const list = String(await admin.client('LIST'))
    expect(list).toMatch(/ name=sub .* flags=P db=0 sub=2 psub=1 ssub=0 multi=-1 /)
    expect(list).toMatch(/ name=tx .* flags=x db=0 sub=0 psub=0 ssub=0 multi=2 /)
    expect(list).toMatch(/ name=blocked .* flags=b db=0 /)
    const info = await admin.info()
    expect(info).toContain('blocked_clients:1\r\n')
    expect(info).toContain('pubsub_channels:2\r\n')
    expect(info).toContain('pubsub_patterns:1\r\n')
  })

  it('CLIENT LIST/KILL TYPE pubsub match clients with a subscription, until they unsubscribe from everything', async () => {
    const admin = connect('admin')
    const names = async (type: string): Promise<string[]> =>
      [...String(await admin.call('CLIENT', 'LIST', 'TYPE', type)).matchAll(/ name=(\S*) /g)].map((m) => m[1]).sort()
    const channel = connect('channel')
    const pattern = connect('pattern')
    connect('plain')
    await channel.subscribe('news')
    await pattern.psubscribe('n*')
    await until(async () => (await names('normal')).includes('plain'), 'plain client')
    expect(await names('pubsub')).toEqual(['channel', 'pattern'])
    expect(await names('normal')).toEqual(['admin', 'plain'])
    await channel.unsubscribe()
    expect(await names('pubsub')).toEqual(['pattern'])
    expect(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(1)
    await until(async () => !(await names('normal')).includes('pattern') && (await names('pubsub')).length === 0, 'pattern killed')
    expect(await names('normal')).toEqual(['admin', 'channel', 'plain'])
  })
})
