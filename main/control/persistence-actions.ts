/**
 * Save (BGSAVE) and Rewrite AOF (BGREWRITEAOF) as the app runs them: one
 * command on a connection of its own, never the user's console connection,
 * whose state (MULTI, SUBSCRIBE, a blocked BLPOP) would swallow or queue it.
 * Works the same against tandem-server and real Redis: the server's status
 * line is the result, its error line the failure.
 */
import type { ConsoleReply } from '../../shared/types'
import { ConsoleSession, type NodeAuth } from './console'
import { ApiError } from './validate'

export type PersistenceCommand = 'BGSAVE' | 'BGREWRITEAOF'

/** Runs one command against host:port and returns its reply; the connection is closed after. */
export type RunOnce = (host: string, port: number, argv: readonly string[], auth?: NodeAuth) => Promise<ConsoleReply>

export const runOnce: RunOnce = async (host, port, argv, auth) => {
  const session = new ConsoleSession(host, port, 10_000, auth)
  try {
    return await session.exec(argv)
  } finally {
    session.close()
  }
}

/**
 * The server's answer as the message the user sees, or an ApiError that
 * names the node and quotes the server (e.g. `ERR Background save already in progress`).
 */
export function persistenceReplyMessage(command: PersistenceCommand, nodeName: string, reply: ConsoleReply): string {
  if (reply.type === 'status' || reply.type === 'bulk' || reply.type === 'verbatim') return reply.value
  if (reply.type === 'error') throw new ApiError(`${command} on "${nodeName}" failed: ${reply.value}`)
  throw new ApiError(`${command} on "${nodeName}": unexpected ${reply.type} reply`)
}
