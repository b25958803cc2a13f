/**
 * Connection limits on the wire: `timeout`, `maxclients`, protected mode and
 * CLIENT KILL. Every scenario runs against a real Redis 7.0.15 and against
 * tandem-server with the same expectations, so an expectation that Redis does
 * not meet is caught here instead of being baked into tandem.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { networkInterfaces } from 'node:os'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const resp = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A raw connection that keeps every byte received and notices when the server closes it. */
class Conn {
  private received = ''
  closed = false
  closedAt = 0
  private readonly waiters = new Set<() => void>()

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.received += d.toString('latin1')
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.closedAt = Date.now()
      this.wake()
    })
    // A reset by the server counts as closed; the 'close' event follows.
    socket.on('error', () => undefined)
  }

  static open(port: number, host = '127.0.0.1'): Promise<Conn> {
    return new Promise((res, rej) => {
      const socket = connect(port, host)
      socket.once('connect', () => res(new Conn(socket)))
      socket.once('error', rej)
    })
  }

  private wake(): void {
    for (const w of this.waiters) w()
  }

  /** Everything received so far, then forgets it. */
  take(): string {
    const r = this.received
    this.received = ''
    return r
  }

  /** Waits until `done(received)` holds or the socket closes or `ms` pass. */
  async until(done: (received: string) => boolean, ms = 2000): Promise<void> {
    const deadline = Date.now() + ms
    while (!done(this.received) && !this.closed && Date.now() < deadline) {
      await new Promise<void>((res) => {
        const w = (): void => {
          this.waiters.delete(w)
          clearTimeout(t)
          res()
        }
        const t = setTimeout(w, Math.max(1, deadline - Date.now()))
        this.waiters.add(w)
      })
    }
  }

  /** Sends one command and returns its reply (the first complete line-based reply is enough for these tests). */
  async call(...args: string[]): Promise<string> {
    this.socket.write(resp(...args))
    await this.until((r) => isCompleteReply(r))
    return this.take()
  }

  /** Waits for the server to close the socket; false if it is still open after `ms`. */
  async waitClosed(ms = 2000): Promise<boolean> {
    await this.until(() => false, ms)
    return this.closed
  }

  destroy(): void {
    this.socket.destroy()
  }
}

/** True when `r` holds one whole RESP2 reply of the kinds these tests see (status, error, integer, bulk). */
function isCompleteReply(r: string): boolean {
  if (!r.endsWith('\r\n')) return false
  if ('+-:'.includes(r[0] ?? '')) return true
  const bulk = /^\$(-?\d+)\r\n/.exec(r)
  if (!bulk) return false
  const len = Number(bulk[1])
  return len < 0 || r.length >= bulk[0].length + len + 2
}

