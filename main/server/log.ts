/**
 * Redis's log: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`, where role
 * is M (master), S (replica) or C (not yet initialised / child) and level is
 * `.` debug, `-` verbose, `*` notice, `#` warning. `loglevel` filters;
 * `logfile` "" writes to stdout, otherwise appends to the file (opened per
 * line, as Redis does, so log rotation by renaming just works).
 */
import { appendFileSync } from 'node:fs'
import type { Logger } from './context'

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning'
export type LogRole = 'M' | 'S' | 'C'

const RANK: Record<LogLevel, number> = { debug: 0, verbose: 1, notice: 2, warning: 3 }
const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' }
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Local time as Redis prints it: `26 Nov 2026 05:56:39.225`. */
export function formatLogTime(date: Date): string {
  return (
    `${pad(date.getDate())} ${MONTHS[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
  )
}

export function formatLogLine(pid: number, role: LogRole, level: LogLevel, message: string, date = new Date()): string {
  return `${pid}:${role} ${formatLogTime(date)} ${MARK[level]} ${message}`
}

export class RedisLogger implements Logger {
  level: LogLevel = 'notice'
  /** '' = stdout. */
  file = ''
  /** Decides the role character per line (a replica after REPLICAOF prints S). */
  role: () => LogRole = () => 'C'

  constructor(
    private readonly pid: number = process.pid,
    private readonly writeStdout: (text: string) => void = (text) => process.stdout.write(text),
  ) {}

  debug(message: string): void {
    this.log('debug', message)
  }
  verbose(message: string): void {
    this.log('verbose', message)
  }
  notice(message: string): void {
    this.log('notice', message)
  }
  warning(message: string): void {
    this.log('warning', message)
  }

  log(level: LogLevel, message: string): void {
    if (RANK[level] < RANK[this.level]) return
    this.raw(formatLogLine(this.pid, this.role(), level, message))
  }

  /** A line outside the usual format (Redis's signal-handler line). */
  raw(line: string): void {
    if (this.file === '') {
      this.writeStdout(`${line}\n`)
      return
    }
    try {
      appendFileSync(this.file, `${line}\n`)
    } catch {
      // Redis silently drops a line it cannot write; the start-up check already reported a bad path.
    }
  }
}
