/**
 * The replica's handshake with its master as Redis 7.0's syncWithMaster
 * sends it: PING alone, then AUTH (when masterauth is set), REPLCONF
 * listening-port, REPLCONF ip-address (when replica-announce-ip is set) and
 * REPLCONF capa eof capa psync2 pipelined in one write, their replies read in
 * order, then PSYNC (or SYNC when the master does not know PSYNC).
 *
 * Pure helpers: what to send and how to read what comes back.
 */
import type { ConfigView } from '../context'
import { encodeCommand } from './propagation'

/** One reply line of the handshake, without its CRLF. */
export function takeLine(buffer: Buffer): { line: string; rest: Buffer } | undefined {
  const newline = buffer.indexOf(10)
  if (newline < 0) return undefined
  const end = newline > 0 && buffer[newline - 1] === 13 ? newline - 1 : newline
  return { line: buffer.subarray(0, end).toString('latin1'), rest: buffer.subarray(newline + 1) }
}

/** A pipelined step: its command bytes and how its reply is judged. */
export interface HandshakeStep {
  readonly name: 'auth' | 'port' | 'ip' | 'capa'
  readonly bytes: Buffer
}

/** The pipelined commands after PING, in Redis's order. */
export function handshakeSteps(config: ConfigView, listeningPort: number): HandshakeStep[] {
  const steps: HandshakeStep[] = []
  const auth = config.get('masterauth') ?? ''
  if (auth !== '') {
    const user = config.get('masteruser') ?? ''
    steps.push({ name: 'auth', bytes: encodeCommand(user !== '' ? ['AUTH', user, auth] : ['AUTH', auth]) })
  }
  const announcedPort = config.number('replica-announce-port')
  steps.push({ name: 'port', bytes: encodeCommand(['REPLCONF', 'listening-port', String(announcedPort > 0 ? announcedPort : listeningPort)]) })
  const announcedIp = config.get('replica-announce-ip') ?? ''
  if (announcedIp !== '') steps.push({ name: 'ip', bytes: encodeCommand(['REPLCONF', 'ip-address', announcedIp]) })
  steps.push({ name: 'capa', bytes: encodeCommand(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']) })
  return steps
}

/** PING's reply: errors other than the auth ones end the attempt (syncWithMaster). */
export function pingReplyAcceptable(line: string): boolean {
  if (!line.startsWith('-')) return true
  return line.startsWith('-NOAUTH') || line.startsWith('-NOPERM') || line.startsWith('-ERR operation not permitted')
}

export type PsyncOutcome =
  | { readonly kind: 'full'; readonly replId: string; readonly offset: number }
  /** `replId` undefined when an old master answers a bare +CONTINUE. */
  | { readonly kind: 'continue'; readonly replId: string | undefined }
  /** -NOMASTERLINK / -LOADING: try again later. */
  | { readonly kind: 'retry-later' }
  /** Another -ERR: the master has no PSYNC; fall back to SYNC. */
  | { readonly kind: 'not-supported' }
  | { readonly kind: 'unexpected' }

/** slaveTryPartialResynchronization's reading of the PSYNC reply line. */
export function parsePsyncReply(line: string): PsyncOutcome {
  if (line.startsWith('+FULLRESYNC')) {
    const [, replId, offset] = line.split(' ')
    // A malformed reply still means a full sync, with ids we cannot use (Redis zeroes master_replid).
    if (replId?.length !== 40 || !/^-?\d+$/.test(offset ?? '')) return { kind: 'full', replId: '', offset: -1 }
    return { kind: 'full', replId, offset: Number(offset) }
  }
  if (line.startsWith('+CONTINUE')) {
    const id = line.slice(10).trim()
    return { kind: 'continue', replId: id.length === 40 ? id : undefined }
  }
  if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) return { kind: 'retry-later' }
  if (line.startsWith('-ERR')) return { kind: 'not-supported' }
  return { kind: 'unexpected' }
}
