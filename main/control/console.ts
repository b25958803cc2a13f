/**
 * The console's connection to one node: a plain socket (so state such as
 * SELECT or HELLO persists between commands, as in redis-cli) whose replies
 * are decoded with their RESP type kept. Every failure comes back as an error
 * reply, never as a thrown exception.
 */
import { connect, type Socket } from 'node:net'
import type { ConsoleReply } from '../../shared/types'
import { encodeCommand, RespDecoder } from './resp'

/** Credentials an external node needs; sent as AUTH on every new connection. */
export interface NodeAuth {
  username?: string
  password: string
}

interface Pending {
  resolve: (reply: ConsoleReply) => void
  timer: NodeJS.Timeout
}

export class ConsoleSession {
  private socket: Socket | null = null
  private connecting: Promise<Socket> | null = null
  private pending: Pending[] = []
  private decoder = new RespDecoder((reply) => this.onReply(reply))
  /** The socket AUTH succeeded on (a reconnect needs AUTH again). */
  private authedSocket: Socket | null = null

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs = 10_000,
    private readonly auth?: NodeAuth,
  ) {}

  async exec(argv: readonly string[]): Promise<ConsoleReply> {
    if (argv.length === 0) return { type: 'error', value: 'ERR empty command' }
    let socket: Socket
    try {
      socket = await this.connection()
    } catch (e) {
      return { type: 'error', value: `Could not connect to ${this.host}:${this.port}: ${(e as Error).message}` }
    }
    if (this.auth && this.authedSocket !== socket) {
      const { username, password } = this.auth
      const reply = await this.send(socket, username !== undefined ? ['AUTH', username, password] : ['AUTH', password])
      if (reply.type === 'error') {
        this.failAll('authentication failed')
        return { type: 'error', value: `Could not log in to ${this.host}:${this.port}: ${reply.value}` }
      }
      this.authedSocket = socket
    }
    return this.send(socket, argv)
  }

  private send(socket: Socket, argv: readonly string[]): Promise<ConsoleReply> {
    return new Promise<ConsoleReply>((resolve) => {
      const entry: Pending = {
        resolve,
        timer: setTimeout(() => {
          // A reply that never came would misalign every later one: start over.
          this.failAll(`no reply within ${this.timeoutMs} ms (connection reset)`)
        }, this.timeoutMs),
      }
      this.pending.push(entry)
      socket.write(encodeCommand(argv))
    })
  }

  close(): void {
    this.failAll('console closed')
  }

  private connection(): Promise<Socket> {
    if (this.socket) return Promise.resolve(this.socket)
    if (this.connecting) return this.connecting
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const socket = connect(this.port, this.host)
      socket.setNoDelay(true)
      const onError = (err: Error) => {
        this.connecting = null
        reject(err)
      }
      socket.once('error', onError)
      socket.setTimeout(3000, () => socket.destroy(new Error('connect timeout')))
      socket.once('connect', () => {
        socket.setTimeout(0)
        socket.off('error', onError)
        socket.on('error', () => {})
        socket.on('data', (chunk) => {
          try {
            this.decoder.push(chunk)
          } catch (e) {
            this.failAll((e as Error).message)
          }
        })
        socket.on('close', () => {
          if (this.socket === socket) this.failAll('Server closed the connection')
        })
        this.socket = socket
        this.connecting = null
        this.decoder.reset()
        resolve(socket)
      })
    })
    return this.connecting
  }

  private onReply(reply: ConsoleReply): void {
    // Pushes (RESP3 `>`) and extra pub/sub messages have no caller waiting: not for us.
    if (reply.type === 'push') return
    const entry = this.pending.shift()
    if (!entry) return
    clearTimeout(entry.timer)
    entry.resolve(reply)
  }

  private failAll(message: string): void {
    const socket = this.socket
    this.socket = null
    socket?.destroy()
    this.decoder.reset()
    const waiting = this.pending
    this.pending = []
    for (const p of waiting) {
      clearTimeout(p.timer)
      p.resolve({ type: 'error', value: message })
    }
  }
}
