/**
 * SLOWLOG and CLIENT LIST / KILL as the dashboard runs them: one command on
 * a connection of its own (never the user's console), over the wire so it
 * works the same against tandem-server and an attached redis-server. The
 * replies are parsed here into plain rows; the server's error line is the
 * error the user sees.
 */
import type { ClientEntry, ClientKillRequest, ConsoleReply, SlowlogEntry } from '../../shared/types'
import { ApiError, nodeId } from './validate'

/** SLOWLOG GET's default length in Redis (slowlog-max-len's default). */
export const DEFAULT_SLOWLOG_COUNT = 128

function scalarText(reply: ConsoleReply | undefined): string {
  if (!reply) return ''
  if (reply.type === 'status' || reply.type === 'bulk' || reply.type === 'integer' || reply.type === 'verbatim' || reply.type === 'double' || reply.type === 'bignum') return reply.value
  return ''
}

function itemsOf(reply: ConsoleReply | undefined): ConsoleReply[] | null {
  if (reply && (reply.type === 'array' || reply.type === 'set' || reply.type === 'push')) return reply.items
  return null
}

/** A non-error reply that is not what the command returns: a server speaking something else. */
function unexpected(command: string, reply: ConsoleReply): ApiError {
  return new ApiError(`${command}: unexpected ${reply.type} reply`)
}

export function failIfError(command: string, reply: ConsoleReply): void {
  if (reply.type === 'error') throw new ApiError(`${command} failed: ${reply.value}`)
}

/**
 * SLOWLOG GET's reply: entries of [id, time, duration µs, [args…], client
 * addr, client name]; Redis before 4.0 had only the first four, kept working.
 */
export function parseSlowlog(reply: ConsoleReply): SlowlogEntry[] {
  failIfError('SLOWLOG GET', reply)
  const entries = itemsOf(reply)
  if (!entries) throw unexpected('SLOWLOG GET', reply)
  const out: SlowlogEntry[] = []
  for (const entry of entries) {
    const parts = itemsOf(entry)
    if (!parts || parts.length < 4) continue
    out.push({
      id: Number(scalarText(parts[0])),
      time: Number(scalarText(parts[1])),
      durationMicros: Number(scalarText(parts[2])),
      args: (itemsOf(parts[3]) ?? []).map(scalarText),
      clientAddr: scalarText(parts[4]),
      clientName: scalarText(parts[5]),
    })
  }
  return out
}

/**
 * CLIENT LIST text: one client per line of space-separated `name=value`
 * pairs. Only `name` may hold a space-free arbitrary value and `cmd` a
 * `|subcommand`; values never contain spaces (Redis refuses them in names).
 */
export function parseClientList(text: string): ClientEntry[] {
  const clients: ClientEntry[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '') continue
    const fields: Record<string, string> = {}
    for (const pair of line.split(' ')) {
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      fields[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    if (fields.id === undefined) continue
    const int = (name: string): number => {
      const n = Number(fields[name])
      return Number.isFinite(n) ? n : 0
    }
    clients.push({
      id: fields.id,
      addr: fields.addr ?? '',
      name: fields.name ?? '',
      age: int('age'),
      idle: int('idle'),
      db: int('db'),
      flags: fields.flags ?? '',
      cmd: fields.cmd ?? '',
      fields,
    })
  }
  return clients
}

export function clientListFromReply(reply: ConsoleReply): ClientEntry[] {
  failIfError('CLIENT LIST', reply)
  if (reply.type !== 'bulk' && reply.type !== 'verbatim' && reply.type !== 'status') throw unexpected('CLIENT LIST', reply)
  return parseClientList(reply.value)
}

/** CLIENT KILL ID's reply: the number of clients killed (0 means none had that id). */
export function killedFromReply(clientId: string, reply: ConsoleReply): number {
  failIfError('CLIENT KILL', reply)
  if (reply.type !== 'integer') throw unexpected('CLIENT KILL', reply)
  const killed = Number(reply.value)
  if (killed === 0) throw new ApiError(`CLIENT KILL failed: no client with id ${clientId}`)
  return killed
}

export function slowlogGetRequest(params: unknown): { id: string; count: number } {
  const id = nodeId(params, 'slowlog.get')
  const count = (params as { count?: unknown }).count
  if (count === undefined || count === null) return { id, count: DEFAULT_SLOWLOG_COUNT }
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 10_000) {
    throw new ApiError('slowlog.get: "count" must be an integer from 1 to 10000')
  }
  return { id, count }
}

export function clientKillRequest(params: unknown): ClientKillRequest {
  const id = nodeId(params, 'clients.kill')
  const clientId = (params as { clientId?: unknown }).clientId
  if (typeof clientId !== 'string' || !/^\d+$/.test(clientId)) throw new ApiError('clients.kill: "clientId" must be a client id (digits)')
  return { id, clientId }
}
