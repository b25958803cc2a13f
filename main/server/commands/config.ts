/**
 * CONFIG GET / SET / RESETSTAT / REWRITE / HELP, driven by the directive table
 * through the live Config (config/config.ts).
 */
import type { CommandContext } from '../context'
import type { ClientHandle } from '../core'
import type { CommandSpec } from './types'
import type { Reply } from '../protocol/reply'
import { OK, ERR_SYNTAX, bulk, error, map, simple, array } from '../protocol/replies'
import { Config } from '../config/config'
import { rewriteConfigFile } from '../config/rewrite'

function liveConfig(ctx: CommandContext): Config | null {
  return ctx.server.config instanceof Config ? ctx.server.config : null
}

const NO_CONFIG = error('ERR this server has no settable configuration')

function configGet(ctx: CommandContext): Reply {
  const config = liveConfig(ctx)
  if (!config) return NO_CONFIG
  const patterns = ctx.argv.slice(2).map((a) => a.toString())
  return map(config.getMatching(patterns).map(([name, value]) => [bulk(name), bulk(value)] as const))
}

function isLocal(ctx: CommandContext): boolean {
  const addr = (ctx.client as Partial<ClientHandle>).addr ?? ''
  return addr.startsWith('127.') || addr.startsWith('::1:') || addr.startsWith('/')
}

function configSet(ctx: CommandContext): Reply {
  const config = liveConfig(ctx)
  if (!config) return NO_CONFIG
  if (ctx.argv.length % 2 !== 0) return ERR_SYNTAX
  const pairs: [string, string][] = []
  for (let i = 2; i < ctx.argv.length; i += 2) pairs.push([ctx.argv[i].toString(), ctx.argv[i + 1].toString()])
  const failure = config.setMany(pairs, { localClient: isLocal(ctx) })
  return failure === null ? OK : error(failure)
}

function configResetStat(ctx: CommandContext): Reply {
  ctx.server.resetStats()
  return OK
}

function configRewrite(ctx: CommandContext): Reply {
  const config = liveConfig(ctx)
  if (!config) return NO_CONFIG
  const failure = rewriteConfigFile(config)
  return failure === null ? OK : error(failure)
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
  'HELP',
  '    Prints this help.',
]

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const

export const configCommands: CommandSpec[] = [
  {
    name: 'config',
    arity: -2,
    flags: [],
    group: 'server',
    summary: 'A container for server configuration commands',
    since: '2.0.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'config|get',
        arity: -3,
        flags: ADMIN,
        group: 'server',
        summary: 'Get the values of configuration parameters',
        since: '2.0.0',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to pass multiple pattern parameters in one call']],
        args: [{ name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] }],
        handler: configGet,
      },
      {
        name: 'config|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: 'server',
        summary: 'Show helpful text about the different subcommands',
        since: '5.0.0',
        complexity: 'O(1)',
        handler: () => array(HELP.map(simple)),
      },
      {
        name: 'config|set',
        arity: -4,
        flags: ADMIN,
        group: 'server',
        summary: 'Set configuration parameters to the given values',
        since: '2.0.0',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        complexity: 'O(N) when N is the number of configuration parameters provided',
        history: [['7.0.0', 'Added the ability to set multiple parameters in one call.']],
        args: [{ name: 'parameter_value', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }, { name: 'value', type: 'string' }] }],
        handler: configSet,
      },
      {
        name: 'config|resetstat',
        arity: 2,
        flags: ADMIN,
        group: 'server',
        summary: 'Reset the stats returned by INFO',
        since: '2.0.0',
        complexity: 'O(1)',
        handler: configResetStat,
      },
      {
        name: 'config|rewrite',
        arity: 2,
        flags: ADMIN,
        group: 'server',
        summary: 'Rewrite the configuration file with the in memory configuration',
        since: '2.8.0',
        complexity: 'O(1)',
        handler: configRewrite,
      },
    ],
  },
]
