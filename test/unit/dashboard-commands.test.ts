/** SLOWLOG GET and CLIENT LIST replies parsed into rows; errors and bad params refused with a message. */
import { describe, expect, it } from 'vitest'
import { clientKillRequest, clientListFromReply, killedFromReply, parseClientList, parseSlowlog, slowlogGetRequest } from '../../main/control/metrics-commands'
import type { ConsoleReply } from '../../shared/types'

const int = (n: number): ConsoleReply => ({ type: 'integer', value: String(n) })
const bulk = (value: string): ConsoleReply => ({ type: 'bulk', value })
const arr = (...items: ConsoleReply[]): ConsoleReply => ({ type: 'array', items })

describe('parseSlowlog', () => {
  it('reads Redis 4+ entries (client addr and name) and older four-field ones', () => {
    const reply = arr(
      arr(int(7), int(1700000000), int(50123), arr(bulk('DEBUG'), bulk('SLEEP'), bulk('0.05')), bulk('127.0.0.1:5000'), bulk('loader')),
      arr(int(6), int(1699999999), int(12), arr(bulk('GET'), bulk('k'))),
    )
    expect(parseSlowlog(reply)).toEqual([
      { id: 7, time: 1700000000, durationMicros: 50123, args: ['DEBUG', 'SLEEP', '0.05'], clientAddr: '127.0.0.1:5000', clientName: 'loader' },
      { id: 6, time: 1699999999, durationMicros: 12, args: ['GET', 'k'], clientAddr: '', clientName: '' },
    ])
    expect(parseSlowlog(arr())).toEqual([])
  })

  it("turns the server's error into the message", () => {
    expect(() => parseSlowlog({ type: 'error', value: "NOPERM this user has no permissions to run the 'slowlog|get' command" })).toThrow(
      "SLOWLOG GET failed: NOPERM this user has no permissions to run the 'slowlog|get' command",
    )
    expect(() => parseSlowlog(bulk('x'))).toThrow('SLOWLOG GET: unexpected bulk reply')
  })
})

describe('parseClientList', () => {
  const text =
    'id=3 addr=127.0.0.1:51234 laddr=127.0.0.1:6380 fd=8 name=loader age=12 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22298 events=r cmd=client|list user=default redir=-1 resp=2\n' +
    'id=5 addr=127.0.0.1:51240 laddr=127.0.0.1:6380 fd=9 name= age=3 idle=3 flags=S db=2 cmd=replconf user=default\n'

  it("reads every client's fields, the table's columns typed", () => {
    const clients = parseClientList(text)
    expect(clients.map(({ fields: _f, ...row }) => row)).toEqual([
      { id: '3', addr: '127.0.0.1:51234', name: 'loader', age: 12, idle: 0, db: 0, flags: 'N', cmd: 'client|list' },
      { id: '5', addr: '127.0.0.1:51240', name: '', age: 3, idle: 3, db: 2, flags: 'S', cmd: 'replconf' },
    ])
    expect(clients[0].fields['tot-mem']).toBe('22298')
    expect(clientListFromReply({ type: 'verbatim', format: 'txt', value: text })).toHaveLength(2)
    expect(parseClientList('')).toEqual([])
  })

  it('refuses errors and says when CLIENT KILL found nobody', () => {
    expect(() => clientListFromReply({ type: 'error', value: 'ERR unknown command' })).toThrow('CLIENT LIST failed: ERR unknown command')
    expect(killedFromReply('9', int(1))).toBe(1)
    expect(() => killedFromReply('9', int(0))).toThrow('no client with id 9')
    expect(() => killedFromReply('9', { type: 'error', value: 'ERR No such client' })).toThrow('CLIENT KILL failed: ERR No such client')
  })
})

describe('params', () => {
  it('checks slowlog count and client ids before anything is sent', () => {
    expect(slowlogGetRequest({ id: 'n1' })).toEqual({ id: 'n1', count: 128 })
    expect(slowlogGetRequest({ id: 'n1', count: 10 })).toEqual({ id: 'n1', count: 10 })
    for (const count of [0, -1, 1.5, '10', 10_001]) expect(() => slowlogGetRequest({ id: 'n1', count })).toThrow('"count" must be an integer from 1 to 10000')
    expect(() => slowlogGetRequest({})).toThrow('"id" must be a non-empty string')
    expect(clientKillRequest({ id: 'n1', clientId: '42' })).toEqual({ id: 'n1', clientId: '42' })
    for (const clientId of ['', '4 2', 'abc', 42, undefined]) expect(() => clientKillRequest({ id: 'n1', clientId })).toThrow('"clientId" must be a client id')
  })
})
