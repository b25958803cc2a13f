/**
 * The replica's receiving end of a full sync (readSyncBulkPayload of Redis
 * 7.0): after +FULLRESYNC (or SYNC) the master sends `\n` keepalives while it
 * prepares the snapshot, then either `$<len>\r\n` and exactly len bytes (disk
 * sync, the command stream may follow in the same read) or
 * `$EOF:<40 chars>\r\n`, the RDB and the same 40 chars (diskless sync, nothing
 * follows before our first REPLCONF ACK).
 *
 * The payload goes to a sink: a temp file (`repl-diskless-load disabled`) or
 * memory (on-empty-db / swapdb). The receiver keeps the counters INFO shows
 * while the transfer runs (master_sync_total_bytes / read_bytes / last_io).
 */
import { closeSync, openSync, writeSync } from 'node:fs'

/** Where the RDB bytes go while they arrive. */
export interface PayloadSink {
  write(bytes: Buffer): void
  /** The transfer ended (or was abandoned): release the file. */
  close(): void
}

/** Bytes kept in memory, read back whole for the load. */
export class MemorySink implements PayloadSink {
  private readonly chunks: Buffer[] = []
  private length = 0

  write(bytes: Buffer): void {
    if (bytes.length === 0) return
    // The socket may reuse its buffer for the next read: keep a copy.
    this.chunks.push(Buffer.from(bytes))
    this.length += bytes.length
  }

  close(): void {}

  contents(): Buffer {
    return Buffer.concat(this.chunks, this.length)
  }
}

/** Bytes appended to a new file (`temp-<time>.<pid>.rdb`), synchronously as Redis's write() calls. */
export class FileSink implements PayloadSink {
  private fd: number | undefined

  constructor(readonly path: string) {
    // O_EXCL as Redis: never overwrite a file someone else is writing.
    this.fd = openSync(path, 'wx', 0o644)
  }

  write(bytes: Buffer): void {
    if (this.fd === undefined || bytes.length === 0) return
    let done = 0
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done)
  }

  close(): void {
    if (this.fd === undefined) return
    closeSync(this.fd)
    this.fd = undefined
  }
}

/**
 * Bytes written to the temp file when there is one (as Redis writes them)
 * and handed, as they arrive, to a parser that loads them aside: the load
 * overlaps the transfer instead of following it.
 */
export class ParsingSink implements PayloadSink {
  constructor(
    readonly file: FileSink | undefined,
    private readonly parse: (bytes: Buffer) => void,
  ) {}

  write(bytes: Buffer): void {
    if (bytes.length === 0) return
    this.file?.write(bytes)
    this.parse(bytes)
  }

  close(): void {
    this.file?.close()
  }
}

export const EOF_MARK_LENGTH = 40

/** What one push of socket bytes did. */
export type ReceiveResult =
  | { readonly kind: 'more' }
  /** The payload is complete; `rest` is what followed it (the start of the command stream). */
  | { readonly kind: 'done'; readonly rest: Buffer }
  | { readonly kind: 'error'; readonly message: string }

export class SyncPayloadReceiver {
  /** master_sync_total_bytes: -1 until the preamble is read, 0 for an `$EOF:` stream. */
  totalBytes = -1
  /** master_sync_read_bytes: payload bytes received (the EOF mark included, as Redis counts). */
  readBytes = 0
  /** Unix ms of the last bytes (a keepalive newline counts). */
  lastIo: number
  /** The `$EOF:` mark, when the master streams without a length. */
  private mark: Buffer | undefined
  private preamble = Buffer.alloc(0)
  private inBody = false
  /** EOF mode: the newest bytes, held back until we know they are not the mark. */
  private held = Buffer.alloc(0)

  constructor(
    private readonly sink: PayloadSink,
    now: number,
    private readonly log: (message: string) => void,
    private readonly target: 'disk' | 'parser',
  ) {
    this.lastIo = now
  }

  get usesEofMark(): boolean {
    return this.mark !== undefined
  }

  push(data: Buffer, now: number): ReceiveResult {
    this.lastIo = now
    if (!this.inBody) {
      const body = this.readPreamble(data)
      if (body === undefined) return { kind: 'more' }
      if (typeof body === 'string') return { kind: 'error', message: body }
      data = body
    }
    return this.mark ? this.pushUntilMark(data, this.mark) : this.pushCounted(data)
  }

  close(): void {
    this.sink.close()
  }

  /** The bytes after the preamble, undefined while it is incomplete, or an error text. */
  private readPreamble(data: Buffer): Buffer | string | undefined {
    let buffer = this.preamble.length === 0 ? data : Buffer.concat([this.preamble, data])
    for (;;) {
      const newline = buffer.indexOf(10)
      if (newline < 0) {
        this.preamble = Buffer.from(buffer)
        return undefined
      }
      const line = buffer.subarray(0, newline > 0 && buffer[newline - 1] === 13 ? newline - 1 : newline).toString('latin1')
      buffer = buffer.subarray(newline + 1)
      // A bare newline is the master's keepalive while it prepares the snapshot.
      if (line === '') continue
      this.preamble = Buffer.alloc(0)
      if (line.startsWith('-')) {
        this.log(`MASTER aborted replication with an error: ${line.slice(1)}`)
        return line.slice(1)
      }
      if (!line.startsWith('$')) {
        this.log(`Bad protocol from MASTER, the first byte is not '$' (we received '${line}'), are you sure the host and port are right?`)
        return `Bad protocol from MASTER: ${line}`
      }
      if (line.startsWith('$EOF:') && line.length - 5 >= EOF_MARK_LENGTH) {
        this.mark = Buffer.from(line.slice(5, 5 + EOF_MARK_LENGTH), 'latin1')
        this.totalBytes = 0
        this.log(`MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to ${this.target}`)
      } else {
        const length = Number.parseInt(line.slice(1), 10)
        if (!Number.isSafeInteger(length) || length < 0) return `Bad payload length from MASTER: ${line}`
        this.totalBytes = length
        this.log(`MASTER <-> REPLICA sync: receiving ${length} bytes from master to ${this.target}`)
      }
      this.inBody = true
      return buffer
    }
  }

  private pushCounted(data: Buffer): ReceiveResult {
    const take = Math.min(data.length, this.totalBytes - this.readBytes)
    this.sink.write(data.subarray(0, take))
    this.readBytes += take
    if (this.readBytes < this.totalBytes) return { kind: 'more' }
    return { kind: 'done', rest: Buffer.from(data.subarray(take)) }
  }

  private pushUntilMark(data: Buffer, mark: Buffer): ReceiveResult {
    this.readBytes += data.length
    const window = this.held.length === 0 ? data : Buffer.concat([this.held, data])
    const keep = Math.min(EOF_MARK_LENGTH, window.length)
    if (window.length >= EOF_MARK_LENGTH && window.subarray(window.length - EOF_MARK_LENGTH).equals(mark)) {
      this.sink.write(window.subarray(0, window.length - EOF_MARK_LENGTH))
      this.held = Buffer.alloc(0)
      return { kind: 'done', rest: Buffer.alloc(0) }
    }
    this.sink.write(window.subarray(0, window.length - keep))
    this.held = Buffer.from(window.subarray(window.length - keep))
    return { kind: 'more' }
  }
}
