/**
 * COMMAND INFO and COMMAND DOCS of every command tandem-server implements must
 * be byte-identical to Redis 7.0.15's, in RESP2 and RESP3: client libraries
 * read key positions and flags from INFO, and redis-cli builds its hints from
 * DOCS. The command list is read from the running server (COMMAND LIST), so a
 * family added later is checked without touching this file.
 *
 * Two liberties: a container (CLIENT, CONFIG …) is compared on the
 * subcommands tandem has (COMMAND LIST names them as `client|kill`), and Redis keeps subcommands in a dict whose iteration order
 * depends on a hash seed chosen randomly at start-up, so the order of
 * subcommands is compared as a set (each subcommand still byte for byte).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'
import { RespConnection } from '../differential/resp-client'

/** A parsed RESP node that remembers its own header line, so it can be re-encoded exactly. */
interface Node {
  readonly header: Buffer
  /** Children of aggregates (map entries flattened key, value, key, value …). */
  readonly children: Node[] | null
  /** Everything after the header line for scalars (bulk payload + CRLF). */
  readonly body: Buffer
}

function parseNode(buf: Buffer, pos: number): { node: Node; end: number } {
  const cr = buf.indexOf('\r\n', pos)
  if (cr < 0) throw new Error(`truncated reply at ${pos}`)
  const header = buf.subarray(pos, cr + 2)
  const kind = String.fromCharCode(buf[pos])
  const count = Number(buf.subarray(pos + 1, cr).toString())
  let end = cr + 2
  if ('*~%>'.includes(kind) && count >= 0) {
    const children: Node[] = []
    const items = kind === '%' ? count * 2 : count
    for (let i = 0; i < items; i++) {
      const parsed = parseNode(buf, end)
      children.push(parsed.node)
      end = parsed.end
    }
    return { node: { header, children, body: Buffer.alloc(0) }, end }
  }
  if ((kind === '$' || kind === '=') && count >= 0) {
    const body = buf.subarray(end, end + count + 2)
    return { node: { header, children: null, body }, end: end + count + 2 }
  }
  return { node: { header, children: null, body: Buffer.alloc(0) }, end }
}

function encode(node: Node): Buffer {
  return Buffer.concat([node.header, node.body, ...(node.children ?? []).map(encode)])
}

function text(node: Node): string {
  return node.body.subarray(0, node.body.length - 2).toString()
}

/** The same aggregate with other children (its count line rewritten to match). */
function withChildren(node: Node, children: Node[]): Node {
  const kind = String.fromCharCode(node.header[0])
  const count = kind === '%' ? children.length / 2 : children.length
  return { header: Buffer.from(`${kind}${count}\r\n`), children, body: node.body }
}

/** Which subcommands of a container to compare: tandem's own, by full name (`client|kill`). */
type Keep = (subcommand: string) => boolean

function sortedBy<T>(items: T[], key: (item: T) => Buffer): T[] {
  return [...items].sort((a, b) => Buffer.compare(key(a), key(b)))
}

/** COMMAND INFO entry: field 10 lists subcommands, each an entry of its own (field 1 its name). */
function canonicalInfoEntry(entry: Node, keep: Keep): Node {
  if (!entry.children || entry.children.length < 10) return entry
  const children = [...entry.children]
  const subs = children[9]
  if (subs.children) {
    const kept = subs.children.filter((sub) => keep(text(sub.children?.[0] ?? sub)))
    children[9] = withChildren(subs, sortedBy(kept.map((sub) => canonicalInfoEntry(sub, keep)), encode))
  }
  return { ...entry, children }
}

function pairs(node: Node): [Node, Node][] {
  const out: [Node, Node][] = []
  const items = node.children ?? []
  for (let i = 0; i + 1 < items.length; i += 2) out.push([items[i], items[i + 1]])
  return out
}

