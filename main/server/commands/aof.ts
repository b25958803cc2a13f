/**
 * BGREWRITEAOF (aof.c bgrewriteaofCommand of Redis 7.0.15) over the AOF
 * engine (persistence/aof.ts): the rewrite runs across event-loop turns, the
 * reply comes at once.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { error, simple } from '../protocol/replies'
import type { CommandSpec } from './types'

const STARTED = simple('Background append only file rewriting started')
const SCHEDULED = simple('Background append only file rewriting scheduled')
const IN_PROGRESS = error('ERR Background append only file rewriting already in progress')
const FAILED = error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")

function bgrewriteaof(ctx: CommandContext): Reply {
  const aof = ctx.server.aof
  if (!aof) return FAILED
  switch (aof.requestRewrite()) {
    case 'started':
      return STARTED
    case 'scheduled':
      return SCHEDULED
    case 'in-progress':
      return IN_PROGRESS
    case 'failed':
      return FAILED
  }
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const aofCommands: CommandSpec[] = [
  {
    name: 'bgrewriteaof',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    group: 'server',
    summary: 'Asynchronously rewrite the append-only file',
    since: '1.0.0',
    complexity: 'O(1)',
    handler: bgrewriteaof,
  },
]
