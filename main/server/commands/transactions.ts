/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH, as Redis 7.0's multi.c.
 *
 * A client's transaction state lives here, keyed by its ClientState object,
 * so neither the client nor the server needs fields for it. The server calls:
 *   - `queueInTransaction(spec, ctx)` once a command passed lookup/arity/auth:
 *     a reply (QUEUED or a refusal) means "do not run it now";
 *   - `flagTransaction(client)` when a command was rejected before running
 *     (unknown, arity, auth …): EXEC then answers EXECABORT;
 *   - `forgetTransaction(client)` when the client goes away (drops its WATCHes).
 *
 * WATCH hooks each database's modifiedListeners (every write, and expiry,
 * signals there) and flushingListeners (FLUSHDB/FLUSHALL/SWAPDB touch only
 * keys that existed, as touchAllWatchedKeysInDb), plus swappedListeners
 * (after SWAPDB, keys that exist in the contents received).
 */
import type { CommandContext, ClientState } from '../context'
import type { Reply } from '../protocol/reply'
import { NULL_ARRAY, OK, QUEUED, array, error } from '../protocol/replies'
import type { Database } from '../store/database'
import { keyString } from '../store/database'
import type { CommandGroup, CommandSpec } from './types'
import { preventPropagation, runPropagated } from '../replication/propagation'

const TRANSACTIONS: CommandGroup = 'transactions'

const ERR_EXECABORT = error('EXECABORT Transaction discarded because of previous errors.')
const ERR_NOT_IN_MULTI_ALLOWED = error('ERR Command not allowed inside a transaction')

interface WatchedKey {
  /** The key was already logically expired when watched: its deletion is no change. */
  expired: boolean
}

interface Transaction {
  inMulti: boolean
  /** CLIENT_DIRTY_EXEC: a command was refused while queuing. */
  aborted: boolean
  /** CLIENT_DIRTY_CAS: a watched key was touched. */
  dirty: boolean
  queue: { spec: CommandSpec; argv: readonly Buffer[] }[]
  readonly watched: Map<Database, Map<string, WatchedKey>>
}

const transactions = new WeakMap<ClientState, Transaction>()
/** db → key → transactions watching it. */
const watchers = new WeakMap<Database, Map<string, Set<Transaction>>>()

function stateOf(client: ClientState): Transaction {
  let tx = transactions.get(client)
  if (!tx) {
    tx = { inMulti: false, aborted: false, dirty: false, queue: [], watched: new Map() }
    transactions.set(client, tx)
  }
  return tx
}

/** True between MULTI and EXEC/DISCARD (CLIENT LIST `multi=`, pub/sub checks). */
export function inTransaction(client: ClientState): boolean {
  return transactions.get(client)?.inMulti === true
}

/** Commands queued so far, -1 outside MULTI (CLIENT LIST `multi=`). */
export function queuedCount(client: ClientState): number {
  const tx = transactions.get(client)
  return tx?.inMulti ? tx.queue.length : -1
}

/** CLIENT_DIRTY_CAS: a watched key was touched, so EXEC will fail (CLIENT LIST flag `d`). */
export function watchTouched(client: ClientState): boolean {
  return transactions.get(client)?.dirty === true
}

/** Commands that run at once even inside MULTI (processCommand's exceptions). */
const RUN_IN_MULTI = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset'])

export function queueInTransaction(spec: CommandSpec, ctx: CommandContext): Reply | undefined {
  const tx = transactions.get(ctx.client)
  if (!tx?.inMulti) return undefined
  if (spec.flags.includes('no_multi')) {
    tx.aborted = true
    return ERR_NOT_IN_MULTI_ALLOWED
  }
  const base = spec.name.includes('|') ? spec.name.slice(0, spec.name.indexOf('|')) : spec.name
  if (RUN_IN_MULTI.has(base)) return undefined
  tx.queue.push({ spec, argv: ctx.argv })
  return QUEUED
}

export function flagTransaction(client: ClientState): void {
  const tx = transactions.get(client)
  if (tx?.inMulti) tx.aborted = true
}

