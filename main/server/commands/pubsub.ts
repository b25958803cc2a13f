/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB, as
 * Redis 7.0's pubsub.c. Subscription confirmations are push replies (RESP3
 * `>`, RESP2 arrays), one per channel, sent as one `multi` reply so they stay
 * in order with everything else the client receives. The registry lives in
 * ../pubsub.ts and is reached as `ctx.server.pubsub`.
 */
import type { CommandContext } from '../context'
import type { Reply } from '../protocol/reply'
import { array, bulk, error, int } from '../protocol/replies'
import type { PubSubRegistry } from '../pubsub'
import type { CommandGroup, CommandSpec } from './types'
import { forcePropagation } from '../replication/propagation'

const PUBSUB: CommandGroup = 'pubsub'
const NO_REGISTRY = error('ERR pub/sub is not available on this server')

const name = (arg: Buffer): string => arg.toString('latin1')
const bulkOf = (s: string): Reply => bulk(Buffer.from(s, 'latin1'))
const push = (kind: string, subject: Reply, count: number): Reply => ({
  t: 'push',
  v: [bulk(kind), subject, int(count)],
})
const multi = (v: Reply[]): Reply => (v.length === 1 ? v[0] : { t: 'multi', v })

function withRegistry(handler: (ctx: CommandContext, registry: PubSubRegistry) => Reply) {
  return (ctx: CommandContext): Reply => {
    const registry = ctx.server.pubsub
    return registry ? handler(ctx, registry) : NO_REGISTRY
  }
}

const subscribe = withRegistry((ctx, registry) => {
  const replies: Reply[] = []
  for (const arg of ctx.argv.slice(1)) {
    registry.subscribe(ctx.client, name(arg))
    replies.push(push('subscribe', bulk(arg), registry.count(ctx.client)))
  }
  return multi(replies)
})

const psubscribe = withRegistry((ctx, registry) => {
  const replies: Reply[] = []
  for (const arg of ctx.argv.slice(1)) {
    registry.psubscribe(ctx.client, name(arg))
    replies.push(push('psubscribe', bulk(arg), registry.count(ctx.client)))
  }
  return multi(replies)
})

function unsubscribeGeneric(ctx: CommandContext, registry: PubSubRegistry, patterns: boolean): Reply {
  const kind = patterns ? 'punsubscribe' : 'unsubscribe'
  const targets = ctx.argv.length > 1 ? ctx.argv.slice(1).map(name) : patterns ? registry.patternsOf(ctx.client) : registry.channelsOf(ctx.client)
  // Without arguments and nothing to leave, Redis still answers once, with a null subject.
  if (targets.length === 0) return push(kind, { t: 'nullBulk' }, registry.count(ctx.client))
  const replies: Reply[] = []
  for (const target of targets) {
    if (patterns) registry.punsubscribe(ctx.client, target)
    else registry.unsubscribe(ctx.client, target)
    replies.push(push(kind, bulkOf(target), registry.count(ctx.client)))
  }
  return multi(replies)
}

const publish = withRegistry((ctx, registry) => {
  // Replicas re-publish to their own subscribers; the AOF does not keep messages.
  forcePropagation(ctx, 'replicas')
  return int(registry.publish(name(ctx.argv[1]), ctx.argv[2]))
})

const channels = withRegistry((ctx, registry) =>
  array(registry.activeChannels(ctx.argv.length > 2 ? name(ctx.argv[2]) : undefined).map(bulkOf)),
)

const numsub = withRegistry((ctx, registry) => {
  const out: Reply[] = []
  for (const arg of ctx.argv.slice(2)) out.push(bulk(arg), int(registry.subscriberCount(name(arg))))
  return array(out)
})

const PUBSUB_HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
]

const PUBSUB_SUB_FLAGS = ['pubsub', 'loading', 'stale'] as const
const SUB_FLAGS = ['pubsub', 'noscript', 'loading', 'stale'] as const

