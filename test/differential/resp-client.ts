/**
 * A raw RESP connection for the differential test: it sends one command at a
 * time and hands back the exact bytes of the reply, so two servers can be
 * compared byte for byte. ioredis's own RESP decoder tells when a reply is
 * complete (and gives the parsed value for shape checks); because only one
 * command is ever in flight, every byte received belongs to that reply.
 */
import { connect, type Socket } from 'node:net'
import { Decoder } from 'ioredis/built/resp/decoder'

export interface RawReply {
  /** Exactly what the server wrote for this command. */
  readonly bytes: Buffer
  /** The parsed reply (blob strings as Buffer, maps as Map, errors as Error). */
  readonly value: unknown
  /** True when the server closed the connection instead of (or right after) replying. */
  readonly closed: boolean
}

const BLOB_STRING = 36
const SIMPLE_STRING = 43
const VERBATIM_STRING = 61
const MAP = 37
const TYPE_MAPPING = { [BLOB_STRING]: Buffer, [SIMPLE_STRING]: Buffer, [VERBATIM_STRING]: Buffer, [MAP]: Map }

/** RESP2 multi-bulk encoding of one command; arguments are bytes so binary values stay exact. */
export function encodeCommand(args: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)]
  for (const arg of args) parts.push(Buffer.from(`$${arg.length}\r\n`), Buffer.from(arg), Buffer.from('\r\n'))
  return Buffer.concat(parts)
}

export class RespConnection {
  private socket: Socket | null = null
  private received: Buffer[] = []
  private waiter: ((outcome: { value: unknown } | { closed: true }) => void) | null = null
  private decoder = this.makeDecoder()

  constructor(
    readonly port: number,
    private readonly replyTimeoutMs = 10_000,
  ) {}

  private makeDecoder(): Decoder {
    const settle = (value: unknown): void => {
      const w = this.waiter
      this.waiter = null
      w?.({ value })
    }
    return new Decoder({
      onReply: settle,
      onErrorReply: settle,
      onPush: settle,
      getTypeMapping: () => TYPE_MAPPING,
    })
  }

  get isOpen(): boolean {
    return this.socket !== null
  }

  async open(): Promise<void> {
    this.decoder = this.makeDecoder()
    this.received = []
    await new Promise<void>((resolve, reject) => {
      const socket = connect(this.port, '127.0.0.1')
      socket.setNoDelay(true)
      socket.once('connect', () => {
        socket.off('error', reject)
        this.socket = socket
        resolve()
      })
      socket.once('error', reject)
      socket.on('data', (chunk: Buffer) => {
        this.received.push(chunk)
        this.decoder.write(chunk)
      })
      socket.on('error', () => undefined)
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null
        const w = this.waiter
        this.waiter = null
        w?.({ closed: true })
      })
    })
  }

  /** Sends one command and waits for its complete reply or for the connection to close. */
  async send(args: readonly Uint8Array[]): Promise<RawReply> {
    if (!this.socket) await this.open()
    const socket = this.socket
    if (!socket) throw new Error(`not connected to port ${this.port}`)
    this.received = []
    const outcome = await new Promise<{ value: unknown } | { closed: true }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null
        reject(new Error(`no complete reply from port ${this.port} within ${this.replyTimeoutMs} ms`))
      }, this.replyTimeoutMs)
      this.waiter = (o) => {
        clearTimeout(timer)
        resolve(o)
      }
      socket.write(encodeCommand(args))
    })
    const bytes = Buffer.concat(this.received)
    this.received = []
    if ('closed' in outcome) return { bytes, value: undefined, closed: true }
    return { bytes, value: outcome.value, closed: false }
  }

  /** Resolves once the server has closed the connection (after QUIT), or after `timeoutMs`. */
  async waitForClose(timeoutMs = 2_000): Promise<boolean> {
    const socket = this.socket
    if (!socket) return true
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      socket.once('close', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  close(): void {
    this.socket?.destroy()
    this.socket = null
  }
}
