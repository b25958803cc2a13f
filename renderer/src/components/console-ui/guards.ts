/**
 * Which typed commands ask before they run: the destructive ones (every key
 * or the server itself at stake) and any write aimed at a replica (Redis
 * refuses it with READONLY, or — with replica-read-only no — accepts a write
 * the master will silently overwrite on the next resync).
 */
import type { CommandDoc, ReplicationRole } from '../../../../shared/types'
import { resolveCommand } from './completion'

export interface ConsoleTarget {
  name: string
  address: string
  role: ReplicationRole
}

export interface Confirmation {
  kind: 'destructive' | 'replica-write'
  /** One sentence naming the node and what the command does. */
  message: string
  /** The button that runs it anyway. */
  action: string
}

const DESTRUCTIVE: Record<string, string> = {
  flushall: 'deletes every key in every database',
  flushdb: 'deletes every key in the selected database',
  shutdown: 'stops the server',
  debug: 'runs a DEBUG subcommand (it can crash, block or rewrite the server)',
}

export function confirmationFor(argv: readonly string[], target: ConsoleTarget, table: readonly CommandDoc[]): Confirmation | null {
  const command = (argv[0] ?? '').toLowerCase()
  const where = `${target.name} (${target.role}, ${target.address})`
  const effect = DESTRUCTIVE[command]
  if (effect) return { kind: 'destructive', message: `${command.toUpperCase()} on ${where} ${effect}.`, action: `Run ${command.toUpperCase()}` }
  const noOne = argv.length === 3 && argv[1].toLowerCase() === 'no' && argv[2].toLowerCase() === 'one'
  if ((command === 'replicaof' || command === 'slaveof') && target.role === 'master' && !noOne) {
    return {
      kind: 'destructive',
      message: `${command.toUpperCase()} makes the master ${where} a replica: its data set is replaced by the new master's.`,
      action: `Run ${command.toUpperCase()}`,
    }
  }
  if (target.role === 'replica') {
    const doc = resolveCommand(table, argv)?.doc
    if (doc?.flags.includes('write')) {
      return {
        kind: 'replica-write',
        message: `${where} is a replica: ${displayWord(argv)} writes. A read-only replica refuses it; otherwise the write is lost on the next sync with its master.`,
        action: 'Write to the replica anyway',
      }
    }
  }
  return null
}

function displayWord(argv: readonly string[]): string {
  return (argv[0] ?? '').toUpperCase()
}