export const pubsubCommands: CommandSpec[] = [
  {
    name: 'subscribe',
    arity: -2,
    flags: [...SUB_FLAGS],
    group: PUBSUB,
    summary: 'Listen for messages published to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of channels to subscribe to.',
    args: [{ name: 'channel', type: 'string', multiple: true }],
    handler: subscribe,
  },
  {
    name: 'unsubscribe',
    arity: -1,
    flags: [...SUB_FLAGS],
    group: PUBSUB,
    summary: 'Stop listening for messages posted to the given channels',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    args: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
    handler: withRegistry((ctx, registry) => unsubscribeGeneric(ctx, registry, false)),
  },
  {
    name: 'psubscribe',
    arity: -2,
    flags: [...SUB_FLAGS],
    group: PUBSUB,
    summary: 'Listen for messages published to channels matching the given patterns',
    since: '2.0.0',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    args: [{ name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }],
    handler: psubscribe,
  },
  {
    name: 'punsubscribe',
    arity: -1,
    flags: [...SUB_FLAGS],
    group: PUBSUB,
    summary: 'Stop listening for messages posted to channels matching the given patterns',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    args: [{ name: 'pattern', type: 'pattern', optional: true, multiple: true }],
    handler: withRegistry((ctx, registry) => unsubscribeGeneric(ctx, registry, true)),
  },
  {
    name: 'publish',
    arity: 3,
    // may_replicate (not printed by COMMAND INFO in 7.0): CLIENT PAUSE WRITE holds PUBLISH, as Redis does.
    flags: ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'],
    group: PUBSUB,
    summary: 'Post a message to a channel',
    since: '2.0.0',
    complexity:
      'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    args: [
      { name: 'channel', type: 'string' },
      { name: 'message', type: 'string' },
    ],
    handler: publish,
  },
  {
    name: 'pubsub',
    arity: -2,
    flags: [],
    group: PUBSUB,
    summary: 'A container for Pub/Sub commands',
    since: '2.8.0',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'pubsub|channels',
        arity: -2,
        flags: [...PUBSUB_SUB_FLAGS],
        group: PUBSUB,
        summary: 'List active channels',
        since: '2.8.0',
        complexity:
          'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        handler: channels,
      },
      {
        name: 'pubsub|numsub',
        arity: -2,
        flags: [...PUBSUB_SUB_FLAGS],
        group: PUBSUB,
        summary: 'Get the count of subscribers for channels',
        since: '2.8.0',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        args: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
        handler: numsub,
      },
      {
        name: 'pubsub|help',
        arity: 2,
        flags: ['loading', 'stale'],
        group: PUBSUB,
        summary: 'Show helpful text about the different subcommands',
        since: '6.2.0',
        complexity: 'O(1)',
        handler: () => array(PUBSUB_HELP.map((line) => ({ t: 'simple', v: line }))),
      },
      {
        name: 'pubsub|numpat',
        arity: 2,
        flags: [...PUBSUB_SUB_FLAGS],
        group: PUBSUB,
        summary: 'Get the count of unique patterns pattern subscriptions',
        since: '2.8.0',
        complexity: 'O(1)',
        handler: withRegistry((_ctx, registry) => int(registry.patternTotal)),
      },
      {
        name: 'pubsub|shardchannels',
        arity: -2,
        flags: [...PUBSUB_SUB_FLAGS],
        group: PUBSUB,
        summary: 'List active shard channels',
        since: '7.0.0',
        complexity:
          'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        // Shard channels exist only with SSUBSCRIBE, which tandem-server (no cluster mode) lacks.
        handler: () => array([]),
      },
      {
        name: 'pubsub|shardnumsub',
        arity: -2,
        flags: [...PUBSUB_SUB_FLAGS],
        group: PUBSUB,
        summary: 'Get the count of subscribers for shard channels',
        since: '7.0.0',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        args: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
        handler: (ctx) => array(ctx.argv.slice(2).flatMap((arg) => [bulk(arg), int(0)])),
      },
    ],
  },
]

/** processCommand's RESP2 subscriber-context rule: the refusal, or undefined when the command may run. */
const ALLOWED_WHILE_SUBSCRIBED = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset'])

export function subscriberContextRefusal(spec: CommandSpec, ctx: CommandContext): Reply | undefined {
  if (ctx.client.protocol !== 2 || !ctx.server.pubsub?.isSubscriber(ctx.client)) return undefined
  if (ALLOWED_WHILE_SUBSCRIBED.has(spec.name)) return undefined
  return error(
    `ERR Can't execute '${spec.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  )
}

/** PING from a subscribed RESP2 client answers `pong` and its argument as an array. */
export function subscribedPing(ctx: CommandContext): Reply | undefined {
  if (ctx.client.protocol !== 2 || !ctx.server.pubsub?.isSubscriber(ctx.client)) return undefined
  return array([bulk('pong'), bulk(ctx.argv.length > 1 ? ctx.argv[1] : '')])
}