/** The `field:value` of an INFO reply. */
function infoField(info: string, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)\r$`, 'm').exec(info)?.[1]
}

const DENIED_PROTECTED_MODE =
  '-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command \'CONFIG SET protected-mode no\' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to \'no\', and then restarting the server. 3) If you started the server manually just for testing, restart it with the \'--protected-mode no\' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n'

/** This machine's own non-loopback IPv4 address: connecting to it never leaves the host. */
function ownExternalIPv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return undefined
}

type Start = (args: string[]) => Promise<RunningServer>
const servers: [string, Start][] = [['tandem-server', startTandem]]
if (hasRealRedis()) servers.unshift(['redis-server 7', startRedis])

describe.each(servers)('%s', (_name, start) => {
  const running: RunningServer[] = []
  const conns: Conn[] = []
  const launch = async (args: string[]): Promise<RunningServer> => {
    const s = await start(args)
    running.push(s)
    return s
  }
  const open = async (port: number, host?: string): Promise<Conn> => {
    const c = await Conn.open(port, host)
    conns.push(c)
    return c
  }
  afterEach(async () => {
    for (const c of conns.splice(0)) c.destroy()
    await Promise.all(running.splice(0).map((s) => s.stop()))
  })

  describe('timeout', () => {
    it('closes an idle client after about `timeout` seconds, silently, and keeps a client that sends PINGs', async () => {
      const server = await launch(['--timeout', '1'])
      const idle = await open(server.port)
      const active = await open(server.port)
      expect(await idle.call('PING')).toBe('+PONG\r\n')
      const idleSince = Date.now()
      let pongs = 0
      while (Date.now() - idleSince < 2800) {
        if ((await active.call('PING')) === '+PONG\r\n') pongs++
        await sleep(300)
      }
      // Redis compares whole seconds (idle > timeout), checked from its cron: between 1 and ~2.x s.
      expect(idle.closed).toBe(true)
      expect(idle.closedAt - idleSince).toBeGreaterThanOrEqual(900)
      expect(idle.closedAt - idleSince).toBeLessThan(2800)
      expect(idle.take()).toBe('')
      expect(active.closed).toBe(false)
      expect(pongs).toBeGreaterThanOrEqual(7)
      expect(await active.call('PING')).toBe('+PONG\r\n')
    })

    it('spares a client blocked without a deadline (BLPOP k 0) and a subscriber, closes the plain idle one', async () => {
      const server = await launch(['--timeout', '1'])
      const blocked = await open(server.port)
      const subscriber = await open(server.port)
      const idle = await open(server.port)
      blocked.socket.write(resp('BLPOP', 'tl:list', '0'))
      expect(await subscriber.call('SUBSCRIBE', 'tl:channel')).toMatch(/^\*3\r\n\$9\r\nsubscribe\r\n\$10\r\ntl:channel\r\n:1\r\n/)
      expect(await idle.waitClosed(3000)).toBe(true)
      await sleep(500)
      expect(blocked.closed).toBe(false)
      expect(subscriber.closed).toBe(false)
      // A fresh connection, not idle yet; the blocked client still gets its element.
      const feeder = await open(server.port)
      expect(await feeder.call('RPUSH', 'tl:list', 'x')).toBe(':1\r\n')
      await blocked.until((r) => r.length > 0)
      expect(blocked.take()).toBe('*2\r\n$7\r\ntl:list\r\n$1\r\nx\r\n')
      expect(await feeder.call('PUBLISH', 'tl:channel', 'm')).toBe(':1\r\n')
    })

    it('never closes idle clients with the default timeout 0', async () => {
      const server = await launch([])
      const idle = await open(server.port)
      expect(await idle.call('CONFIG', 'GET', 'timeout')).toBe('*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n')
      expect(await idle.waitClosed(2200)).toBe(false)
      expect(await idle.call('PING')).toBe('+PONG\r\n')
    })

    it('applies a timeout set at runtime with CONFIG SET', async () => {
      const server = await launch([])
      const admin = await open(server.port)
      const idle = await open(server.port)
      expect(await admin.call('CONFIG', 'SET', 'timeout', '1')).toBe('+OK\r\n')
      expect(await idle.waitClosed(3500)).toBe(true)
    })
  })

  describe('maxclients', () => {
    it('refuses the (N+1)th connection with Redis\'s error, closes it, and accepts again once a client leaves', async () => {
      const server = await launch(['--maxclients', '2'])
      // The startup probe's connection may still be closing: let the server forget it.
      await sleep(100)
      const first = await open(server.port)
      const second = await open(server.port)
      expect(await first.call('PING')).toBe('+PONG\r\n')
      expect(await second.call('PING')).toBe('+PONG\r\n')
      expect(await first.call('CONFIG', 'GET', 'maxclients')).toBe('*2\r\n$10\r\nmaxclients\r\n$1\r\n2\r\n')

      const third = await open(server.port)
      expect(await third.waitClosed()).toBe(true)
      expect(third.take()).toBe('-ERR max number of clients reached\r\n')

      second.destroy()
      await sleep(200)
      const fourth = await open(server.port)
      expect(await fourth.call('PING')).toBe('+PONG\r\n')
      const info = await fourth.call('INFO', 'stats')
      expect(infoField(info, 'rejected_connections')).toBe('1')
      // The probe, first, second and fourth; the refused one is not counted.
      expect(infoField(info, 'total_connections_received')).toBe('4')
      expect(infoField(await fourth.call('INFO', 'clients'), 'connected_clients')).toBe('2')
    })
  })

  describe('protected mode', () => {
    const external = ownExternalIPv4()

    it.skipIf(!external)(
      `denies a non-loopback peer with Redis's exact -DENIED text and closes it (skipped when this machine has no non-loopback IPv4 address)`,
      async () => {
        const server = await launch([])
        const outsider = await open(server.port, external)
        expect(await outsider.waitClosed()).toBe(true)
        expect(outsider.take()).toBe(DENIED_PROTECTED_MODE)
        const local = await open(server.port)
        const info = await local.call('INFO', 'stats')
        expect(infoField(info, 'rejected_connections')).toBe('1')
        // The denied connection is not counted as received: only the probe and `local`.
        expect(infoField(info, 'total_connections_received')).toBe('2')
      },
    )

    it.skipIf(!external)('denies a non-loopback peer even with an explicit bind (Redis 7.0 ignores bind here)', async () => {
      const server = await launch(['--bind', '0.0.0.0'])
      const outsider = await open(server.port, external)
      expect(await outsider.waitClosed()).toBe(true)
      expect(outsider.take()).toBe(DENIED_PROTECTED_MODE)
    })

    it.skipIf(!external)('accepts a non-loopback peer with protected-mode no, or when the default user has a password', async () => {
      const open1 = await launch(['--protected-mode', 'no'])
      const a = await open(open1.port, external)
      expect(await a.call('PING')).toBe('+PONG\r\n')
      const withPassword = await launch(['--requirepass', 'secret'])
      const b = await open(withPassword.port, external)
      expect(await b.call('PING')).toBe('-NOAUTH Authentication required.\r\n')
      expect(await b.call('AUTH', 'secret')).toBe('+OK\r\n')
      expect(await b.call('PING')).toBe('+PONG\r\n')
    })

    it('accepts loopback peers in protected mode', async () => {
      const server = await launch([])
      const local = await open(server.port)
      expect(await local.call('CONFIG', 'GET', 'protected-mode')).toBe('*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n')
      expect(await local.call('PING')).toBe('+PONG\r\n')
    })
  })

  describe('CLIENT KILL', () => {
    let server: RunningServer
    beforeAll(async () => {
      server = await start([])
    })
    afterAll(async () => {
      await server?.stop()
    })

    /** A connection and its id/addr/laddr as CLIENT INFO reports them. */
    async function client(): Promise<{ conn: Conn; id: string; addr: string; laddr: string }> {
      const conn = await open(server.port)
      const info = await conn.call('CLIENT', 'INFO')
      const field = (name: string): string => new RegExp(`(?:^|[ \\n])${name}=(\\S*)`).exec(info)?.[1] ?? ''
      return { conn, id: field('id'), addr: field('addr'), laddr: field('laddr') }
    }

    it('old form: CLIENT KILL ip:port answers +OK and closes that client, -ERR No such client otherwise', async () => {
      const killer = await client()
      const victim = await client()
      expect(await killer.conn.call('CLIENT', 'KILL', victim.addr)).toBe('+OK\r\n')
      expect(await victim.conn.waitClosed()).toBe(true)
      expect(await killer.conn.call('CLIENT', 'KILL', victim.addr)).toBe('-ERR No such client\r\n')
      expect(await killer.conn.call('CLIENT', 'KILL', '1.2.3.4:5')).toBe('-ERR No such client\r\n')
    })

    it('old form may kill the caller itself: +OK is sent before the close', async () => {
      const self = await client()
      expect(await self.conn.call('CLIENT', 'KILL', self.addr)).toBe('+OK\r\n')
      expect(await self.conn.waitClosed()).toBe(true)
    })

    it('ID, ADDR and LADDR filters answer the number killed and close exactly those clients', async () => {
      const killer = await client()
      const a = await client()
      const b = await client()
      expect(await killer.conn.call('CLIENT', 'KILL', 'ID', a.id)).toBe(':1\r\n')
      expect(await a.conn.waitClosed()).toBe(true)
      expect(await killer.conn.call('CLIENT', 'KILL', 'ID', a.id)).toBe(':0\r\n')
      expect(await killer.conn.call('CLIENT', 'KILL', 'ADDR', '1.2.3.4:5')).toBe(':0\r\n')
      expect(await killer.conn.call('CLIENT', 'KILL', 'ADDR', b.addr, 'ID', b.id)).toBe(':1\r\n')
      expect(await b.conn.waitClosed()).toBe(true)

      const c = await client()
      const d = await client()
      // Every loopback client shares the server's local address; SKIPME (default yes) spares the caller.
      expect(await killer.conn.call('CLIENT', 'KILL', 'LADDR', c.laddr)).toBe(':2\r\n')
      expect(await c.conn.waitClosed()).toBe(true)
      expect(await d.conn.waitClosed()).toBe(true)
      expect(killer.conn.closed).toBe(false)
      expect(await killer.conn.call('CLIENT', 'KILL', 'LADDR', '1.2.3.4:5')).toBe(':0\r\n')
    })

    it('a killed client blocked in BLPOP is gone: the next push is not lost to it', async () => {
      const killer = await client()
      const blocked = await client()
      blocked.conn.socket.write(resp('BLPOP', 'ck:list', '0'))
      await sleep(100)
      expect(await killer.conn.call('CLIENT', 'KILL', 'ID', blocked.id)).toBe(':1\r\n')
      expect(await blocked.conn.waitClosed()).toBe(true)
      expect(blocked.conn.take()).toBe('')
      expect(await killer.conn.call('RPUSH', 'ck:list', 'v')).toBe(':1\r\n')
      expect(await killer.conn.call('LPOP', 'ck:list')).toBe('$1\r\nv\r\n')
    })

    it('TYPE normal and USER default kill every other normal client; SKIPME no kills the caller too', async () => {
      const killer = await client()
      const a = await client()
      expect(await killer.conn.call('CLIENT', 'KILL', 'TYPE', 'normal')).toBe(':1\r\n')
      expect(await a.conn.waitClosed()).toBe(true)
      expect(await killer.conn.call('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(':0\r\n')
      expect(await killer.conn.call('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(':0\r\n')

      const b = await client()
      expect(await killer.conn.call('CLIENT', 'KILL', 'USER', 'default', 'SKIPME', 'yes')).toBe(':1\r\n')
      expect(await b.conn.waitClosed()).toBe(true)
      expect(killer.conn.closed).toBe(false)

      const c = await client()
      expect(await killer.conn.call('CLIENT', 'KILL', 'TYPE', 'NORMAL', 'SKIPME', 'NO')).toBe(':2\r\n')
      expect(await c.conn.waitClosed()).toBe(true)
      expect(await killer.conn.waitClosed()).toBe(true)
    })

    it('rejects bad filters with Redis\'s error texts and kills nobody', async () => {
      const caller = await client()
      const bystander = await client()
      const cases: [string[], string][] = [
        [['ID', '0'], '-ERR client-id should be greater than 0\r\n'],
        [['ID', '-3'], '-ERR client-id should be greater than 0\r\n'],
        [['ID', 'abc'], '-ERR client-id should be greater than 0\r\n'],
        [['TYPE', 'bogus'], "-ERR Unknown client type 'bogus'\r\n"],
        [['USER', 'nobody'], "-ERR No such user 'nobody'\r\n"],
        [['SKIPME', 'maybe'], '-ERR syntax error\r\n'],
        [['BOGUS', 'x'], '-ERR syntax error\r\n'],
        [['ID', bystander.id, 'TYPE'], '-ERR syntax error\r\n'],
        // Options are read in order: a bad value is reported before a missing one later on.
        [['ID', '0', 'TYPE'], '-ERR client-id should be greater than 0\r\n'],
        [['TYPE', 'bogus', 'ID'], "-ERR Unknown client type 'bogus'\r\n"],
      ]
      for (const [args, reply] of cases) expect(await caller.conn.call('CLIENT', 'KILL', ...args), args.join(' ')).toBe(reply)
      expect(await caller.conn.call('CLIENT', 'KILL')).toBe("-ERR wrong number of arguments for 'client|kill' command\r\n")
      expect(await bystander.conn.call('PING')).toBe('+PONG\r\n')
      expect(caller.conn.closed).toBe(false)
    })
  })
})
