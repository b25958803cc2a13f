/**
 * One connected client: its socket, request parser, pending replies and the
 * bookkeeping CLIENT LIST reports. The server drives it; the client knows
 * nothing about commands.
 */
import type { Socket } from 'node:net'
import type { ClientHandle } from './core'
import { RequestParser, type ParserLimits } from './protocol/parser'
import { ReplyBuffer } from './protocol/writer'
import type { Reply } from './protocol/reply'

/** Redis prints IPv6 peers in brackets: `[::1]:5000`. */
export function formatAddress(ip: string | undefined, port: number | undefined): string {
  let host = ip ?? '?'
  if (host.startsWith('::ffff:') && host.includes('.')) host = host.slice(7)
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`
}

export function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false
  const host = ip.startsWith('::ffff:') ? ip.slice(7) : ip
  return host === '::1' || host.startsWith('127.')
}

/** What other services know of a client (pub/sub, MULTI, blocking), for CLIENT LIST. */
export interface LiveClientState {
  readonly sub: number
  readonly psub: number
  /** Queued commands, -1 outside MULTI. */
  readonly multi: number
  readonly blocked: boolean
  readonly dirtyCas: boolean
}

const NO_LIVE_STATE: LiveClientState = { sub: 0, psub: 0, multi: -1, blocked: false, dirtyCas: false }

export class Client implements ClientHandle {
  name = ''
  db = 0
  protocol: 2 | 3 = 2
  authenticated: boolean
  closeAfterReply = false
  kind: ClientHandle['kind'] = 'normal'
  readonly addr: string
  readonly laddr: string
  readonly createdAt: number
  lastInteraction: number
  /** Full name of the last command run (CLIENT LIST `cmd=`), NULL before the first. */
  lastCommand = 'NULL'
  /** Bytes of the argv being executed (CLIENT LIST `argv-mem`). */
  argvBytes = 0
  closed = false
  readonly parser: RequestParser
  readonly out = new ReplyBuffer()

  constructor(
    readonly id: number,
    readonly socket: Socket,
    limits: ParserLimits,
    now: number,
    authenticated: boolean,
  ) {
    this.authenticated = authenticated
    this.addr = formatAddress(socket.remoteAddress, socket.remotePort)
    this.laddr = formatAddress(socket.localAddress, socket.localPort)
    this.createdAt = now
    this.lastInteraction = now
    this.parser = new RequestParser(limits)
  }

  queue(reply: Reply): void {
    // Our master never hears replies (REPLCONF ACK is written to its link by the replica side).
    if (this.kind === 'master') return
    this.out.append(reply, this.protocol)
  }

  /** The OS file descriptor when Node exposes it (CLIENT LIST `fd=`). */
  get fd(): number {
    const handle = (this.socket as unknown as { _handle?: { fd?: number } })._handle
    return typeof handle?.fd === 'number' ? handle.fd : -1
  }

  /** MONITOR mode (flag `O`): the server streams every command to it. */
  monitor = false
  /** CLIENT NO-EVICT on (flag `e`). */
  noEvict = false

  /** catClientInfoString's flag letters, in its order; `N` when none applies. */
  flagLetters(live: LiveClientState = NO_LIVE_STATE): string {
    let flags = ''
    if (this.monitor) flags += 'O'
    else if (this.kind === 'replica') flags += 'S'
    if (this.kind === 'master') flags += 'M'
    if (live.sub + live.psub > 0) flags += 'P'
    if (live.multi >= 0) flags += 'x'
    if (live.blocked) flags += 'b'
    if (live.dirtyCas) flags += 'd'
    if (this.closeAfterReply) flags += 'c'
    if (this.noEvict) flags += 'e'
    return flags === '' ? 'N' : flags
  }

  /** networking.c catClientInfoString, field for field. */
  describe(now: number, live: LiveClientState = NO_LIVE_STATE): string {
    const qbuf = this.parser.pendingBytes
    const obl = this.out.length
    return [
      `id=${this.id}`,
      `addr=${this.addr}`,
      `laddr=${this.laddr}`,
      `fd=${this.fd}`,
      `name=${this.name}`,
      `age=${Math.floor((now - this.createdAt) / 1000)}`,
      `idle=${Math.floor((now - this.lastInteraction) / 1000)}`,
      `flags=${this.flagLetters(live)}`,
      `db=${this.db}`,
      `sub=${live.sub}`,
      `psub=${live.psub}`,
      'ssub=0',
      `multi=${live.multi}`,
      `qbuf=${qbuf}`,
      `qbuf-free=${qbuf > 0 ? Math.max(0, 20474 - qbuf) : 0}`,
      `argv-mem=${this.argvBytes}`,
      'multi-mem=0',
      'rbs=16384',
      'rbp=16384',
      `obl=${obl}`,
      'oll=0',
      'omem=0',
      `tot-mem=${37648 + this.argvBytes + qbuf + obl}`,
      `events=r${obl > 0 ? 'w' : ''}`,
      `cmd=${this.lastCommand}`,
      'user=default',
      'redir=-1',
      `resp=${this.protocol}`,
    ].join(' ')
  }
}
