/**
 * The AOF base file as commands (`aof-use-rdb-preamble no`): Redis 7.0's
 * rewriteAppendOnlyFileRio. A SnapshotKeyWriter, so the snapshot engine walks
 * the keyspace for it exactly as for an RDB image: SELECT per non-empty
 * database, one command per key (collections in batches of
 * AOF_REWRITE_ITEMS_PER_CMD elements), PEXPIREAT for a TTL.
 */
import type { RedisValue } from '../store/values'
import type { SnapshotKeyWriter } from './snapshot'
import { encodeCommand } from '../replication/propagation'
import { formatDouble17g } from './double-format'
import { toPortable } from './value-bridge'

/** server.h AOF_REWRITE_ITEMS_PER_CMD. */
export const AOF_REWRITE_ITEMS_PER_CMD = 64

export class AofCommandWriter implements SnapshotKeyWriter {
  private pendingDb: number | undefined

  constructor(private readonly sink: (chunk: Buffer) => void) {}

  header(): void {
    // A command file has no header.
  }

  selectDb(index: number, size: number): void {
    // rewriteAppendOnlyFileRio skips empty databases; the SELECT goes out with the first key.
    this.pendingDb = size > 0 ? index : undefined
  }

  key(key: Buffer, value: RedisValue, expireAtMs: number | undefined): void {
    if (this.pendingDb !== undefined) {
      this.sink(encodeCommand(['SELECT', String(this.pendingDb)]))
      this.pendingDb = undefined
    }
    const portable = toPortable(value)
    if (portable === null) throw new Error(`key '${key.toString('latin1')}' has a type the AOF cannot rewrite`)
    switch (portable.type) {
      case 'string':
        this.sink(encodeCommand(['SET', key, portable.value]))
        break
      case 'list':
        this.batches('RPUSH', key, portable.items.map((item) => [item]))
        break
      case 'set':
        this.batches('SADD', key, portable.members.map((member) => [member]))
        break
      case 'zset':
        this.batches('ZADD', key, portable.entries.map(([member, score]) => [Buffer.from(formatDouble17g(score)), member]))
        break
      case 'hash':
        this.batches('HMSET', key, portable.fields.map(([field, v]) => [field, v]))
        break
    }
    if (expireAtMs !== undefined) this.sink(encodeCommand(['PEXPIREAT', key, String(expireAtMs)]))
  }

  finish(): void {
    // Nothing to close: the caller fsyncs and renames the file.
  }

  private batches(command: string, key: Buffer, items: readonly (readonly Buffer[])[]): void {
    for (let i = 0; i < items.length; i += AOF_REWRITE_ITEMS_PER_CMD) {
      const args: Buffer[] = [Buffer.from(command), key]
      for (const item of items.slice(i, i + AOF_REWRITE_ITEMS_PER_CMD)) args.push(...item)
      this.sink(encodeCommand(args))
    }
  }
}
