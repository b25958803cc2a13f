/**
 * COMMAND INFO and COMMAND DOCS replies, generated from the table's
 * declarations in the shapes Redis 7.0 sends (redis-cli 7 builds its hints
 * from DOCS; clients read key positions from INFO).
 */
import type { Reply } from '../protocol/reply'
import { array, bulk, int, map, simple } from '../protocol/replies'
import type { ArgDoc, CommandFlag, CommandGroup, CommandSpec } from './types'

/** ACL categories in the order Redis prints them. */
const CATEGORY_ORDER = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
]

const GROUP_CATEGORY: Partial<Record<CommandGroup, string>> = {
  generic: 'keyspace',
  string: 'string',
  list: 'list',
  set: 'set',
  'sorted-set': 'sortedset',
  hash: 'hash',
  pubsub: 'pubsub',
  transactions: 'transaction',
  connection: 'connection',
}

/** The categories Redis derives from flags (setImplicitACLCategories) plus the group's own. */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>()
  const has = (f: CommandFlag) => spec.flags.includes(f)
  if (has('write')) cats.add('write')
  if (has('readonly')) cats.add('read')
  if (has('admin')) cats.add('admin').add('dangerous')
  if (has('pubsub')) cats.add('pubsub')
  if (has('blocking')) cats.add('blocking')
  cats.add(has('fast') ? 'fast' : 'slow')
  const group = GROUP_CATEGORY[spec.group]
  if (group) cats.add(group)
  return CATEGORY_ORDER.filter((c) => cats.has(c)).map((c) => `@${c}`)
}

function keySpecs(spec: CommandSpec): Reply[] {
  const keys = spec.keys
  if (!keys || keys.first === 0) return []
  const flags = spec.flags.includes('write') ? ['RW', 'update'] : ['RO', 'access']
  const lastkey = keys.last < 0 ? keys.last : keys.last - keys.first
  return [
    map([
      [bulk('flags'), { t: 'set', v: flags.map(simple) }],
      [bulk('begin_search'), map([[bulk('type'), bulk('index')], [bulk('spec'), map([[bulk('index'), int(keys.first)]])]])],
      [
        bulk('find_keys'),
        map([
          [bulk('type'), bulk('range')],
          [
            bulk('spec'),
            map([
              [bulk('lastkey'), int(lastkey)],
              [bulk('keystep'), int(keys.step)],
              [bulk('limit'), int(0)],
            ]),
          ],
        ]),
      ],
    ]),
  ]
}

/** One COMMAND INFO entry (10 fields). */
export function commandInfo(spec: CommandSpec): Reply {
  const keys = spec.keys ?? { first: 0, last: 0, step: 0 }
  return array([
    bulk(spec.name),
    int(spec.arity),
    { t: 'set', v: spec.flags.map(simple) },
    int(keys.first),
    int(keys.last),
    int(keys.step),
    { t: 'set', v: aclCategories(spec).map(simple) },
    { t: 'set', v: [] },
    { t: 'set', v: keySpecs(spec) },
    { t: 'set', v: (spec.subcommands ?? []).map(commandInfo) },
  ])
}

/** Key arguments all point at key spec 0: the one range the legacy positions describe. */
function argDoc(arg: ArgDoc): Reply {
  const fields: [Reply, Reply][] = [
    [bulk('name'), bulk(arg.name)],
    [bulk('type'), bulk(arg.type)],
  ]
  if (arg.type === 'key') fields.push([bulk('key_spec_index'), int(0)])
  if (arg.token) fields.push([bulk('token'), bulk(arg.token)])
  const flags = [arg.optional && 'optional', arg.multiple && 'multiple', arg.multipleToken && 'multiple_token'].filter(
    (f): f is string => typeof f === 'string',
  )
  if (flags.length > 0) fields.push([bulk('flags'), { t: 'set', v: flags.map(simple) }])
  if (arg.arguments) fields.push([bulk('arguments'), array(arg.arguments.map(argDoc))])
  return map(fields)
}

/** One COMMAND DOCS value (the map after the command's name). */
export function commandDocs(spec: CommandSpec): Reply {
  const fields: [Reply, Reply][] = [
    [bulk('summary'), bulk(spec.summary)],
    [bulk('since'), bulk(spec.since)],
    [bulk('group'), bulk(spec.group)],
  ]
  if (spec.complexity) fields.push([bulk('complexity'), bulk(spec.complexity)])
  if (spec.args && spec.args.length > 0) {
    fields.push([bulk('arguments'), array(spec.args.map(argDoc))])
  }
  if (spec.subcommands && spec.subcommands.length > 0) {
    fields.push([bulk('subcommands'), map(spec.subcommands.map((sub) => [bulk(sub.name), commandDocs(sub)] as const))])
  }
  return map(fields)
}
