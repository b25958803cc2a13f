/**
 * One redis-cli-like session per node: what was typed and printed, the
 * command history (↑/↓ like redis-cli's linenoise, kept per node across
 * reloads), raw or formatted output, streaming commands, and whether a
 * command is still running. Sessions survive switching between nodes.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { splitArgs } from '../../../shared/split-args'
import { formatConsoleReply, formatReplyRaw, formatReplyTTY } from '../../../shared/redis-cli-format'
import type { CommandDoc, ConsoleReply, ConsoleStreamBatch } from '../../../shared/types'
import { useApi } from '../api'
import { helpText } from '../components/console-ui/completion'
import { confirmationFor, type Confirmation, type ConsoleTarget } from '../components/console-ui/guards'
import { capRows, chunkLines } from '../components/console-ui/output-rows'

export type ConsoleLineKind = 'command' | 'reply' | 'error' | 'note'

export interface ConsoleLine {
  id: number
  kind: ConsoleLineKind
  /** For commands: the prompt shown before the text. */
  prompt?: string
  text: string
}

export interface ConsoleSession {
  lines: ConsoleLine[]
  history: string[]
  /** Position in history while browsing; history.length = the line being typed. */
  cursor: number
  /** What was typed before browsing started, given back when ↓ walks past the newest entry. */
  draft: string
  running: boolean
  /** redis-cli --raw style output (no quotes, no types) instead of the terminal style. */
  raw: boolean
  /** The streaming command (SUBSCRIBE, MONITOR …) running now, if any. */
  streamId: string | null
}

/** Rows kept (each at most 50 printed lines): a flood or a huge reply never grows memory without bound. */
export const MAX_LINES = 5000
const MAX_HISTORY = 500
const STREAMING = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'monitor'])

/** What redis-cli prints when sdssplitargs rejects the line (unbalanced quotes). */
export const INVALID_ARGUMENTS = 'Invalid argument(s)'

/** The bits of Web Storage the history needs; absent in unit tests unless faked. */
interface StorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

function storage(): StorageLike | null {
  return (globalThis as { localStorage?: StorageLike }).localStorage ?? null
}

const historyKey = (nodeId: string) => `tandem.console.history.${nodeId}`
const rawKey = (nodeId: string) => `tandem.console.raw.${nodeId}`

function loadHistory(nodeId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(historyKey(nodeId)) ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string').slice(-MAX_HISTORY) : []
  } catch {
    return []
  }
}

function newSession(nodeId: string): ConsoleSession {
  const history = loadHistory(nodeId)
  const raw = storage()?.getItem(rawKey(nodeId)) === 'yes'
  return { lines: [], history, cursor: history.length, draft: '', running: false, raw, streamId: null }
}

/** A printed block without its final newline; CRLF (INFO) shown as plain line breaks. */
function displayText(output: string): string {
  return output.replace(/\r\n/g, '\n').replace(/\n$/, '')
}

export interface RunOptions {
  /** Which node and role the line goes to: needed for the destructive / replica-write questions. */
  target?: ConsoleTarget
  /** Asks the user; resolves true to run. Without it nothing asks (unit tests of plain commands). */
  confirm?: (question: Confirmation) => Promise<boolean>
}

/** Next animation frame in the page, a short timer elsewhere (tests). */
function nextFrame(fn: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame
  if (raf) raf(fn)
  else setTimeout(fn, 16)
}

