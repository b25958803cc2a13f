/**
 * Shape checks for replies whose bytes legitimately differ between two
 * servers (ids, clocks, memory figures, the full command table). Each check
 * looks at the subject (tandem-server) next to the reference (real Redis) and
 * returns the problems found; the reference must pass the same checks, which
 * keeps the checks honest.
 */
import type { RawReply } from './resp-client'
import type { ShapeKind } from './script'

/** Every command the differential script covers; COMMAND and COMMAND LIST must list them all. */
export const COMMANDS_IN_SCOPE = [
  'ping', 'echo', 'quit', 'select', 'auth', 'hello', 'client', 'info', 'dbsize', 'flushdb', 'flushall', 'time', 'command', 'config', 'shutdown',
  'get', 'set', 'setnx', 'setex', 'psetex', 'mget', 'mset', 'msetnx', 'incr', 'decr', 'incrby', 'decrby', 'incrbyfloat', 'append', 'strlen',
  'getrange', 'setrange', 'getdel', 'getex',
  'del', 'unlink', 'exists', 'type', 'keys', 'scan', 'rename', 'renamenx', 'expire', 'pexpire', 'expireat', 'pexpireat', 'ttl', 'pttl',
  'persist', 'randomkey', 'touch',
]

/** INFO fields a monitoring client relies on, by section; every one must be present in both replies. */
const INFO_FIELDS: Readonly<Record<string, readonly string[]>> = {
  server: ['redis_version', 'redis_mode', 'os', 'arch_bits', 'process_id', 'run_id', 'tcp_port', 'uptime_in_seconds', 'uptime_in_days', 'hz', 'executable', 'config_file'],
  clients: ['connected_clients', 'blocked_clients', 'maxclients'],
  memory: ['used_memory', 'used_memory_human', 'used_memory_peak', 'maxmemory', 'maxmemory_human', 'maxmemory_policy', 'mem_fragmentation_ratio'],
  persistence: ['loading', 'rdb_changes_since_last_save', 'rdb_bgsave_in_progress', 'rdb_last_save_time', 'rdb_last_bgsave_status', 'aof_enabled', 'aof_rewrite_in_progress'],
  stats: ['total_connections_received', 'total_commands_processed', 'instantaneous_ops_per_sec', 'expired_keys', 'evicted_keys', 'keyspace_hits', 'keyspace_misses', 'total_net_input_bytes', 'total_net_output_bytes'],
  replication: ['role', 'connected_slaves', 'master_replid', 'master_replid2', 'master_repl_offset', 'second_repl_offset', 'repl_backlog_active', 'repl_backlog_size'],
  cpu: ['used_cpu_sys', 'used_cpu_user', 'used_cpu_sys_children', 'used_cpu_user_children'],
  keyspace: [],
}

/** CLIENT LIST/INFO fields whose values are deterministic for the script's own connection. */
const CLIENT_FIELDS_COMPARED = ['name', 'db', 'sub', 'psub', 'multi', 'flags', 'cmd', 'resp', 'user']

const INTEGER = /^-?\d+$/

function typeByte(reply: RawReply): string {
  return reply.bytes.length ? String.fromCharCode(reply.bytes[0]) : '(nothing)'
}

/** The text of a bulk (`$`) or verbatim (`=`, with its `txt:` prefix) string reply, or null. */
function bulkText(reply: RawReply): string | null {
  const text = reply.bytes.toString('latin1')
  const match = /^([$=])(\d+)\r\n/.exec(text)
  if (!match) return null
  const body = text.slice(match[0].length, match[0].length + Number(match[2]))
  return match[1] === '=' ? body.slice(4) : body
}

function sameType(subject: RawReply, reference: RawReply, expected: string[]): string[] {
  const problems: string[] = []
  if (!expected.includes(typeByte(reference))) problems.push(`reference reply starts with ${typeByte(reference)}, expected one of ${expected.join(' ')}`)
  if (typeByte(subject) !== typeByte(reference)) problems.push(`reply type ${typeByte(subject)} differs from reference ${typeByte(reference)}`)
  return problems
}

type InfoSections = Map<string, Map<string, string>>

function parseInfo(text: string): InfoSections {
  const sections: InfoSections = new Map()
  let current = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    if (line.startsWith('# ')) {
      current = new Map()
      sections.set(line.slice(2).toLowerCase(), current)
    } else if (line.includes(':')) {
      const at = line.indexOf(':')
      current.set(line.slice(0, at), line.slice(at + 1))
    }
  }
  return sections
}

function checkInfo(subject: RawReply, reference: RawReply): string[] {
  const problems = sameType(subject, reference, ['$', '='])
  const [s, r] = [bulkText(subject), bulkText(reference)]
  if (s === null || r === null) return [...problems, 'INFO reply is not a bulk string']
  const [ss, rs] = [parseInfo(s), parseInfo(r)]
  const names = (x: InfoSections): string => [...x.keys()].join(',')
  if (names(ss) !== names(rs)) problems.push(`sections [${names(ss)}] differ from reference [${names(rs)}]`)
  for (const [section, fields] of rs) {
    const mine = ss.get(section)
    if (!mine) continue
    for (const field of INFO_FIELDS[section] ?? []) {
      if (!fields.has(field)) problems.push(`reference INFO lacks ${section}.${field}`)
      const value = mine.get(field)
      if (value === undefined) problems.push(`missing field ${section}.${field}`)
      else if (INTEGER.test(fields.get(field) ?? '') && !INTEGER.test(value)) problems.push(`${section}.${field}=${value} is not an integer`)
    }
    if (section === 'keyspace') {
      // Key and expire counts are deterministic; only avg_ttl depends on the clock.
      const counts = (m: Map<string, string>): string => [...m].map(([db, v]) => `${db}:${v.replace(/,avg_ttl=\d+/, '')}`).join(' ')
      if (counts(mine) !== counts(fields)) problems.push(`keyspace "${counts(mine)}" differs from reference "${counts(fields)}"`)
    }
  }
  return problems
}

