/**
 * One redis-cli-like session per node: what was typed and printed, the
 * command history (↑/↓ like redis-cli's linenoise), and whether a command is
 * still running. Sessions survive switching between nodes.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { splitArgs } from '../../../shared/split-args'
import { formatConsoleReply } from '../../../shared/redis-cli-format'
import { useApi } from '../api'

export type ConsoleLineKind = 'command' | 'reply' | 'error'

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
}

/** Enough scrollback to be useful without letting a long session grow without bound. */
export const MAX_LINES = 2000
const MAX_HISTORY = 500

/** What redis-cli prints when sdssplitargs rejects the line (unbalanced quotes). */
export const INVALID_ARGUMENTS = 'Invalid argument(s)'

function newSession(): ConsoleSession {
  return { lines: [], history: [], cursor: 0, draft: '', running: false }
}

/** A printed block without its final newline; CRLF (INFO) shown as plain line breaks. */
function displayText(output: string): string {
  return output.replace(/\r\n/g, '\n').replace(/\n$/, '')
}

export const useConsoleStore = defineStore('console', () => {
  const sessions = ref<Record<string, ConsoleSession>>({})
  let nextLineId = 1

  function session(nodeId: string): ConsoleSession {
    if (!sessions.value[nodeId]) sessions.value[nodeId] = newSession()
    return sessions.value[nodeId]
  }

  function print(s: ConsoleSession, kind: ConsoleLineKind, text: string, prompt?: string): void {
    s.lines.push({ id: nextLineId++, kind, text, prompt })
    if (s.lines.length > MAX_LINES) s.lines.splice(0, s.lines.length - MAX_LINES)
  }

  function remember(s: ConsoleSession, line: string): void {
    // Like linenoise: an immediate repeat is not stored twice.
    if (s.history[s.history.length - 1] !== line) s.history.push(line)
    if (s.history.length > MAX_HISTORY) s.history.splice(0, s.history.length - MAX_HISTORY)
    s.cursor = s.history.length
    s.draft = ''
  }

  /** Runs one typed line against the node; resolves when its output is printed. */
  async function run(nodeId: string, prompt: string, line: string): Promise<void> {
    const s = session(nodeId)
    if (s.running || line.trim() === '') return
    remember(s, line)
    print(s, 'command', line, prompt)
    const argv = splitArgs(line)
    if (argv === null) {
      print(s, 'error', INVALID_ARGUMENTS)
      return
    }
    if (argv.length === 1 && argv[0].toLowerCase() === 'clear') {
      s.lines = []
      return
    }
    s.running = true
    try {
      const reply = await useApi().call('console.exec', { id: nodeId, argv })
      const text = displayText(formatConsoleReply(argv, reply))
      print(s, reply.type === 'error' ? 'error' : 'reply', text)
    } catch (e) {
      print(s, 'error', e instanceof Error ? e.message : String(e))
    } finally {
      s.running = false
    }
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

  /** Forgets a removed node's session. */
  function forget(nodeId: string): void {
    const { [nodeId]: _gone, ...rest } = sessions.value
    sessions.value = rest
  }

  return { sessions, session, run, historyUp, historyDown, clear, forget }
})