/** COMMAND DOCS value (a map, or a flat array in RESP2): its `subcommands` map in name order. */
function canonicalDocs(docs: Node, keep: Keep): Node {
  if (!docs.children) return docs
  const children = pairs(docs).flatMap(([k, v]): Node[] => {
    if (text(k) !== 'subcommands' || !v.children) return [k, v]
    const kept = pairs(v).filter(([name]) => keep(text(name)))
    const subs = sortedBy(kept, ([name]) => encode(name)).flatMap(([name, sub]) => [name, canonicalDocs(sub, keep)])
    return [k, withChildren(v, subs)]
  })
  return { ...docs, children }
}

function canonicalInfo(reply: Buffer, keep: Keep): string {
  const { node } = parseNode(reply, 0)
  const entries = (node.children ?? []).map((entry) => canonicalInfoEntry(entry, keep))
  return encode({ ...node, children: entries }).toString('latin1')
}

function canonicalDocsReply(reply: Buffer, keep: Keep): string {
  const { node } = parseNode(reply, 0)
  const entries = pairs(node).flatMap(([name, docs]) => [name, canonicalDocs(docs, keep)])
  return encode({ ...node, children: entries }).toString('latin1')
}

/** Replies as readable text in a failure message: CRLF shown as ⏎ then a line break. */
const readable = (s: string): string => s.replace(/\r\n/g, '⏎\n')

describe.runIf(hasRealRedis())('COMMAND INFO / COMMAND DOCS fidelity', () => {
  let tandem: RunningServer
  let redis: RunningServer
  const connections: RespConnection[] = []

  beforeAll(async () => {
    ;[tandem, redis] = await Promise.all([startTandem(['--save', '']), startRedis()])
  })
  afterAll(async () => {
    for (const c of connections) c.close()
    await Promise.all([tandem?.stop(), redis?.stop()])
  })

  async function open(port: number, protocol: 2 | 3): Promise<RespConnection> {
    const c = new RespConnection(port)
    connections.push(c)
    if (protocol === 3) await c.send([Buffer.from('HELLO'), Buffer.from('3')])
    return c
  }

  async function commandNames(): Promise<string[]> {
    const c = await open(tandem.port, 2)
    const reply = await c.send([Buffer.from('COMMAND'), Buffer.from('LIST')])
    const names = (reply.value as Buffer[]).map((b) => b.toString())
    return names.sort()
  }

  it.each([2, 3] as const)('match Redis 7.0.15 for every command in the table (RESP%i)', async (protocol) => {
    const names = await commandNames()
    const keepAll: Keep = () => true
    const keepTandems: Keep = (sub) => names.includes(sub)
    expect(names.length).toBeGreaterThan(50)
    const [mine, theirs] = await Promise.all([open(tandem.port, protocol), open(redis.port, protocol)])
    const differences: string[] = []
    for (const name of names) {
      for (const sub of ['INFO', 'DOCS'] as const) {
        const args = [Buffer.from('COMMAND'), Buffer.from(sub), Buffer.from(name)]
        const [a, b] = await Promise.all([mine.send(args), theirs.send(args)])
        const canonical = sub === 'INFO' ? canonicalInfo : canonicalDocsReply
        // Redis's containers list subcommands tandem may not have yet; those are left out of the comparison.
        const [got, want] = [canonical(a.bytes, keepAll), canonical(b.bytes, keepTandems)]
        if (got !== want) differences.push(`COMMAND ${sub} ${name}\n--- tandem\n${readable(got)}\n--- redis\n${readable(want)}`)
      }
    }
    expect(differences.length, `${differences.length} replies differ:\n\n${differences.join('\n\n')}`).toBe(0)
  })

  it('a command tandem lacks is not in its table, so it is not compared (and reported as absent)', async () => {
    // Guards the premise above: COMMAND LIST only names what tandem can run.
    const c = await open(tandem.port, 2)
    const reply = await c.send([Buffer.from('COMMAND'), Buffer.from('INFO'), Buffer.from('no-such-command')])
    expect(reply.bytes.toString()).toBe('*1\r\n$-1\r\n')
  })
})
