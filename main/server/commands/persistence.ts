/**
 * SAVE (rdb.c saveCommand of Redis 7.0.15): the dataset written to
 * `dbfilename` in `dir` synchronously and crash-safely (persistence/
 * rdb-save.ts). BGSAVE belongs to the snapshot engine and joins this family
 * as one more spec.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { OK, error } from '../protocol/replies'
import { saveRdbSync } from '../persistence/rdb-save'
import type { CommandSpec } from './types'

/** Redis answers a failed SAVE with the bare shared.err. */
const ERR_BARE = error('ERR')

function save(ctx: CommandContext): Reply {
  const state = ctx.server.persistence
  if (state?.bgsaveInProgress) return error('ERR Background save already in progress')
  const dirtyAtStart = ctx.server.dirty
  const outcome = saveRdbSync(ctx.server)
  if (!outcome.ok) return ERR_BARE
  if (state) state.saved(ctx.server, Date.now(), dirtyAtStart)
  else ctx.server.dirty = 0
  return OK
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const persistenceCommands: CommandSpec[] = [
  {
    name: 'save',
    arity: 1,
    flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'],
    group: 'server',
    summary: 'Synchronously save the dataset to disk',
    since: '1.0.0',
    complexity: 'O(N) where N is the total number of keys in all databases',
    handler: save,
  },
]
