/**
 * Completion, inline hints and `help` for the console, all from the node's
 * own COMMAND DOCS (shared CommandDoc table), so they match whatever server
 * is attached. Pure functions: the component only renders what they return.
 *
 * Argument matching is deliberately forgiving, as redis-cli's hints are:
 * required arguments are taken in order, any word filling them; a run of
 * optional arguments is matched in any order by their tokens (SET k v GET NX
 * and SET k v NX GET both work), so the hint shows what is still possible.
 */
import type { CommandArgDoc, CommandDoc } from '../../../../shared/types'

const isOptional = (a: CommandArgDoc) => a.flags.includes('optional')
const isMultiple = (a: CommandArgDoc) => a.flags.includes('multiple') || a.flags.includes('multiple_token')

/** One argument as redis-cli's help writes it: `EX seconds`, `NX|XX`, `key [key ...]`. */
export function argSynopsis(arg: CommandArgDoc): string {
  let body: string
  if (arg.type === 'pure-token') body = arg.token ?? arg.name
  else if (arg.type === 'oneof') body = (arg.arguments ?? []).map((a) => argSynopsis(a)).join('|')
  else if (arg.type === 'block') body = (arg.arguments ?? []).map((a) => argSynopsis(a)).join(' ')
  else body = arg.name
  if (arg.token && arg.type !== 'pure-token') body = `${arg.token} ${body}`
  if (isMultiple(arg)) body = `${body} [${body} ...]`
  return isOptional(arg) ? `[${body}]` : body
}

export function synopsis(args: readonly CommandArgDoc[]): string {
  return args.map((a) => argSynopsis(a)).join(' ')
}

/** The display name: `SET`, `CONFIG GET` (Redis names subcommands `config|get`). */
export function displayName(doc: CommandDoc): string {
  return doc.name.replace('|', ' ').toUpperCase()
}

/**
 * How many of `words` (from `at`) the argument takes, or 0 when it does not
 * match there. `anchored`: only count a match that starts with one of the
 * argument's own tokens (used to tell optional arguments apart).
 */
function match(arg: CommandArgDoc, words: readonly string[], at: number, anchored: boolean): number {
  const word = words[at]
  if (word === undefined) return 0
  const same = (token: string | undefined) => token !== undefined && token.toLowerCase() === word.toLowerCase()
  let taken = 0
  if (arg.token) {
    if (!same(arg.token)) return 0
    taken = 1
    if (arg.type === 'pure-token') return 1
  } else if (arg.type === 'pure-token') {
    return 0
  }
  if (arg.type === 'oneof') {
    for (const option of arg.arguments ?? []) {
      const n = match(option, words, at + taken, anchored && taken === 0)
      if (n > 0) return taken + n
    }
    return 0
  }
  if (arg.type === 'block') {
    let n = taken
    for (const [i, part] of (arg.arguments ?? []).entries()) {
      const m = match(part, words, at + n, anchored && n === 0 && i === 0)
      if (m === 0) return isOptional(part) ? n : n > 0 && words[at + n] === undefined ? n : 0
      n += m
    }
    return n
  }
  if (taken === 1) return words[at + 1] === undefined ? 1 : 2
  return anchored ? 0 : 1
}

/** Tokens a user may type to start this argument (NX, XX, EX, …). */
function startTokens(arg: CommandArgDoc): string[] {
  if (arg.token) return [arg.token]
  if (arg.type === 'oneof') return (arg.arguments ?? []).flatMap(startTokens)
  if (arg.type === 'block') return arg.arguments?.[0] ? startTokens(arg.arguments[0]) : []
  return []
}

interface Walk {
  /** Arguments still to come, in order (consumed optional ones removed). */
  remaining: CommandArgDoc[]
  /** False when a word matched nothing: hints would be guesses. */
  understood: boolean
}

/** Walks complete `words` through `args`. */
function walk(args: readonly CommandArgDoc[], words: readonly string[]): Walk {
  const remaining = [...args]
  let at = 0
  while (at < words.length && remaining.length > 0) {
    const first = remaining[0]
    if (!isOptional(first)) {
      const n = match(first, words, at, false)
      if (n === 0) return { remaining, understood: false }
      at += n
      // `key [key ...]`: keep offering more of the same, now optional.
      if (isMultiple(first)) remaining[0] = { ...first, flags: [...first.flags.filter((f) => f !== 'multiple'), 'optional', 'multiple'] }
      else remaining.shift()
      continue
    }
    // A run of optional arguments: any order, told apart by their tokens.
    let runEnd = 0
    while (runEnd < remaining.length && isOptional(remaining[runEnd])) runEnd++
    let matched = -1
    let n = 0
    for (let i = 0; i < runEnd && matched < 0; i++) {
      n = match(remaining[i], words, at, true)
      if (n > 0) matched = i
    }
    if (matched < 0 && startTokens(first).length === 0) {
      n = match(first, words, at, false)
      if (n > 0) matched = 0
    }
    if (matched < 0) {
      // Not one of the optional ones: maybe the required argument after the run.
      if (runEnd < remaining.length) {
        remaining.splice(0, runEnd)
        continue
      }
      return { remaining, understood: false }
    }
    at += n
    if (!isMultiple(remaining[matched])) remaining.splice(matched, 1)
  }
  return { remaining, understood: true }
}

