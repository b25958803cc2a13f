/**
 * One streaming console command (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE, MONITOR)
 * on a connection of its own: once a connection subscribes or monitors it
 * can run nothing else, so it must not be the console's shared session.
 *
 * Every reply is forwarded, batched: at most one batch per `flushMs`, and at
 * most `maxBatch` messages per batch (older ones in the batch are counted as
 * dropped) so a PUBLISH flood or a busy MONITOR cannot swamp the transport or
 * the window. Stop closes the socket; the last batch carries `ended`.
 */
import { connect, type Socket } from 'node:net'
import type { ConsoleReply, ConsoleStreamBatch } from '../../shared/types'
import type { NodeAuth } from './console'
import { encodeCommand, RespDecoder } from './resp'

/** Commands whose replies keep coming after the first: they get a stream, not console.exec. */
export const STREAMING_COMMANDS = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'monitor'])

export interface StreamOptions {
  host: string
  port: number
  auth?: NodeAuth
  flushMs?: number
  maxBatch?: number
}

export class ConsoleStream {
  private socket: Socket | null = null
  private queue: ConsoleReply[] = []
  private dropped = 0
  private timer: NodeJS.Timeout | null = null
  private ended: string | null = null
  /** Replies still owed to the AUTH we sent first: not shown (they would leak nothing, but are noise). */
  private hiddenReplies = 0
  private received = 0
  private readonly flushMs: number
  private readonly maxBatch: number

  constructor(
    readonly streamId: string,
    readonly nodeId: string,
    private readonly options: StreamOptions,
    private readonly onBatch: (batch: ConsoleStreamBatch) => void,
  ) {
    this.flushMs = options.flushMs ?? 50
    this.maxBatch = options.maxBatch ?? 2000
  }

  /** Connects and sends `argv`; rejects when the node cannot be reached (nothing was started then). */
  start(argv: readonly string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = connect(this.options.port, this.options.host)
      socket.setNoDelay(true)
      socket.setTimeout(3000, () => socket.destroy(new Error('connect timeout')))
      const onConnectError = (err: Error) => reject(new Error(`Could not connect to ${this.options.host}:${this.options.port}: ${err.message}`))
      socket.once('error', onConnectError)
      socket.once('connect', () => {
        socket.setTimeout(0)
        socket.off('error', onConnectError)
        socket.on('error', (err) => this.end(err.message))
        socket.on('close', () => this.end('Server closed the connection'))
        const decoder = new RespDecoder((reply) => this.onReply(reply))
        socket.on('data', (chunk) => {
          try {
            decoder.push(chunk)
          } catch (e) {
            this.end((e as Error).message)
          }
        })
        this.socket = socket
        const auth = this.options.auth
        if (auth) {
          this.hiddenReplies = 1
          socket.write(encodeCommand(auth.username !== undefined ? ['AUTH', auth.username, auth.password] : ['AUTH', auth.password]))
        }
        socket.write(encodeCommand(argv))
        resolve()
      })
    })
  }

  stop(reason = 'Stopped'): void {
    this.end(reason)
  }

  get running(): boolean {
    return this.ended === null
  }

  private onReply(reply: ConsoleReply): void {
    if (this.ended !== null) return
    if (this.hiddenReplies > 0) {
      this.hiddenReplies--
      if (reply.type === 'error') this.end(`Could not log in: ${reply.value}`)
      return
    }
    this.received++
    this.queue.push(reply)
    if (this.queue.length > this.maxBatch) {
      this.dropped += this.queue.length - this.maxBatch
      this.queue.splice(0, this.queue.length - this.maxBatch)
    }
    // A refused command (unknown, wrong arity, ACL) ends the stream: nothing more will come.
    if (reply.type === 'error' && this.received === 1) {
      this.end(reply.value)
      return
    }
    this.timer ??= setTimeout(() => this.flush(), this.flushMs)
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.queue.length === 0 && this.dropped === 0 && this.ended === null) return
    const batch: ConsoleStreamBatch = { streamId: this.streamId, nodeId: this.nodeId, messages: this.queue, dropped: this.dropped }
    if (this.ended !== null) batch.ended = this.ended
    this.queue = []
    this.dropped = 0
    this.onBatch(batch)
  }

  private end(reason: string): void {
    if (this.ended !== null) return
    this.ended = reason
    const socket = this.socket
    this.socket = null
    socket?.destroy()
    this.flush()
  }
}
