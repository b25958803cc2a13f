/** Console completion, hints, help and confirmations from a COMMAND DOCS table parsed off the wire. */
import { describe, expect, it } from 'vitest'
import { commandTable } from '../../main/control/console-docs'
import { RespDecoder } from '../../main/control/resp'
import { acceptSuggestion, completionFor, helpText } from '../../renderer/src/components/console-ui/completion'
import { confirmationFor } from '../../renderer/src/components/console-ui/guards'
import type { ConsoleReply } from '../../shared/types'

/** RESP2 text (| separates lines) decoded as the control plane decodes it. */
function decode(lines: string[]): ConsoleReply {
  let out: ConsoleReply | undefined
  new RespDecoder((r) => (out = r)).push(Buffer.from(lines.join('\r\n') + '\r\n'))
  if (!out) throw new Error('incomplete fixture')
  return out
}

const bulk = (s: string) => [`$${Buffer.byteLength(s)}`, s]
const arr = (...items: string[][]) => [`*${items.length}`, ...items.flat()]
const kv = (...pairs: [string, string[]][]) => arr(...pairs.flatMap(([k, v]) => [bulk(k), v]))
const token = (name: string, tok: string, extra: [string, string[]][] = []) =>
  kv(['name', bulk(name)], ['type', bulk('pure-token')], ['token', bulk(tok)], ...extra)
const optional: [string, string[]] = ['flags', arr(['+optional'])]

const SET_DOCS = kv(
  ['summary', bulk('Set the string value of a key')],
  ['since', bulk('1.0.0')],
  ['group', bulk('string')],
  [
    'arguments',
    arr(
      kv(['name', bulk('key')], ['type', bulk('key')]),
      kv(['name', bulk('value')], ['type', bulk('string')]),
      kv(['name', bulk('condition')], ['type', bulk('oneof')], optional, ['arguments', arr(token('nx', 'NX'), token('xx', 'XX'))]),
      token('get', 'GET', [optional]),
      kv(
        ['name', bulk('expiration')],
        ['type', bulk('oneof')],
        optional,
        ['arguments', arr(kv(['name', bulk('seconds')], ['type', bulk('integer')], ['token', bulk('EX')]), token('keepttl', 'KEEPTTL'))],
      ),
    ),
  ],
)
const GET_DOCS = kv(['summary', bulk('Get the value of a key')], ['since', bulk('1.0.0')], ['group', bulk('string')], ['arguments', arr(kv(['name', bulk('key')], ['type', bulk('key')]))])
const docsReply = decode(arr(bulk('set'), SET_DOCS, bulk('get'), GET_DOCS, bulk('select'), kv(['summary', bulk('Change the selected database')], ['since', bulk('1.0.0')], ['group', bulk('connection')])))
const info = (name: string, arity: number, ...flags: string[]) => arr(bulk(name), [`:${arity}`], arr(...flags.map((f) => [`+${f}`])), [':1'], [':1'], [':1'], arr(), arr(), arr(), arr())
const infoReply = decode(arr(info('set', -3, 'write', 'denyoom'), info('get', 2, 'readonly', 'fast'), info('select', 2, 'loading'), info('flushall', -1, 'write')))
const table = commandTable(docsReply, infoReply)

describe('console command table', () => {
  it('joins COMMAND DOCS and COMMAND INFO; commands without docs still complete', () => {
    expect(table.map((c) => c.name)).toEqual(['flushall', 'get', 'select', 'set'])
    expect(table.find((c) => c.name === 'set')).toMatchObject({ arity: -3, flags: ['write', 'denyoom'], group: 'string' })
    expect(table.find((c) => c.name === 'flushall')).toMatchObject({ summary: '', flags: ['write'] })
  })
})

describe('completion and hints', () => {
  it('offers command names by prefix and hints the arguments once a name is complete', () => {
    expect(completionFor(table, 'se').suggestions).toEqual(['SELECT', 'SET'])
    expect(completionFor(table, 'SET').hint).toBe(' key value [NX|XX] [GET] [EX seconds|KEEPTTL]')
  })

  it('offers SET options in any order and drops the ones used', () => {
    expect(completionFor(table, 'SET k v ')).toMatchObject({ suggestions: ['NX', 'XX', 'GET', 'EX', 'KEEPTTL'], hint: '[NX|XX] [GET] [EX seconds|KEEPTTL]' })
    expect(completionFor(table, 'set k v get ').suggestions).toEqual(['NX', 'XX', 'EX', 'KEEPTTL'])
    expect(completionFor(table, 'SET k v EX 10 NX ')).toMatchObject({ suggestions: ['GET'], hint: '[GET]' })
    expect(completionFor(table, 'SET k v K').suggestions).toEqual(['KEEPTTL'])
    expect(completionFor(table, 'SET k ').hint).toBe('value [NX|XX] [GET] [EX seconds|KEEPTTL]')
  })

  it('gives no hint for a word it cannot place, nor inside quotes', () => {
    expect(completionFor(table, 'SET k v BOGUS ')).toMatchObject({ hint: '', suggestions: [] })
    expect(completionFor(table, 'SET "a b" ').hint).toBe('')
  })

  it('accepting a suggestion replaces the word being typed', () => {
    expect(acceptSuggestion('SET k v n', 'NX')).toBe('SET k v NX ')
    expect(acceptSuggestion('SET k v ', 'GET')).toBe('SET k v GET ')
  })

  it('help prints what redis-cli prints', () => {
    expect(helpText(table, ['set'])).toBe(
      '\n  SET key value [NX|XX] [GET] [EX seconds|KEEPTTL]\n  summary: Set the string value of a key\n  since: 1.0.0\n  group: string\n',
    )
    expect(helpText(table, ['@string'])).toContain('  GET key\n')
    expect(helpText(table, ['nosuch'])).toBe('')
  })
})

describe('confirmations', () => {
  const master = { name: 'm', address: '127.0.0.1:7000', role: 'master' as const }
  const replica = { name: 'r', address: '127.0.0.1:7001', role: 'replica' as const }
  it('asks before destructive commands, REPLICAOF on a master but not NO ONE', () => {
    for (const argv of [['FLUSHALL'], ['flushdb', 'async'], ['SHUTDOWN'], ['DEBUG', 'SLEEP', '1'], ['REPLICAOF', 'h', '1']]) {
      expect(confirmationFor(argv, master, table)?.kind).toBe('destructive')
    }
    expect(confirmationFor(['REPLICAOF', 'no', 'one'], master, table)).toBeNull()
    expect(confirmationFor(['GET', 'k'], master, table)).toBeNull()
    expect(confirmationFor(['SET', 'k', 'v'], master, table)).toBeNull()
  })
  it('warns before a write-flagged command on a replica only', () => {
    expect(confirmationFor(['set', 'k', 'v'], replica, table)).toMatchObject({ kind: 'replica-write' })
    expect(confirmationFor(['GET', 'k'], replica, table)).toBeNull()
    expect(confirmationFor(['REPLICAOF', 'h', '1'], replica, table)).toBeNull()
  })
})