/** Words of the line and whether the user is between words (line ends in a space). */
function words(line: string): { complete: string[]; partial: string } {
  const parts = line.trimStart().split(/\s+/)
  const partial = parts.pop() ?? ''
  return { complete: parts, partial }
}

export interface CompletionState {
  /** Grey text shown after the cursor: the arguments still to type. */
  hint: string
  /** Words that fit where the cursor is (command names, subcommands, tokens). */
  suggestions: string[]
  /** The word being typed (what accepting a suggestion replaces). */
  partial: string
}

const EMPTY: CompletionState = { hint: '', suggestions: [], partial: '' }

function find(table: readonly CommandDoc[], name: string): CommandDoc | undefined {
  const lower = name.toLowerCase()
  return table.find((c) => c.name === lower)
}

/** The command (and subcommand) the words name, and how many words that took. */
export function resolveCommand(table: readonly CommandDoc[], ws: readonly string[]): { doc: CommandDoc; used: number } | null {
  const top = ws[0] === undefined ? undefined : find(table, ws[0])
  if (!top) return null
  if (top.subcommands.length > 0 && ws[1] !== undefined) {
    const sub = find(top.subcommands, `${top.name}|${ws[1]}`)
    if (sub) return { doc: sub, used: 2 }
  }
  return { doc: top, used: 1 }
}

const MAX_SUGGESTIONS = 12

export function completionFor(table: readonly CommandDoc[], line: string): CompletionState {
  if (line.trim() === '' || line.includes('"') || line.includes("'")) return EMPTY
  const { complete, partial } = words(line)
  const upperPartial = partial.toUpperCase()
  if (complete.length === 0) {
    const names = table.filter((c) => c.name.startsWith(partial.toLowerCase())).map((c) => c.name.toUpperCase())
    const exact = find(table, partial)
    const hint = exact && exact.subcommands.length === 0 ? synopsis(exact.arguments) : exact ? exact.subcommands.map((s) => s.name.split('|')[1].toUpperCase()).join('|') : ''
    return { hint: hint ? ` ${hint}` : '', suggestions: names.slice(0, MAX_SUGGESTIONS), partial }
  }
  const resolved = resolveCommand(table, complete)
  if (!resolved) return EMPTY
  const { doc, used } = resolved
  if (doc.subcommands.length > 0 && used === 1) {
    const subs = doc.subcommands.map((s) => s.name.split('|')[1].toUpperCase()).filter((s) => s.startsWith(upperPartial))
    return { hint: partial === '' ? subs.join('|') : '', suggestions: subs.slice(0, MAX_SUGGESTIONS), partial }
  }
  const state = walk(doc.arguments, complete.slice(used))
  if (!state.understood) return { ...EMPTY, partial }
  const offered = new Set<string>()
  for (const arg of state.remaining) {
    for (const token of startTokens(arg)) offered.add(token.toUpperCase())
    if (!isOptional(arg)) break
  }
  const suggestions = [...offered].filter((t) => t.startsWith(upperPartial)).slice(0, MAX_SUGGESTIONS)
  return { hint: partial === '' ? synopsis(state.remaining) : '', suggestions, partial }
}

/** The line with its last word replaced by `word` and a space after it, ready for the next one. */
export function acceptSuggestion(line: string, word: string): string {
  const { partial } = words(line)
  return `${line.slice(0, line.length - partial.length)}${word} `
}

/** One command's help block, as redis-cli 7 prints it. */
function helpBlock(doc: CommandDoc): string {
  const args = synopsis(doc.arguments)
  return `\r\n  ${displayName(doc)}${args ? ` ${args}` : ''}\r\n  summary: ${doc.summary}\r\n  since: ${doc.since}\r\n  group: ${doc.group}\r\n`
    .replace(/\r\n/g, '\n')
}

const GENERAL_HELP = `Tandem console (redis-cli style)
To get help about Redis commands type:
      "help @<group>" to get a list of commands in <group>
      "help <command>" for help on <command>
Keys: Tab completes, ↑/↓ history, Ctrl+L clears, Ctrl+C stops a stream.`

/**
 * What `help …` prints: the general text, one command (subcommands of a
 * container included), or every command of `@group`. Unknown topics print
 * nothing, as redis-cli does.
 */
export function helpText(table: readonly CommandDoc[], topic: readonly string[]): string {
  if (topic.length === 0) return GENERAL_HELP
  if (topic[0].startsWith('@')) {
    const group = topic[0].slice(1).toLowerCase()
    const all = table.flatMap((c) => [c, ...c.subcommands])
    return all.filter((c) => c.group === group).map(helpBlock).join('')
  }
  const resolved = resolveCommand(table, topic)
  if (!resolved) return ''
  const { doc, used } = resolved
  if (used === 1 && doc.subcommands.length > 0) return [doc, ...doc.subcommands].map(helpBlock).join('')
  return helpBlock(doc)
}