export function forgetTransaction(client: ClientState): void {
  const tx = transactions.get(client)
  if (!tx) return
  unwatchAll(tx)
  transactions.delete(client)
}

/** RESET / DISCARD: leave MULTI and forget every WATCH. */
export function discardTransaction(client: ClientState): void {
  const tx = transactions.get(client)
  if (!tx) return
  tx.inMulti = false
  tx.aborted = false
  tx.queue = []
  unwatchAll(tx)
}

// ---- WATCH bookkeeping -------------------------------------------------------

const hookedDatabases = new WeakSet<Database>()

function hook(db: Database): void {
  if (hookedDatabases.has(db)) return
  hookedDatabases.add(db)
  db.modifiedListeners.push(touchWatchedKey)
  db.flushingListeners.push(touchAllWatchedKeysInDb)
  // SWAPDB: a watched key that exists in the contents the db received is touched too (touchAllWatchedKeysInDb's replaced_with).
  db.swappedListeners.push(touchAllWatchedKeysInDb)
}

function isLogicallyExpired(db: Database, key: string, now: number): boolean {
  if (db.peek(key) === undefined) return false
  const at = db.getExpire(key)
  return at !== undefined && now > at
}

function touchWatchedKey(db: Database, key: string): void {
  const set = watchers.get(db)?.get(key)
  if (!set) return
  for (const tx of [...set]) {
    const wk = tx.watched.get(db)?.get(key)
    if (wk?.expired) {
      // The expired key is now deleted: logically nothing changed.
      if (db.peek(key) === undefined) {
        wk.expired = false
        continue
      }
    }
    markDirty(tx)
  }
}

/** Called before the database is emptied: only keys that existed count as touched. */
function touchAllWatchedKeysInDb(db: Database): void {
  const byKey = watchers.get(db)
  if (!byKey) return
  for (const [key, set] of [...byKey]) {
    if (db.peek(key) === undefined) continue
    for (const tx of [...set]) {
      const wk = tx.watched.get(db)?.get(key)
      if (wk?.expired) {
        wk.expired = false
        continue
      }
      markDirty(tx)
    }
  }
}

/** As Redis 7.0: once dirty, the client's watches are dropped (nothing more can change the outcome). */
function markDirty(tx: Transaction): void {
  tx.dirty = true
  unwatchAll(tx)
}

function watchKey(tx: Transaction, db: Database, key: string, now: number): void {
  let keys = tx.watched.get(db)
  if (!keys) tx.watched.set(db, (keys = new Map()))
  if (keys.has(key)) return
  hook(db)
  keys.set(key, { expired: isLogicallyExpired(db, key, now) })
  let byKey = watchers.get(db)
  if (!byKey) watchers.set(db, (byKey = new Map()))
  let set = byKey.get(key)
  if (!set) byKey.set(key, (set = new Set()))
  set.add(tx)
}

function unwatchAll(tx: Transaction): void {
  for (const [db, keys] of tx.watched) {
    const byKey = watchers.get(db)
    if (!byKey) continue
    for (const key of keys.keys()) {
      const set = byKey.get(key)
      if (!set) continue
      set.delete(tx)
      if (set.size === 0) byKey.delete(key)
    }
  }
  tx.watched.clear()
}

/** isWatchedKeyExpired: a watched key that expired since WATCH (even if not yet reclaimed) fails EXEC. */
function watchedKeyExpired(tx: Transaction, now: number): boolean {
  for (const [db, keys] of tx.watched) {
    for (const [key, wk] of keys) {
      if (!wk.expired && isLogicallyExpired(db, key, now)) return true
    }
  }
  return false
}

// ---- commands ----------------------------------------------------------------

function multi(ctx: CommandContext): Reply {
  const tx = stateOf(ctx.client)
  if (tx.inMulti) return error('ERR MULTI calls can not be nested')
  tx.inMulti = true
  tx.aborted = false
  tx.queue = []
  return OK
}

