/**
 * tandem-server's core on the wire: replies compared byte for byte with what
 * Redis 7.0.15 sends, pipelining, protocol errors, redis-cli and ioredis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { connect } from 'node:net'
import Redis from 'ioredis'
import { startTandem, type RunningServer } from '../helpers/processes'

/** Sends `payload`, returns everything received until the server closes or `waitMs` passes. */
function exchange(port: number, payload: string | Buffer, waitMs = 300): Promise<{ data: string; closed: boolean }> {
  return new Promise((res, rej) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(payload))
    let data = Buffer.alloc(0)
    let closed = false
    const finish = () => {
      socket.destroy()
      res({ data: data.toString('latin1'), closed })
    }
    const timer = setTimeout(finish, waitMs)
    socket.on('data', (d) => (data = Buffer.concat([data, d])))
    socket.on('close', () => {
      closed = true
      clearTimeout(timer)
      finish()
    })
    socket.on('error', rej)
  })
}

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`

describe('tandem-server core', () => {
  let server: RunningServer

  beforeAll(async () => {
    server = await startTandem(['--save', ''])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('answers connection commands as Redis does', async () => {
    const { data } = await exchange(
      server.port,
      resp('PING') + resp('PING', 'hi') + resp('ECHO', 'x y') + resp('SELECT', '3') + resp('SELECT', '16') + resp('SELECT', 'x') +
        resp('AUTH', 'pw') + resp('AUTH', 'a', 'b') + resp('CLIENT', 'GETNAME') + resp('CLIENT', 'SETNAME', 'a b'),
    )
    expect(data).toBe(
      '+PONG\r\n$2\r\nhi\r\n$3\r\nx y\r\n+OK\r\n-ERR DB index is out of range\r\n-ERR value is not an integer or out of range\r\n' +
        '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n' +
        '-WRONGPASS invalid username-password pair or user is disabled.\r\n$-1\r\n' +
        '-ERR Client names cannot contain spaces, newlines or special characters.\r\n',
    )
  })

  it('rejects unknown commands, wrong arity and unknown subcommands', async () => {
    const { data } = await exchange(server.port, resp('FOO', 'a', 'b') + resp('ECHO') + resp('CLIENT', 'SETNAME') + resp('CLIENT', 'nope') + resp('CLIENT'))
    expect(data).toBe(
      "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n" +
        "-ERR wrong number of arguments for 'echo' command\r\n" +
        "-ERR wrong number of arguments for 'client|setname' command\r\n" +
        "-ERR unknown subcommand 'nope'. Try CLIENT HELP.\r\n" +
        "-ERR wrong number of arguments for 'client' command\r\n",
    )
  })

  it('switches to RESP3 with HELLO 3 and refuses other versions', async () => {
    const { data } = await exchange(server.port, resp('HELLO', '4') + resp('HELLO', '3') + resp('CLIENT', 'GETNAME'))
    expect(data).toMatch(
      /^-NOPROTO unsupported protocol version\r\n%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n\$7\r\nversion\r\n\$6\r\n7\.0\.15\r\n\$5\r\nproto\r\n:3\r\n\$2\r\nid\r\n:\d+\r\n\$4\r\nmode\r\n\$10\r\nstandalone\r\n\$4\r\nrole\r\n\$6\r\nmaster\r\n\$7\r\nmodules\r\n\*0\r\n_\r\n$/,
    )
  })

  it('answers a pipeline of many commands in order', async () => {
    const n = 300
    const payload = Array.from({ length: n }, (_, i) => resp('ECHO', `m${i}`)).join('')
    const { data } = await exchange(server.port, payload)
    expect(data).toBe(Array.from({ length: n }, (_, i) => `$${`m${i}`.length}\r\nm${i}\r\n`).join(''))
  })

  it('understands inline commands', async () => {
    const { data } = await exchange(server.port, 'PING\r\n\r\necho "a b"\nQUIT\r\nPING\r\n')
    expect(data).toBe('+PONG\r\n$3\r\na b\r\n+OK\r\n')
  })

  it('replies to a protocol error and closes the connection', async () => {
    const result = await exchange(server.port, '*1\r\nxyz\r\n', 2000)
    expect(result.data).toBe("-ERR Protocol error: expected '$', got 'x'\r\n")
    expect(result.closed).toBe(true)
    const unbalanced = await exchange(server.port, 'set "a\r\n', 2000)
    expect(unbalanced).toEqual({ data: '-ERR Protocol error: unbalanced quotes in request\r\n', closed: true })
  })

  it('lists clients and reports INFO sections', async () => {
    const { data } = await exchange(server.port, resp('CLIENT', 'SETNAME', 'me') + resp('CLIENT', 'INFO') + resp('INFO', 'replication') + resp('DBSIZE'))
    expect(data).toMatch(/^\+OK\r\n\$\d+\r\nid=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name=me age=0 idle=0 flags=N db=0 .* cmd=client\|info user=default redir=-1 resp=2\n\r\n/)
    expect(data).toContain('# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:')
    expect(data).toMatch(/master_replid2:0{40}\r\nmaster_repl_offset:0\r\nsecond_repl_offset:-1\r\n/)
    expect(data.endsWith(':0\r\n')).toBe(true)
  })

  it('describes commands for COMMAND INFO and COMMAND DOCS', async () => {
    const { data } = await exchange(server.port, resp('COMMAND', 'INFO', 'ping', 'nosuch') + resp('COMMAND', 'DOCS', 'echo'))
    expect(data).toBe(
      '*2\r\n*10\r\n$4\r\nping\r\n:-1\r\n*1\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*2\r\n+@fast\r\n+@connection\r\n' +
        '*2\r\n$25\r\nrequest_policy:all_shards\r\n$29\r\nresponse_policy:all_succeeded\r\n*0\r\n*0\r\n$-1\r\n' +
        '*2\r\n$4\r\necho\r\n*10\r\n$7\r\nsummary\r\n$21\r\nEcho the given string\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n' +
        '$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*4\r\n$4\r\nname\r\n$7\r\nmessage\r\n$4\r\ntype\r\n$6\r\nstring\r\n',
    )
  })

  it('works with redis-cli', () => {
    expect(execFileSync('redis-cli', ['-p', String(server.port), 'ping']).toString()).toBe('PONG\n')
    expect(execFileSync('redis-cli', ['-p', String(server.port), 'echo', 'hello world']).toString()).toBe('hello world\n')
  })

  it('works with ioredis 6 (RESP3 by default)', async () => {
    const client = new Redis({ port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 })
    try {
      await client.connect()
      expect(await client.ping()).toBe('PONG')
      expect(await client.echo('x')).toBe('x')
      expect(await client.call('CLIENT', 'ID')).toEqual(expect.any(Number))
      await expect(client.call('NOPE')).rejects.toThrow(/unknown command 'NOPE'/)
    } finally {
      client.disconnect()
    }
  })
})

describe('tandem-server with requirepass', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTandem(['--save', '', '--requirepass', 's3cret'])
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('gates commands behind AUTH', async () => {
    const { data } = await exchange(server.port, resp('PING') + resp('AUTH', 'bad') + resp('AUTH', 's3cret') + resp('PING'))
    expect(data).toBe('-NOAUTH Authentication required.\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+PONG\r\n')
  })

  it('authenticates through HELLO AUTH', async () => {
    const { data } = await exchange(server.port, resp('HELLO', '2') + resp('HELLO', '2', 'AUTH', 'default', 's3cret'))
    expect(data).toMatch(/^-NOAUTH HELLO must be called with the client already authenticated, .*\r\n\*14\r\n/)
  })
})
