/**
 * The replication backlog: the last `size` bytes of the replication stream,
 * kept so a replica whose link broke can resume with PSYNC (+CONTINUE)
 * instead of a full snapshot. A ring over one Buffer; offsets are Redis's:
 * the stream's first byte is offset 1, `firstByteOffset` is the offset of the
 * oldest byte held (master_repl_offset + 1 when the backlog was created).
 */
export class ReplicationBacklog {
  private ring: Buffer
  /** Where the next byte goes. */
  private head = 0
  /** Bytes held (repl_backlog_histlen), at most ring.length. */
  private held = 0
  /** Offset of the byte that will be appended next. */
  private nextOffset: number

  /** `masterReplOffset`: the stream offset the backlog starts after (the next byte is masterReplOffset + 1). */
  constructor(size: number, masterReplOffset: number) {
    this.ring = Buffer.alloc(Math.max(16 * 1024, size))
    this.nextOffset = masterReplOffset + 1
  }

  /** repl_backlog_size as configured (at least 16kb, as Redis's CONFIG_REPL_BACKLOG_MIN_SIZE). */
  get size(): number {
    return this.ring.length
  }

  /** repl_backlog_histlen. */
  get histlen(): number {
    return this.held
  }

  /** repl_backlog_first_byte_offset. */
  get firstByteOffset(): number {
    return this.nextOffset - this.held
  }

  append(bytes: Buffer): void {
    const size = this.ring.length
    this.nextOffset += bytes.length
    if (bytes.length >= size) {
      bytes.copy(this.ring, 0, bytes.length - size)
      this.head = 0
      this.held = size
      return
    }
    const first = Math.min(bytes.length, size - this.head)
    bytes.copy(this.ring, this.head, 0, first)
    if (first < bytes.length) bytes.copy(this.ring, 0, first)
    this.head = (this.head + bytes.length) % size
    this.held = Math.min(size, this.held + bytes.length)
  }

  /** True when a PSYNC at `offset` (the first byte the replica lacks) can be served from here. */
  covers(offset: number): boolean {
    return offset >= this.firstByteOffset && offset <= this.nextOffset
  }

  /** The bytes from `offset` to the end of the stream (empty when the replica is up to date); undefined when not held. */
  readFrom(offset: number): Buffer | undefined {
    if (!this.covers(offset)) return undefined
    const length = this.nextOffset - offset
    const size = this.ring.length
    const start = (this.head - length + size) % size
    if (start + length <= size) return Buffer.from(this.ring.subarray(start, start + length))
    return Buffer.concat([this.ring.subarray(start), this.ring.subarray(0, (start + length) % size)])
  }

  /** CONFIG SET repl-backlog-size: keeps the newest bytes that still fit. */
  resize(size: number): void {
    const keep = this.readFrom(this.nextOffset - Math.min(this.held, Math.max(16 * 1024, size))) ?? Buffer.alloc(0)
    this.ring = Buffer.alloc(Math.max(16 * 1024, size))
    this.head = 0
    this.held = 0
    this.nextOffset -= keep.length
    this.append(keep)
  }
}
