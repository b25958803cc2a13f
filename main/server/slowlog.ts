/**
 * The slow log (Redis's slowlog.c): commands that took at least
 * `slowlog-log-slower-than` microseconds, newest first, at most
 * `slowlog-max-len` entries. server.ts records after each command; SLOWLOG
 * (commands/slowlog.ts) reads it as `ctx.server.slowlog`.
 */
const MAX_ARGC = 32
const MAX_STRING = 128

export interface SlowLogEntry {
  readonly id: number
  /** Unix time in seconds when the command ran. */
  readonly time: number
  readonly durationUs: number
  readonly argv: readonly Buffer[]
  readonly addr: string
  readonly name: string
}

/** slowlogCreateEntry's truncation: 32 arguments at most, each at most 128 bytes. */
export function truncateArgv(argv: readonly Buffer[]): Buffer[] {
  const kept = argv.length > MAX_ARGC ? MAX_ARGC : argv.length
  const out: Buffer[] = []
  for (let i = 0; i < kept; i++) {
    if (kept !== argv.length && i === kept - 1) {
      out.push(Buffer.from(`... (${argv.length - kept + 1} more arguments)`))
    } else if (argv[i].length > MAX_STRING) {
      out.push(Buffer.concat([argv[i].subarray(0, MAX_STRING), Buffer.from(`... (${argv[i].length - MAX_STRING} more bytes)`)]))
    } else {
      // A copy: the parser may reuse the memory an argument was read into.
      out.push(Buffer.from(argv[i]))
    }
  }
  return out
}

export class SlowLog {
  private entries: SlowLogEntry[] = []
  private nextId = 0

  /** slowlogPushEntryIfNeeded: `slowerThanUs` < 0 disables the log. */
  record(
    limits: { slowerThanUs: number; maxLen: number },
    entry: Omit<SlowLogEntry, 'id' | 'argv'> & { argv: readonly Buffer[] },
  ): void {
    if (limits.slowerThanUs < 0 || entry.durationUs < limits.slowerThanUs) return
    this.entries.unshift({ ...entry, id: this.nextId++, argv: truncateArgv(entry.argv) })
    if (this.entries.length > limits.maxLen) this.entries.length = Math.max(0, limits.maxLen)
  }

  /** The newest `count` entries (all when count is -1). */
  newest(count: number): readonly SlowLogEntry[] {
    return count < 0 ? this.entries : this.entries.slice(0, count)
  }

  get length(): number {
    return this.entries.length
  }

  reset(): void {
    this.entries = []
  }
}
