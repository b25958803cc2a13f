/**
 * COMMAND INFO and COMMAND DOCS replies, generated from the table's
 * declarations in the shapes Redis 7.0 sends (redis-cli 7 builds its hints
 * from DOCS; clients read key positions from INFO).
 */
import type { Reply } from '../protocol/reply'
import { array, bulk, int, map, simple } from '../protocol/replies'
import type { ArgDoc, CommandFlag, CommandGroup, CommandSpec, KeySpec } from './types'

/**
 * Flags in the order COMMAND INFO prints them (server.c addReplyFlagsForCommand);
 * may_replicate is hidden on purpose there, so it is absent here.
 */
const FLAG_ORDER: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'skip_monitor',
  'skip_slowlog', 'fast', 'no_auth', 'no_mandatory_keys', 'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
]

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
  // No pubsub entry: @pubsub comes from the `pubsub` flag only (PUBSUB HELP, in the group, has just @slow).
  transactions: 'transaction',
  connection: 'connection',
}

function infoFlags(spec: CommandSpec): Reply[] {
  return FLAG_ORDER.filter((f) => spec.flags.includes(f)).map(simple)
}

/**
 * The categories Redis derives from flags (setImplicitACLCategories), the
 * group's own (declared per command in Redis's JSON; containers such as CLIENT
 * declare none) and any declared explicitly.
 */
export function aclCategories(spec: CommandSpec): string[] {
  const cats = new Set<string>()
  const has = (f: CommandFlag) => spec.flags.includes(f)
  if (has('write')) cats.add('write')
  if (has('readonly')) cats.add('read')
  if (has('admin')) cats.add('admin').add('dangerous')
  if (has('pubsub')) cats.add('pubsub')
  if (has('blocking')) cats.add('blocking')
  cats.add(has('fast') ? 'fast' : 'slow')
  const group = spec.subcommands || spec.noGroupCategory ? undefined : GROUP_CATEGORY[spec.group]
  if (group) cats.add(group)
  for (const extra of spec.extraCategories ?? []) cats.add(extra)
  return CATEGORY_ORDER.filter((c) => cats.has(c)).map((c) => `@${c}`)
}

/** One declared key spec, fields in addReplyCommandKeySpecs's order. */
function declaredKeySpec(ks: KeySpec): Reply {
  const fields: [Reply, Reply][] = []
  if (ks.notes) fields.push([bulk('notes'), bulk(ks.notes)])
  fields.push([bulk('flags'), { t: 'set', v: ks.flags.map(simple) }])
  const begin = ks.beginSearch
  fields.push([
    bulk('begin_search'),
    'unknown' in begin
      ? map([[bulk('type'), bulk('unknown')], [bulk('spec'), map([])]])
      : 'index' in begin
      ? map([[bulk('type'), bulk('index')], [bulk('spec'), map([[bulk('index'), int(begin.index)]])]])
      : map([
          [bulk('type'), bulk('keyword')],
          [bulk('spec'), map([[bulk('keyword'), bulk(begin.keyword)], [bulk('startfrom'), int(begin.startFrom)]])],
        ]),
  ])
  const find = ks.findKeys
  fields.push([
    bulk('find_keys'),
    'unknown' in find
      ? map([[bulk('type'), bulk('unknown')], [bulk('spec'), map([])]])
      : 'range' in find
      ? map([
          [bulk('type'), bulk('range')],
          [
            bulk('spec'),
            map([
              [bulk('lastkey'), int(find.range.lastkey)],
              [bulk('keystep'), int(find.range.keystep)],
              [bulk('limit'), int(find.range.limit)],
            ]),
          ],
        ])
      : map([
          [bulk('type'), bulk('keynum')],
          [
            bulk('spec'),
            map([
              [bulk('keynumidx'), int(find.keynum.keynumidx)],
              [bulk('firstkey'), int(find.keynum.firstkey)],
              [bulk('keystep'), int(find.keynum.keystep)],
            ]),
          ],
        ]),
  ])
  return map(fields)
}

/** Declared key specs, or one range spec derived from the legacy positions when none are declared. */
function keySpecs(spec: CommandSpec): Reply[] {
  if (spec.keySpecs) return spec.keySpecs.map(declaredKeySpec)
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
    { t: 'set', v: infoFlags(spec) },
    int(keys.first),
    int(keys.last),
    int(keys.step),
    { t: 'set', v: aclCategories(spec).map(simple) },
    { t: 'set', v: (spec.tips ?? []).map(bulk) },
    { t: 'set', v: keySpecs(spec) },
    // addReplyCommandSubCommands: an empty set without subcommands, an array with them.
    spec.subcommands ? array(spec.subcommands.map(commandInfo)) : { t: 'set', v: [] },
  ])
}

/** One argument, fields in addReplyCommandArgList's order; key arguments name their key spec (0 unless declared). */
function argDoc(arg: ArgDoc): Reply {
  const fields: [Reply, Reply][] = [
    [bulk('name'), bulk(arg.name)],
    [bulk('type'), bulk(arg.type)],
  ]
  // Non-key arguments name a key spec only when they hold key names, as SORT's BY/GET patterns do.
  if (arg.type === 'key' || arg.keySpecIndex !== undefined) fields.push([bulk('key_spec_index'), int(arg.keySpecIndex ?? 0)])
  if (arg.token) fields.push([bulk('token'), bulk(arg.token)])
  if (arg.since) fields.push([bulk('since'), bulk(arg.since)])
  if (arg.deprecatedSince) fields.push([bulk('deprecated_since'), bulk(arg.deprecatedSince)])
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
  if (spec.docFlags && spec.docFlags.length > 0) fields.push([bulk('doc_flags'), { t: 'set', v: spec.docFlags.map(simple) }])
  if (spec.deprecatedSince) fields.push([bulk('deprecated_since'), bulk(spec.deprecatedSince)])
  if (spec.replacedBy) fields.push([bulk('replaced_by'), bulk(spec.replacedBy)])
  if (spec.history && spec.history.length > 0) {
    fields.push([bulk('history'), { t: 'set', v: spec.history.map(([version, text]) => array([bulk(version), bulk(text)])) }])
  }
  if (spec.args && spec.args.length > 0) {
    fields.push([bulk('arguments'), array(spec.args.map(argDoc))])
  }
  if (spec.subcommands && spec.subcommands.length > 0) {
    fields.push([bulk('subcommands'), map(spec.subcommands.map((sub) => [bulk(sub.name), commandDocs(sub)] as const))])
  }
  return map(fields)
}
