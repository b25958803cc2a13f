/**
 * The key browser's side of the control plane: SCAN pages, one key's detail,
 * pages of a big value, and edits — all over the wire (ioredis), so local
 * tandem-server nodes and attached real Redis servers behave the same.
 *
 * Nothing here ever asks for a whole keyspace or a whole value: listing is
 * SCAN under a time budget, values come by LRANGE/HSCAN/SSCAN/ZRANGE pages the
 * renderer requests one after the other (its Cancel simply stops asking).
 */
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { KEY_STRING_VIEW_LIMIT, listIndexError } from '../../shared/key-browser'
import type {
  KeyDetail,
  KeyEdit,
  KeyEditResult,
  KeyEntry,
  KeyItem,
  KeyItemsPage,
  KeyScanPage,
  KeyType,
  NodeSpec,
} from '../../shared/types'
import type { NodeAuth } from './console'
import { editRequest, itemsRequest, keyRef, scanRequest, type ScanParams } from './key-browser-validate'
import { ApiError } from './validate'

export interface KeyBrowserDeps {
  mustGet(id: string): NodeSpec
  authOf(spec: NodeSpec): NodeAuth | undefined
  /** Whether the node can be talked to now (running local node or external). */
  reachable(spec: NodeSpec): boolean
  /** How long one keys.scan may keep calling SCAN before it returns what it has (default 250 ms). */
  scanBudgetMs?: number
}

/** SCAN COUNT while a filter is on: big steps, so a rare pattern crosses a million keys in a few hundred calls. */
const FILTERED_SCAN_COUNT = 1000

const KNOWN_TYPES: ReadonlySet<string> = new Set(['string', 'list', 'hash', 'set', 'zset', 'stream'])

export function keyType(reply: unknown): KeyType | 'none' {
  const name = String(reply)
  if (name === 'none') return 'none'
  return KNOWN_TYPES.has(name) ? (name as KeyType) : 'other'
}

/** The command giving a key's size, by type. */
const LENGTH_COMMAND: Record<string, string> = {
  string: 'STRLEN',
  list: 'LLEN',
  hash: 'HLEN',
  set: 'SCARD',
  zset: 'ZCARD',
  stream: 'XLEN',
}

/** A reply that should be an array of strings, checked (a server speaking nonsense must not crash main). */
function strings(reply: unknown, what: string): string[] {
  if (!Array.isArray(reply)) throw new ApiError(`unexpected reply to ${what}`)
  return reply.map((v) => String(v))
}

/** [cursor, [items…]] as SCAN, HSCAN and SSCAN answer. */
function scanReply(reply: unknown, what: string): { cursor: string; items: string[] } {
  if (!Array.isArray(reply) || reply.length !== 2) throw new ApiError(`unexpected reply to ${what}`)
  return { cursor: String(reply[0]), items: strings(reply[1], what) }
}

/** ioredis pipeline results: the first error becomes the API error. */
function pipelineValues(results: [Error | null, unknown][] | null): unknown[] {
  if (!results) throw new ApiError('the connection closed before the reply')
  return results.map(([error, value]) => {
    if (error) throw new ApiError(error.message)
    return value
  })
}

export class KeyBrowser {
  /** One connection per node and database: SELECT state must never leak between views. */
  private readonly clients = new Map<string, { address: string; client: Redis }>()

  constructor(private readonly deps: KeyBrowserDeps) {}

  private client(id: string, db: number): Redis {
    const spec = this.deps.mustGet(id)
    if (!this.deps.reachable(spec)) throw new ApiError(`node "${spec.name}" is not running: start it first`)
    const slot = `${id}/${db}`
    const address = `${spec.host}:${spec.port}`
    const known = this.clients.get(slot)
    if (known && known.address === address && known.client.status !== 'end') return known.client
    known?.client.disconnect()
    const auth = this.deps.authOf(spec)
    const client = new Redis({
      host: spec.host,
      port: spec.port,
      db,
      // RESP2: replies as the wire shows them to redis-cli (ZRANGE WITHSCORES flat, scores as text).
      protocol: 2,
      ...(auth?.username !== undefined ? { username: auth.username } : {}),
      ...(auth ? { password: auth.password } : {}),
      lazyConnect: false,
      // A node that went away fails the call now; the next call reconnects.
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableReadyCheck: false,
      connectTimeout: 3000,
      commandTimeout: 15_000,
    })
    client.on('error', () => {})
    client.on('end', () => {
      if (this.clients.get(slot)?.client === client) this.clients.delete(slot)
    })
    this.clients.set(slot, { address, client })
    return client
  }

