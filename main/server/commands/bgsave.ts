/**
 * BGSAVE [SCHEDULE] (rdb.c bgsaveCommand of Redis 7.0.15) over the BGSAVE
 * service (persistence/bgsave.ts): the reply comes at once, the snapshot is
 * taken across event-loop turns.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_SYNTAX, error, simple } from '../protocol/replies'
import { bgsaveService } from '../persistence/bgsave'
import type { CommandSpec } from './types'

const STARTED = simple('Background saving started')
const SCHEDULED = simple('Background saving scheduled')
const IN_PROGRESS = error('ERR Background save already in progress')
const BUSY = error(
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
)
/** rdbSaveBackground failing answers the bare shared.err. */
const FAILED = error('ERR')

function bgsave(ctx: CommandContext): Reply {
  let schedule = false
  if (ctx.argv.length > 1) {
    if (ctx.argv.length === 2 && ctx.argv[1].toString('latin1').toLowerCase() === 'schedule') schedule = true
    else return ERR_SYNTAX
  }
  // server.in_exec: inside EXEC (where blocking is denied) Redis schedules instead of starting.
  switch (bgsaveService(ctx.server).request({ schedule, inExec: ctx.denyBlocking === true })) {
    case 'started':
      return STARTED
    case 'scheduled':
      return SCHEDULED
    case 'in-progress':
      return IN_PROGRESS
    case 'busy':
      return BUSY
    case 'failed':
      return FAILED
  }
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const bgsaveCommands: CommandSpec[] = [
  {
    name: 'bgsave',
    arity: -1,
    flags: ['admin', 'noscript', 'no_async_loading'],
    group: 'server',
    summary: 'Asynchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(1)',
    history: [['3.2.2', 'Added the `SCHEDULE` option.']],
    args: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', optional: true }],
    handler: bgsave,
  },
]
