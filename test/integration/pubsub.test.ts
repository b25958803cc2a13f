/**
 * Pub/sub between clients with ioredis: channel and pattern subscriptions,
 * message/pmessage delivery, PUBLISH receiver counts, PUBSUB introspection,
 * several channels in one SUBSCRIBE, and RESP3 push messages.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { connect } from 'node:net'
import Redis from 'ioredis'
import { startTandem, type RunningServer } from '../helpers/processes'

const resp = (...args: string[]) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`

/** A raw connection that collects everything the server sends. */
function rawClient(port: number): Promise<{ send(...args: string[]): void; received(): string; close(): void }> {
  return new Promise((res, rej) => {
    let data = ''
    const socket = connect(port, '127.0.0.1', () =>
      res({ send: (...args) => socket.write(resp(...args)), received: () => data, close: () => socket.destroy() }),
    )
    socket.on('data', (d) => (data += d.toString('latin1')))
    socket.on('error', rej)
  })
}

const until = async (check: () => boolean, ms = 2000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('pub/sub', () => {
  let server: RunningServer
  const clients: Redis[] = []
  const client = (): Redis => {
    const c = new Redis({ port: server.port, maxRetriesPerRequest: 0 })
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    server = await startTandem(['--save', ''])
  })
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())))
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('delivers messages to channel and pattern subscribers and counts receivers', async () => {
    const sub = client()
    const psub = client()
    const pub = client()
    const messages: string[][] = []
    sub.on('message', (channel: string, message: string) => messages.push(['message', channel, message]))
    psub.on('pmessage', (pattern: string, channel: string, message: string) =>
      messages.push(['pmessage', pattern, channel, message]),
    )
    expect(await sub.subscribe('news', 'sport')).toBe(2)
    expect(await psub.psubscribe('ne*')).toBe(1)

    expect(await pub.publish('news', 'hello')).toBe(2)
    expect(await pub.publish('sport', 'goal')).toBe(1)
    expect(await pub.publish('nothing', 'lost')).toBe(0)
    await until(() => messages.length === 3)
    expect(messages).toEqual(
      expect.arrayContaining([
        ['message', 'news', 'hello'],
        ['pmessage', 'ne*', 'news', 'hello'],
        ['message', 'sport', 'goal'],
      ]),
    )

    expect(await pub.pubsub('CHANNELS')).toEqual(expect.arrayContaining(['news', 'sport']))
    expect(await pub.pubsub('CHANNELS', 'n*')).toEqual(['news'])
    expect(await pub.pubsub('NUMSUB', 'news', 'none')).toEqual(['news', 1, 'none', 0])
    expect(await pub.pubsub('NUMPAT')).toBe(1)

    await sub.unsubscribe('news')
    expect(await pub.publish('news', 'again')).toBe(1)
    await psub.punsubscribe()
    expect(await pub.publish('news', 'again')).toBe(0)
    expect(await pub.pubsub('NUMPAT')).toBe(0)
  })

  it('answers SUBSCRIBE once per channel and refuses other commands in RESP2', async () => {
    const raw = await rawClient(server.port)
    try {
      raw.send('SUBSCRIBE', 'a', 'b')
      raw.send('GET', 'x')
      raw.send('PING')
      raw.send('UNSUBSCRIBE', 'a', 'b')
      await until(() => raw.received().split('unsubscribe').length === 3)
      expect(raw.received()).toBe(
        '*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n' +
          '*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n' +
          "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n" +
          '*2\r\n$4\r\npong\r\n$0\r\n\r\n' +
          '*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:1\r\n' +
          '*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n',
      )
    } finally {
      raw.close()
    }
  })

  it('sends RESP3 push messages and lets a RESP3 subscriber run other commands', async () => {
    const raw = await rawClient(server.port)
    const pub = client()
    try {
      raw.send('HELLO', '3')
      await until(() => raw.received().includes('modules'))
      const afterHello = raw.received().length
      raw.send('PSUBSCRIBE', 'k*')
      raw.send('GET', 'missing')
      await until(() => raw.received().endsWith('_\r\n'))
      expect(await pub.publish('key1', 'v')).toBe(1)
      await until(() => raw.received().includes('pmessage'))
      expect(raw.received().slice(afterHello)).toBe(
        '>3\r\n$10\r\npsubscribe\r\n$2\r\nk*\r\n:1\r\n' +
          '_\r\n' +
          '>4\r\n$8\r\npmessage\r\n$2\r\nk*\r\n$4\r\nkey1\r\n$1\r\nv\r\n',
      )
    } finally {
      raw.close()
    }
  })

  it('drops the subscriptions of a client that disconnects', async () => {
    const sub = client()
    const pub = client()
    await sub.subscribe('gone')
    sub.disconnect()
    await until(() => false, 100).catch(() => undefined)
    expect(await pub.publish('gone', 'x')).toBe(0)
    expect(await pub.pubsub('NUMSUB', 'gone')).toEqual(['gone', 0])
  })
})