  /** Drops a node's connections (stopped, removed, restarted elsewhere). */
  forgetNode(id: string): void {
    for (const [slot, entry] of this.clients) {
      if (slot.startsWith(`${id}/`)) {
        entry.client.disconnect()
        this.clients.delete(slot)
      }
    }
  }

  close(): void {
    for (const entry of this.clients.values()) entry.client.disconnect()
    this.clients.clear()
  }

  async scan(params: unknown): Promise<KeyScanPage> {
    const req = scanRequest(params)
    const client = this.client(req.id, req.db)
    const { cursor, keys, calls } = await this.scanKeys(client, req)
    const pipeline = client.pipeline()
    for (const key of keys) {
      if (!req.type) pipeline.call('TYPE', key)
      pipeline.call('PTTL', key)
    }
    pipeline.call('DBSIZE')
    const values = pipelineValues(await pipeline.exec())
    const perKey = req.type ? 1 : 2
    const entries: KeyEntry[] = keys.map((key, i) => {
      const at = i * perKey
      const type = req.type ?? keyType(values[at])
      return { key, type: type === 'none' ? 'other' : type, ttlMs: Number(values[at + perKey - 1]) }
    })
    return { keys: entries, cursor, dbsize: Number(values[values.length - 1]), scanCalls: calls }
  }

  /**
   * SCAN from the request's cursor until a page is full, the scan completes
   * or the time budget is spent: a rare pattern returns partial pages with a
   * cursor rather than holding the call (and the UI) for a full pass.
   */
  private async scanKeys(client: Redis, req: ScanParams): Promise<{ cursor: string; keys: string[]; calls: number }> {
    const filtered = req.match !== '*' || req.type !== undefined
    const count = filtered ? Math.max(FILTERED_SCAN_COUNT, req.pageSize) : req.pageSize
    const deadline = Date.now() + (this.deps.scanBudgetMs ?? 250)
    const keys: string[] = []
    let cursor = req.cursor
    let calls = 0
    do {
      const args: string[] = [cursor, 'MATCH', req.match, 'COUNT', String(count)]
      if (req.type) args.push('TYPE', req.type)
      const page = scanReply(await client.call('SCAN', args), 'SCAN')
      calls++
      cursor = page.cursor
      keys.push(...page.items)
    } while (cursor !== '0' && keys.length < req.pageSize && Date.now() < deadline)
    return { cursor, keys, calls }
  }

  async get(params: unknown): Promise<KeyDetail> {
    const ref = keyRef(params, 'keys.get')
    return this.detail(this.client(ref.id, ref.db), ref.key)
  }

  private async detail(client: Redis, key: string): Promise<KeyDetail> {
    const [typeReply, pttl] = pipelineValues(await client.pipeline().call('TYPE', key).call('PTTL', key).exec())
    const type = keyType(typeReply)
    const detail: KeyDetail = { key, type, ttlMs: Number(pttl), length: 0 }
    if (type === 'none' || type === 'other') return detail
    const pipeline = client.pipeline().call(LENGTH_COMMAND[type], key)
    if (type === 'string') pipeline.call('GETRANGE', key, '0', String(KEY_STRING_VIEW_LIMIT - 1))
    const [length, value] = pipelineValues(await pipeline.exec())
    detail.length = Number(length)
    if (type === 'string') {
      detail.value = String(value)
      if (detail.length > KEY_STRING_VIEW_LIMIT) detail.truncated = true
    }
    return detail
  }