export const useConsoleStore = defineStore('console', () => {
  const sessions = ref<Record<string, ConsoleSession>>({})
  /** Each node's command table (COMMAND DOCS), fetched once per node. */
  const commands = ref<Record<string, CommandDoc[]>>({})
  const loadingCommands = new Map<string, Promise<CommandDoc[]>>()
  /** Stream messages waiting for the next frame, per node. */
  const pendingStream = new Map<string, { messages: ConsoleReply[]; dropped: number; ended?: string }>()
  let frameScheduled = false
  let unsubscribeStream: (() => void) | null = null
  let nextLineId = 1

  function session(nodeId: string): ConsoleSession {
    if (!sessions.value[nodeId]) sessions.value[nodeId] = newSession(nodeId)
    return sessions.value[nodeId]
  }

  function print(s: ConsoleSession, kind: ConsoleLineKind, text: string, prompt?: string): void {
    const rows = chunkLines(text).map((piece, i) => ({ id: nextLineId++, kind, text: piece, prompt: i === 0 ? prompt : undefined }))
    s.lines.push(...rows)
    capRows(s.lines, MAX_LINES)
  }

  function remember(nodeId: string, s: ConsoleSession, line: string): void {
    // Like linenoise: an immediate repeat is not stored twice.
    if (s.history[s.history.length - 1] !== line) s.history.push(line)
    if (s.history.length > MAX_HISTORY) s.history.splice(0, s.history.length - MAX_HISTORY)
    s.cursor = s.history.length
    s.draft = ''
    try {
      storage()?.setItem(historyKey(nodeId), JSON.stringify(s.history))
    } catch {
      // A full or disabled storage only costs the history after a reload.
    }
  }

  function loadCommands(nodeId: string): Promise<CommandDoc[]> {
    const known = commands.value[nodeId]
    if (known) return Promise.resolve(known)
    let loading = loadingCommands.get(nodeId)
    if (!loading) {
      loading = useApi()
        .call('console.commands', { id: nodeId })
        .then((table) => {
          commands.value[nodeId] = table
          return table
        })
        .finally(() => loadingCommands.delete(nodeId))
      loadingCommands.set(nodeId, loading)
    }
    return loading
  }

  function format(s: ConsoleSession, argv: readonly string[], reply: ConsoleReply): string {
    return displayText(s.raw ? formatReplyRaw(reply) : formatConsoleReply(argv, reply))
  }

  /** Runs one typed line against the node; resolves when its output is printed (false: the user declined). */
  async function run(nodeId: string, prompt: string, line: string, options: RunOptions = {}): Promise<boolean> {
    const s = session(nodeId)
    if (s.running || s.streamId !== null || line.trim() === '') return true
    // Busy from the first await on (the command table, a confirmation): a line entered meanwhile must
    // wait its turn, or its reply could be printed before this one's.
    s.running = true
    try {
      return await runLine(nodeId, s, prompt, line, options)
    } finally {
      s.running = false
    }
  }

  async function runLine(nodeId: string, s: ConsoleSession, prompt: string, line: string, options: RunOptions): Promise<boolean> {
    remember(nodeId, s, line)
    print(s, 'command', line, prompt)
    const argv = splitArgs(line)
    if (argv === null) {
      print(s, 'error', INVALID_ARGUMENTS)
      return true
    }
    const command = argv[0].toLowerCase()
    if (argv.length === 1 && command === 'clear') {
      s.lines = []
      return true
    }
    if (command === 'help') {
      const table = await loadCommands(nodeId).catch(() => [])
      const text = helpText(table, argv.slice(1))
      if (text) print(s, 'reply', displayText(text))
      return true
    }
    if (options.target && options.confirm) {
      const table = await loadCommands(nodeId).catch(() => [])
      const question = confirmationFor(argv, options.target, table)
      if (question && !(await options.confirm(question))) {
        print(s, 'note', `(not run: ${question.kind === 'destructive' ? 'cancelled' : 'write to a replica cancelled'})`)
        return false
      }
    }
    if (STREAMING.has(command)) return startStream(nodeId, s, argv)
    try {
      const reply = await useApi().call('console.exec', { id: nodeId, argv })
      print(s, reply.type === 'error' ? 'error' : 'reply', format(s, argv, reply))
    } catch (e) {
      print(s, 'error', e instanceof Error ? e.message : String(e))
    }
    return true
  }

  /** Pasted text: each non-empty line in turn, as if typed; a declined confirmation stops the rest. */
  async function runLines(nodeId: string, prompt: string, lines: readonly string[], options: RunOptions = {}): Promise<void> {
    const todo = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '')
    for (const [i, line] of todo.entries()) {
      const ran = await run(nodeId, prompt, line, options)
      if (!ran) {
        if (i + 1 < todo.length) print(session(nodeId), 'note', `(${todo.length - i - 1} pasted line(s) not run)`)
        return
      }
      // A stream takes the console over: the rest would have nowhere to run.
      if (session(nodeId).streamId !== null) return
    }
  }

  function ensureStreamListener(): void {
    if (unsubscribeStream) return
    unsubscribeStream = useApi().on('console.stream', (batch) => receive(batch))
  }

  function receive(batch: ConsoleStreamBatch): void {
    const s = sessions.value[batch.nodeId]
    if (!s || s.streamId !== batch.streamId) return
    const pending = pendingStream.get(batch.nodeId) ?? { messages: [], dropped: 0 }
    pending.messages.push(...batch.messages)
    // Room left for the 'skipped' note, so the cap below never cuts the note itself.
    pending.dropped += batch.dropped + capRows(pending.messages, MAX_LINES - 10)
    if (batch.ended !== undefined) pending.ended = batch.ended
    pendingStream.set(batch.nodeId, pending)
    if (!frameScheduled) {
      frameScheduled = true
      nextFrame(flushStreams)
    }
  }

  /** Prints what streamed in since the last frame, all at once: one render per frame however fast messages come. */
  function flushStreams(): void {
    frameScheduled = false
    for (const [nodeId, pending] of pendingStream) {
      const s = sessions.value[nodeId]
      if (!s) continue
      if (pending.dropped > 0) print(s, 'note', `(${pending.dropped} message(s) skipped to keep up)`)
      const rows = pending.messages.map((m) => ({
        id: nextLineId++,
        kind: (m.type === 'error' ? 'error' : 'reply') as ConsoleLineKind,
        text: displayText(s.raw ? formatReplyRaw(m) : formatReplyTTY(m)),
      }))
      s.lines.push(...rows)
      capRows(s.lines, MAX_LINES)
      if (pending.ended !== undefined) {
        print(s, 'note', `(stream ended: ${pending.ended})`)
        s.streamId = null
      }
    }
    pendingStream.clear()
  }

  async function startStream(nodeId: string, s: ConsoleSession, argv: string[]): Promise<boolean> {
    ensureStreamListener()
    s.running = true
    try {
      const { streamId } = await useApi().call('console.streamStart', { id: nodeId, argv })
      s.streamId = streamId
      print(s, 'note', 'Reading messages... (press Stop or Ctrl+C to quit)')
    } catch (e) {
      print(s, 'error', e instanceof Error ? e.message : String(e))
    } finally {
      s.running = false
    }
    return true
  }

  async function stopStream(nodeId: string): Promise<void> {
    const s = session(nodeId)
    const streamId = s.streamId
    if (streamId === null) return
    const { stopped } = await useApi().call('console.streamStop', { streamId })
    // Already gone on the server (node stopped meanwhile): no 'ended' batch will come.
    if (!stopped && s.streamId === streamId) {
      s.streamId = null
      print(s, 'note', '(stream ended)')
    }
  }

  function setRaw(nodeId: string, raw: boolean): void {
    session(nodeId).raw = raw
    storage()?.setItem(rawKey(nodeId), raw ? 'yes' : 'no')
  }

  /** ↑: the previous history entry, or null at the oldest. `current` is kept as the draft. */
  function historyUp(nodeId: string, current: string): string | null {
    const s = session(nodeId)
    if (s.cursor === 0) return null
    if (s.cursor === s.history.length) s.draft = current
    s.cursor--
    return s.history[s.cursor]
  }

  /** ↓: the next history entry, then the draft; null when already at the line being typed. */
  function historyDown(nodeId: string): string | null {
    const s = session(nodeId)
    if (s.cursor >= s.history.length) return null
    s.cursor++
    return s.cursor === s.history.length ? s.draft : s.history[s.cursor]
  }

  function clear(nodeId: string): void {
    session(nodeId).lines = []
  }

  /** Forgets a removed node's session, history included. */
  function forget(nodeId: string): void {
    const { [nodeId]: _gone, ...rest } = sessions.value
    sessions.value = rest
    const { [nodeId]: _table, ...tables } = commands.value
    commands.value = tables
    storage()?.removeItem(historyKey(nodeId))
    storage()?.removeItem(rawKey(nodeId))
  }

  return { sessions, commands, session, run, runLines, loadCommands, stopStream, setRaw, historyUp, historyDown, clear, forget }
})
