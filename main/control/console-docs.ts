/**
 * The console's command table, read from the node itself: COMMAND DOCS gives
 * summaries and argument trees (completion, hints, `help`), COMMAND (INFO)
 * gives arity and flags (`write` drives the replica warning). Reading both
 * from the wire rather than bundling a table makes completion match the
 * server actually attached — tandem-server or any real Redis 7.
 *
 * Both replies are walked as generic key/value lists so RESP2 arrays and
 * RESP3 maps parse the same way.
 */
import type { CommandArgDoc, CommandDoc, ConsoleReply } from '../../shared/types'

/** The text of a scalar reply ('' for anything else). */
function text(reply: ConsoleReply | undefined): string {
  if (!reply) return ''
  switch (reply.type) {
    case 'status':
    case 'bulk':
    case 'integer':
    case 'double':
    case 'verbatim':
    case 'bignum':
      return reply.value
    default:
      return ''
  }
}

function items(reply: ConsoleReply | undefined): ConsoleReply[] {
  if (!reply) return []
  if (reply.type === 'array' || reply.type === 'set' || reply.type === 'push') return reply.items
  if (reply.type === 'map') return reply.entries.flat()
  return []
}

/** A flat `k1 v1 k2 v2` array or a RESP3 map, as [key, value] pairs. */
function pairs(reply: ConsoleReply | undefined): [string, ConsoleReply][] {
  if (reply?.type === 'map') return reply.entries.map(([k, v]) => [text(k), v])
  const list = items(reply)
  const out: [string, ConsoleReply][] = []
  for (let i = 0; i + 1 < list.length; i += 2) out.push([text(list[i]), list[i + 1]])
  return out
}

function field(reply: ConsoleReply | undefined, name: string): ConsoleReply | undefined {
  return pairs(reply).find(([k]) => k === name)?.[1]
}

function parseArgument(reply: ConsoleReply): CommandArgDoc {
  const arg: CommandArgDoc = { name: text(field(reply, 'name')), type: text(field(reply, 'type')), flags: [] }
  const token = field(reply, 'token')
  if (token) arg.token = text(token)
  const since = field(reply, 'since')
  if (since) arg.since = text(since)
  arg.flags = items(field(reply, 'flags')).map(text)
  const nested = field(reply, 'arguments')
  if (nested) arg.arguments = items(nested).map(parseArgument)
  return arg
}

interface CommandInfo {
  arity: number
  flags: string[]
  subcommands: Map<string, CommandInfo>
}

/** COMMAND / COMMAND INFO: one array per command, [name, arity, flags, first, last, step, acl, tips, keyspecs, subcommands]. */
export function parseCommandInfo(reply: ConsoleReply): Map<string, CommandInfo> {
  const out = new Map<string, CommandInfo>()
  for (const entry of items(reply)) {
    const fields = items(entry)
    const name = text(fields[0]).toLowerCase()
    if (!name) continue
    out.set(name, {
      arity: Number(text(fields[1])) || 0,
      flags: items(fields[2]).map((f) => text(f).toLowerCase()),
      subcommands: parseCommandInfo(fields[9] ?? { type: 'nil' }),
    })
  }
  return out
}

function parseDocs(reply: ConsoleReply, info: Map<string, CommandInfo>): CommandDoc[] {
  const out: CommandDoc[] = []
  for (const [rawName, body] of pairs(reply)) {
    const name = rawName.toLowerCase()
    const known = info.get(name)
    const doc: CommandDoc = {
      name,
      summary: text(field(body, 'summary')),
      since: text(field(body, 'since')),
      group: text(field(body, 'group')),
      arity: known?.arity ?? 0,
      flags: known?.flags ?? [],
      arguments: items(field(body, 'arguments')).map(parseArgument),
      subcommands: parseDocs(field(body, 'subcommands') ?? { type: 'nil' }, known?.subcommands ?? new Map()),
    }
    const complexity = field(body, 'complexity')
    if (complexity) doc.complexity = text(complexity)
    out.push(doc)
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Joins COMMAND DOCS and COMMAND replies into the console's table. A command
 * INFO knows but DOCS does not (modules, older servers) still appears, so it
 * completes and gets its write flag, just without a summary.
 */
export function commandTable(docsReply: ConsoleReply, infoReply: ConsoleReply): CommandDoc[] {
  const info = parseCommandInfo(infoReply)
  const docs = parseDocs(docsReply, info)
  const seen = new Set(docs.map((d) => d.name))
  for (const [name, known] of info) {
    if (seen.has(name)) continue
    docs.push({ name, summary: '', since: '', group: '', arity: known.arity, flags: known.flags, arguments: [], subcommands: [] })
  }
  return docs.sort((a, b) => a.name.localeCompare(b.name))
}