  async items(params: unknown): Promise<KeyItemsPage> {
    const req = itemsRequest(params)
    const client = this.client(req.id, req.db)
    const { key, count } = req
    if (req.type === 'list' || req.type === 'zset') {
      const start = Number(req.cursor)
      const stop = start + count - 1
      const args = [key, String(start), String(stop)]
      if (req.type === 'list') {
        const values = strings(await client.call('LRANGE', args), 'LRANGE')
        const items = values.map((value, i): KeyItem => ({ value, index: start + i }))
        return { items, next: values.length < count ? null : String(start + count) }
      }
      const flat = strings(await client.call('ZRANGE', [...args, 'WITHSCORES']), 'ZRANGE')
      const items: KeyItem[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) items.push({ value: flat[i], score: flat[i + 1] })
      return { items, next: items.length < count ? null : String(start + count) }
    }
    const command = req.type === 'hash' ? 'HSCAN' : 'SSCAN'
    const page = scanReply(await client.call(command, [key, req.cursor, 'COUNT', String(count)]), command)
    const items: KeyItem[] = []
    if (req.type === 'hash') {
      for (let i = 0; i + 1 < page.items.length; i += 2) items.push({ field: page.items[i], value: page.items[i + 1] })
    } else {
      for (const member of page.items) items.push({ value: member })
    }
    return { items, next: page.cursor === '0' ? null : page.cursor }
  }

  async edit(params: unknown): Promise<KeyEditResult> {
    const req = editRequest(params)
    const client = this.client(req.id, req.db)
    if (req.create && Number(await client.call('EXISTS', req.key)) > 0) {
      throw new ApiError(`key "${req.key}" already exists`)
    }
    await this.apply(client, req.key, req.edit, req.create)
    const detail = await this.detail(client, req.key)
    return { detail: detail.type === 'none' ? null : detail }
  }

  private async apply(client: Redis, key: string, edit: KeyEdit, create: boolean): Promise<void> {
    switch (edit.op) {
      case 'string.set': {
        // KEEPTTL: editing the text must not silently drop the expiry the user sees.
        const reply = await client.call('SET', create ? [key, edit.value, 'NX'] : [key, edit.value, 'KEEPTTL'])
        if (reply === null) throw new ApiError(`key "${key}" already exists`)
        return
      }
      case 'list.push':
        await client.call(edit.end === 'head' ? 'LPUSH' : 'RPUSH', key, edit.value)
        return
      case 'list.set':
        await client.call('LSET', key, String(edit.index), edit.value)
        return
      case 'list.remove':
        return this.removeListIndex(client, key, edit.index)
      case 'hash.set':
        await client.call('HSET', key, edit.field, edit.value)
        return
      case 'hash.delete':
        await client.call('HDEL', key, edit.field)
        return
      case 'set.add':
        await client.call('SADD', key, edit.member)
        return
      case 'set.remove':
        await client.call('SREM', key, edit.member)
        return
      case 'zset.add':
        await client.call('ZADD', key, edit.score, edit.member)
        return
      case 'zset.remove':
        await client.call('ZREM', key, edit.member)
        return
      case 'ttl.set':
        if (Number(await client.call('EXPIRE', key, String(edit.seconds))) === 0) throw new ApiError(`key "${key}" does not exist`)
        return
      case 'ttl.persist':
        await client.call('PERSIST', key)
        return
      case 'key.delete':
        await client.call('DEL', key)
        return
    }
  }

  /**
   * Redis has no "remove at index": mark the element with a unique value and
   * LREM that, in one MULTI so no other client sees the marker.
   */
  private async removeListIndex(client: Redis, key: string, index: number): Promise<void> {
    const length = Number(await client.call('LLEN', key))
    const problem = listIndexError(index, length)
    if (problem) throw new ApiError(problem)
    const marker = `__tandem_removed_${randomUUID()}__`
    const results = await client.multi().call('LSET', key, String(index), marker).call('LREM', key, '1', marker).exec()
    pipelineValues(results)
  }
}

/** The four API handlers, for control-plane.ts to spread into its table. */
export function keyBrowserHandlers(browser: KeyBrowser) {
  return {
    'keys.scan': (params: unknown) => browser.scan(params),
    'keys.get': (params: unknown) => browser.get(params),
    'keys.items': (params: unknown) => browser.items(params),
    'keys.edit': (params: unknown) => browser.edit(params),
  }
}