function parseClientLine(line: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const pair of line.split(' ')) {
    const at = pair.indexOf('=')
    fields.set(pair.slice(0, at), pair.slice(at + 1))
  }
  return fields
}

function checkClientList(subject: RawReply, reference: RawReply): string[] {
  const problems = sameType(subject, reference, ['$', '='])
  const [s, r] = [bulkText(subject), bulkText(reference)]
  if (s === null || r === null) return [...problems, 'CLIENT reply is not a bulk string']
  const lines = (t: string): string[] => t.split('\n').filter((l) => l.trim() !== '')
  const [sl, rl] = [lines(s), lines(r)]
  if (sl.length !== rl.length) problems.push(`${sl.length} client lines, reference has ${rl.length}`)
  if (s.endsWith('\n') !== r.endsWith('\n')) problems.push('trailing newline differs from reference')
  sl.slice(0, rl.length).forEach((line, i) => {
    const [mine, theirs] = [parseClientLine(line.trim()), parseClientLine(rl[i].trim())]
    if ([...mine.keys()].join(' ') !== [...theirs.keys()].join(' ')) {
      problems.push(`fields [${[...mine.keys()].join(' ')}] differ from reference [${[...theirs.keys()].join(' ')}]`)
    }
    if (!INTEGER.test(mine.get('id') ?? '')) problems.push(`id=${mine.get('id')} is not an integer`)
    for (const field of CLIENT_FIELDS_COMPARED) {
      if (mine.get(field) !== theirs.get(field)) problems.push(`${field}=${mine.get(field)} but reference has ${field}=${theirs.get(field)}`)
    }
  })
  return problems
}

function checkTime(reply: RawReply, who: string): string[] {
  const value = reply.value
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Buffer.isBuffer(v) && INTEGER.test(v.toString()))) {
    return [`${who}: TIME is not two integer bulk strings`]
  }
  const [seconds, micros] = value.map((v: Buffer) => Number(v.toString()))
  const problems: string[] = []
  if (Math.abs(seconds - Date.now() / 1000) > 10) problems.push(`${who}: TIME seconds ${seconds} far from the clock`)
  if (micros < 0 || micros >= 1_000_000) problems.push(`${who}: TIME microseconds ${micros} out of range`)
  return problems
}

/** HELLO's reply with the connection id blanked out: everything else must be identical. */
function withoutHelloId(reply: RawReply): string {
  return reply.bytes.toString('latin1').replace(/((?:\$2\r\n|\+)id\r\n):\d+\r\n/, '$1:<id>\r\n')
}

function commandNames(value: unknown, entryName: (entry: unknown) => unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.map((e) => String(entryName(e))).map((n) => n.toLowerCase()) : [])
}

function checkCommandTable(subject: RawReply, reference: RawReply, full: boolean): string[] {
  const problems = sameType(subject, reference, ['*'])
  const name = (e: unknown): unknown => (full ? (Array.isArray(e) ? e[0] : undefined) : e)
  if (full && Array.isArray(subject.value)) {
    const malformed = subject.value.filter((e) => !Array.isArray(e) || e.length !== 10)
    if (malformed.length) problems.push(`${malformed.length} COMMAND entries are not 10-element arrays`)
  }
  for (const [who, reply] of [['subject', subject], ['reference', reference]] as const) {
    const names = commandNames(reply.value, name)
    const missing = COMMANDS_IN_SCOPE.filter((c) => !names.has(c))
    if (missing.length) problems.push(`${who} lacks ${missing.join(' ')}`)
  }
  return problems
}

/** A reply with its strings blanked out: what random picks (SPOP, SRANDMEMBER, HRANDFIELD) must share. */
function skeleton(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(skeleton).join(',')}]`
  if (Buffer.isBuffer(value)) return 's'
  if (value === null || value === undefined) return 'nil'
  return typeof value
}

function checkSkeleton(subject: RawReply, reference: RawReply): string[] {
  if (typeByte(subject) !== typeByte(reference)) return [`reply type ${typeByte(subject)} differs from reference ${typeByte(reference)}`]
  const [s, r] = [skeleton(subject.value), skeleton(reference.value)]
  return s === r ? [] : [`reply shape ${s} differs from reference ${r}`]
}

export function checkShape(shape: ShapeKind, subject: RawReply, reference: RawReply): string[] {
  switch (shape) {
    case 'info':
      return checkInfo(subject, reference)
    case 'client-list':
      return checkClientList(subject, reference)
    case 'time':
      return [...sameType(subject, reference, ['*']), ...checkTime(subject, 'subject'), ...checkTime(reference, 'reference')]
    case 'integer':
      return sameType(subject, reference, [':'])
    case 'hello':
      return withoutHelloId(subject) === withoutHelloId(reference) ? [] : ['HELLO differs beyond its id field']
    case 'command':
      return checkCommandTable(subject, reference, true)
    case 'command-list':
      return checkCommandTable(subject, reference, false)
    case 'random':
      return checkSkeleton(subject, reference)
  }
}
