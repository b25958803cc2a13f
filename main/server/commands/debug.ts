/**
 * DEBUG (debug.c): HELP, SLEEP, OBJECT, DIGEST and DIGEST-VALUE as Redis
 * 7.0.15 answers them; other subcommands are recognised by HELP but reply an
 * error until the parts they exercise exist.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { ERR_NO_SUCH_KEY, OK, error, simple } from '../protocol/replies'
import { datasetDigest, valueDigest } from '../digest'
import { RdbWriter } from '../persistence/rdb-format'
import { writeValue } from '../persistence/rdb-value'
import { limitsFromConfig, toPortable } from '../persistence/value-bridge'
import { idleMs } from '../store/access-clock'
import { isToken, parseDouble } from './parse'
import { encodingOf } from './object'
import type { CommandSpec } from './types'

const ERR_NOT_ALLOWED = error(
  'ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
)

const DEBUG_HELP: readonly string[] = [
  'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'AOF-FLUSH-SLEEP <microsec>',
  '    Server will sleep before flushing the AOF, this is used for testing.',
  'ASSERT',
  '    Crash by assertion failed.',
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'CRASH-AND-RECOVER [<milliseconds>]',
  '    Hard crash and restart after a <milliseconds> delay (default 0).',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LEAK <string>',
  '    Create a memory leak of the input string.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'HTSTATS <dbid>',
  '    Return hash table statistics of the specified Redis database.',
  'HTSTATS-KEY <key>',
  '    Like HTSTATS but for the hash table stored at <key>\'s value.',
  'LOADAOF',
  '    Flush the AOF buffers on disk and reload the AOF in memory.',
  'REPLICATE <string>',
  '    Replicates the provided string to replicas, allowing data divergence.',
  'MALLCTL <key> [<val>]',
  '    Get or set a malloc tuning integer.',
  'MALLCTL-STR <key> [<val>]',
  '    Get or set a malloc tuning string.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'DROP-CLUSTER-PACKET-FILTER <packet-type>',
  '    Drop all packets that match the filtered type. Set to -1 allow all packets.',
  'OOM',
  '    Crash the server simulating an out-of-memory error.',
  'PANIC',
  '    Crash the server simulating a panic.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'RELOAD [option ...]',
  '    Save the RDB on disk and reload it back to memory. Valid <option> values:',
  '    * MERGE: conflicting keys will be loaded from RDB.',
  '    * NOFLUSH: the existing database will not be removed before load, but',
  '      conflicting keys will generate an exception and kill the server.',
  '    * NOSAVE: the database will be loaded from an existing RDB file.',
  '    Examples:',
  '    * DEBUG RELOAD: verify that the server is able to persist, flush and reload',
  '      the database.',
  '    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an',
  '      existing RDB file.',
  '    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB',
  '      file to the database.',
  'RESTART [<milliseconds>]',
  '    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).',
  'SDSLEN <key>',
  '    Show low level SDS string info representing `key` and value.',
  'SEGFAULT',
  '    Crash the server with sigsegv.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'QUICKLIST-PACKED-THRESHOLD <size>',
  '    Sets the threshold for elements to be inserted as plain vs packed nodes',
  '    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.',
  'SET-SKIP-CHECKSUM-VALIDATION <0|1>',
  '    Enables or disables checksum checks for RDB files and RESTORE\'s payload.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
  'STRINGMATCH-TEST',
  '    Run a fuzz tester against the stringmatchlen() function.',
  'STRUCTSIZE',
  '    Return the size of different Redis core C structures.',
  'LISTPACK <key>',
  '    Show low level info about the listpack encoding of <key>.',
  'QUICKLIST <key> [<0|1>]',
  '    Show low level info about the quicklist encoding of <key>.',
  '    The optional argument (0 by default) sets the level of detail',
  'CLIENT-EVICTION',
  '    Show low level client eviction pools info (maxmemory-clients).',
  'PAUSE-CRON <0|1>',
  '    Stop periodic cron job processing.',
  'REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>',
  '    Sets the time (in milliseconds) to wait between client reply buffer peak resets.',
  '    In case NEVER is provided the last observed peak will never be reset',
  '    In case RESET is provided the peak reset time will be restored to the default value',
  'REPLYBUFFER RESIZING <0|1>',
  '    Enable or disable the reply buffer resize cron job',
  'CLUSTERLINK KILL <to|from|all> <node-id>',
  '    Kills the link based on the direction to/from (both) with the provided node.',
  'HELP',
  '    Prints this help.',
]

const errSubcommand = (sub: Buffer): Reply =>
  error(`ERR unknown subcommand or wrong number of arguments for '${sub.toString('latin1').replace(/[\r\n]/g, ' ')}'. Try DEBUG HELP.`)

/** Blocks the whole process as Redis's debugCommand does with usleep: nothing else runs meanwhile. */
function sleepSync(ms: number): void {
  if (ms <= 0) return
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * enable-debug-command: "yes" allows every client; "local" only loopback
 * clients (Tandem serves only loopback by default, so it is treated as yes).
 */
function debugAllowed(ctx: CommandContext): boolean {
  const setting = ctx.server.config.get('enable-debug-command') ?? 'no'
  return setting === 'yes' || setting === 'local'
}

function debugObject(ctx: CommandContext): Reply {
  const key = ctx.argv[2]
  const value = ctx.db.peek(key)
  if (value === undefined || !ctx.db.has(key)) return ERR_NO_SUCH_KEY
  const portable = toPortable(value)
  let serialized = 0
  if (portable !== null) {
    const w = new RdbWriter(true)
    writeValue(portable, w, limitsFromConfig(ctx.server.config))
    serialized = w.toBuffer().length - 1
  }
  const state = ctx.db.memory.access(key.toString('latin1'))
  const lastAccess = state?.lastAccess ?? ctx.server.now()
  const lru = Math.floor(lastAccess / 1000) & ((1 << 24) - 1)
  const idle = state === undefined ? 0 : Math.floor(idleMs(state, ctx.server.now()) / 1000)
  const address = `0x${(0x7f0000000000 + ((key.length * 2654435761) % 0x100000000)).toString(16)}`
  return simple(
    `Value at:${address} refcount:1 encoding:${encodingOf(value)} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}`,
  )
}

function debugCommand(ctx: CommandContext): Reply {
  const argv = ctx.argv
  if (!debugAllowed(ctx)) return ERR_NOT_ALLOWED
  const sub = argv[1]
  if (argv.length === 2 && isToken(sub, 'HELP')) return { t: 'array', v: DEBUG_HELP.map(simple) }
  if (argv.length === 3 && isToken(sub, 'SLEEP')) {
    const seconds = parseDouble(argv[2]) ?? 0
    sleepSync(seconds * 1000)
    return OK
  }
  if (argv.length === 3 && isToken(sub, 'OBJECT')) return debugObject(ctx)
  if (argv.length === 2 && isToken(sub, 'DIGEST')) return simple(datasetDigest(ctx.server.databases))
  if (argv.length >= 2 && isToken(sub, 'DIGEST-VALUE')) {
    return { t: 'array', v: argv.slice(2).map((key) => simple(valueDigest(ctx.db, key))) }
  }
  if (argv.length >= 2 && isToken(sub, 'ERROR') && argv.length === 3) {
    // addReplyError: a message not starting with '-' gets the ERR prefix.
    const text = argv[2].toString('latin1').replace(/[\r\n]/g, ' ')
    return error(text.startsWith('-') ? text.slice(1) : `ERR ${text}`)
  }
  return errSubcommand(sub)
}

/** Declarations as Redis 7.0.15 reports them in COMMAND INFO and COMMAND DOCS. */
export const debugCommands: CommandSpec[] = [
  {
    name: 'debug',
    arity: -2,
    flags: ['admin', 'noscript', 'loading', 'stale'],
    group: 'server',
    summary: 'A container for debugging commands',
    since: '1.0.0',
    complexity: 'Depends on subcommand.',
    docFlags: ['syscmd'],
    // ACL categories: @admin @slow @dangerous
    handler: debugCommand,
  },
]