function discard(ctx: CommandContext): Reply {
  if (!inTransaction(ctx.client)) return error('ERR DISCARD without MULTI')
  discardTransaction(ctx.client)
  stateOf(ctx.client).dirty = false
  return OK
}

function exec(ctx: CommandContext): Reply {
  const tx = transactions.get(ctx.client)
  if (!tx?.inMulti) return error('ERR EXEC without MULTI')
  if (watchedKeyExpired(tx, ctx.server.now())) tx.dirty = true
  if (tx.aborted || tx.dirty) {
    const reply = tx.aborted ? ERR_EXECABORT : NULL_ARRAY
    discardTransaction(ctx.client)
    tx.dirty = false
    return reply
  }
  const queue = tx.queue
  // EXEC itself is never replayed: its queued commands are.
  preventPropagation(ctx)
  discardTransaction(ctx.client)
  tx.dirty = false
  const replies: Reply[] = []
  for (const { spec, argv } of queue) {
    const db = ctx.server.databases[ctx.client.db] ?? ctx.db
    const handler = spec.handler
    // Each queued command is its own call(): the effects join EXEC's unit, wrapped in MULTI … EXEC when more than one.
    replies.push(handler ? runPropagated({ argv, client: ctx.client, server: ctx.server, db, denyBlocking: true }, handler) : NULL_ARRAY)
    ctx.server.stats.totalCommandsProcessed++
    // Each queued command goes through call() in Redis, so MONITOR shows it (before EXEC itself).
    ctx.server.core.feedMonitors?.(ctx.client, argv, spec)
  }
  return array(replies)
}

function watch(ctx: CommandContext): Reply {
  const tx = stateOf(ctx.client)
  if (tx.inMulti) return error('ERR WATCH inside MULTI is not allowed')
  // A client already marked dirty has nothing more to learn from new watches.
  if (tx.dirty) return OK
  const now = ctx.server.now()
  for (let i = 1; i < ctx.argv.length; i++) watchKey(tx, ctx.db, keyString(ctx.argv[i]), now)
  return OK
}

function unwatch(ctx: CommandContext): Reply {
  const tx = transactions.get(ctx.client)
  if (tx) {
    unwatchAll(tx)
    tx.dirty = false
  }
  return OK
}

const TX_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const

export const transactionCommands: CommandSpec[] = [
  {
    name: 'multi',
    arity: 1,
    flags: [...TX_FLAGS],
    group: TRANSACTIONS,
    summary: 'Mark the start of a transaction block',
    since: '1.2.0',
    complexity: 'O(1)',
    handler: multi,
  },
  {
    name: 'exec',
    arity: 1,
    flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    group: TRANSACTIONS,
    summary: 'Execute all commands issued after MULTI',
    since: '1.2.0',
    complexity: 'Depends on commands in the transaction',
    handler: exec,
  },
  {
    name: 'discard',
    arity: 1,
    flags: [...TX_FLAGS],
    group: TRANSACTIONS,
    summary: 'Discard all commands issued after MULTI',
    since: '2.0.0',
    complexity: 'O(N), when N is the number of queued commands',
    handler: discard,
  },
  {
    name: 'watch',
    arity: -2,
    flags: [...TX_FLAGS],
    keys: { first: 1, last: -1, step: 1 },
    keySpecs: [{ flags: ['RO'], beginSearch: { index: 1 }, findKeys: { range: { lastkey: -1, keystep: 1, limit: 0 } } }],
    group: TRANSACTIONS,
    summary: 'Watch the given keys to determine execution of the MULTI/EXEC block',
    since: '2.2.0',
    complexity: 'O(1) for every key.',
    args: [{ name: 'key', type: 'key', multiple: true }],
    handler: watch,
  },
  {
    name: 'unwatch',
    arity: 1,
    flags: [...TX_FLAGS],
    group: TRANSACTIONS,
    summary: 'Forget about all watched keys',
    since: '2.2.0',
    complexity: 'O(1)',
    handler: unwatch,
  },
]
