/**
 * Runs a differential script against two servers — the subject (tandem-server)
 * and the reference (real redis-server) — one command at a time over raw
 * sockets, and collects every reply that differs. A pass runs either in RESP2
 * (the default protocol) or after `HELLO 3`.
 */
import { RespConnection, type RawReply } from './resp-client'
import { checkShape } from './shapes'
import { escapeBytes, renderCommand, type Comparison, type Step } from './script'

export type Protocol = 2 | 3

export interface Mismatch {
  readonly line: number
  readonly command: string
  readonly protocol: Protocol
  readonly subject: string
  readonly reference: string
  readonly problems: readonly string[]
}

export interface PassResult {
  readonly protocol: Protocol
  readonly commands: number
  readonly mismatches: readonly Mismatch[]
}

const HELLO_3 = [Buffer.from('HELLO'), Buffer.from('3')]
const MAX_SCAN_ROUNDS = 1000

function show(reply: RawReply): string {
  const bytes = escapeBytes(reply.bytes)
  const shown = bytes.length > 600 ? `${bytes.slice(0, 600)}…" (${reply.bytes.length} bytes)` : bytes
  return reply.closed ? `${shown} then connection closed` : shown
}

function elementKey(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('latin1')
  return JSON.stringify(value)
}

function firstByte(reply: RawReply): number | undefined {
  return reply.bytes[0]
}

/** [key, value] pairs of a RESP3 map or a RESP2 flat array, as sortable strings. */
function pairs(value: unknown): string[] | null {
  if (value instanceof Map) return [...value].map(([k, v]) => `${elementKey(k)}=${elementKey(v)}`).sort()
  if (Array.isArray(value) && value.length % 2 === 0) {
    const out: string[] = []
    for (let i = 0; i < value.length; i += 2) out.push(`${elementKey(value[i])}=${elementKey(value[i + 1])}`)
    return out.sort()
  }
  return null
}

function integerOf(reply: RawReply): number | null {
  const m = /^:(-?\d+)\r\n$/.exec(reply.bytes.toString('latin1'))
  return m ? Number(m[1]) : null
}

/** Where two long replies part ways, with a little context, so a 10 kB diff stays readable. */
function firstDifference(subject: Buffer, reference: Buffer): string {
  let at = 0
  while (at < subject.length && at < reference.length && subject[at] === reference[at]) at++
  const window = (b: Buffer): string => escapeBytes(b.subarray(Math.max(0, at - 40), at + 60))
  return `first difference at byte ${at}: ${window(subject)} vs reference ${window(reference)}`
}

/** The problems with one reply pair under a line's comparison mode (empty = they agree). */
function compare(comparison: Comparison, subject: RawReply, reference: RawReply): string[] {
  const exact = (): string[] => {
    if (subject.bytes.equals(reference.bytes) && subject.closed === reference.closed) return []
    const long = subject.bytes.length > 200 || reference.bytes.length > 200
    return long ? [firstDifference(subject.bytes, reference.bytes)] : ['replies differ']
  }
  // Errors are a stable interface: whatever the mode, they must match byte for byte.
  if (firstByte(reference) === 0x2d || firstByte(subject) === 0x2d) return exact()
  switch (comparison.kind) {
    case 'exact':
      return exact()
    case 'closes': {
      const problems: string[] = []
      if (!reference.closed || reference.bytes.length) problems.push('reference did not close the connection without a reply')
      if (!subject.closed || subject.bytes.length) problems.push('server did not close the connection without a reply')
      return problems
    }
    case 'unordered': {
      if (firstByte(subject) !== firstByte(reference)) return ['reply types differ']
      const [s, r] = [subject.value, reference.value]
      if (!Array.isArray(s) || !Array.isArray(r)) return exact()
      return s.map(elementKey).sort().join('\n') === r.map(elementKey).sort().join('\n') ? [] : ['elements differ as multisets']
    }
    case 'unordered-pairs': {
      if (firstByte(subject) !== firstByte(reference)) return ['reply types differ']
      const [s, r] = [pairs(subject.value), pairs(reference.value)]
      if (!s || !r) return exact()
      return s.join('\n') === r.join('\n') ? [] : ['pairs differ as sets']
    }
    case 'ttl-range': {
      const [s, r] = [integerOf(subject), integerOf(reference)]
      if (s === null || r === null) return exact()
      if (s < 0 || r < 0) return s === r ? [] : ['replies differ']
      return Math.abs(s - r) <= comparison.tolerance ? [] : [`${s} and ${r} differ by more than ${comparison.tolerance}`]
    }
    case 'shape':
      return checkShape(comparison.shape, subject, reference)
    case 'scan':
      throw new Error('scan steps are compared by runScan')
  }
}

/**
 * Follows a SCAN (or HSCAN/SSCAN/ZSCAN, whose cursor comes after the key) from
 * the script's cursor until cursor 0; returns the sorted distinct elements.
 */
async function scanToCompletion(conn: RespConnection, args: readonly Uint8Array[]): Promise<{ keys: string[]; problem?: string; last: RawReply }> {
  const keys = new Set<string>()
  const at = /^scan$/i.test(Buffer.from(args[0]).toString('latin1')) ? 1 : 2
  let cursor: Uint8Array = args[at]
  for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
    const reply = await conn.send([...args.slice(0, at), cursor, ...args.slice(at + 1)])
    const value = reply.value
    if (!Array.isArray(value) || value.length !== 2 || !Buffer.isBuffer(value[0]) || !Array.isArray(value[1])) {
      return { keys: [...keys].sort(), problem: 'reply is not [cursor, keys]', last: reply }
    }
    for (const key of value[1]) keys.add(elementKey(key))
    if (value[0].toString() === '0') return { keys: [...keys].sort(), last: reply }
    cursor = value[0]
  }
  return { keys: [...keys].sort(), problem: `cursor not back to 0 after ${MAX_SCAN_ROUNDS} rounds`, last: await conn.send([Buffer.from('PING')]) }
}

export interface Endpoint {
  readonly name: string
  readonly port: number
}

/** One pass of the script: fresh connections, optional `HELLO 3`, every step in order. */
export async function runScript(steps: readonly Step[], subjectAt: Endpoint, referenceAt: Endpoint, protocol: Protocol): Promise<PassResult> {
  const subject = new RespConnection(subjectAt.port)
  const reference = new RespConnection(referenceAt.port)
  const mismatches: Mismatch[] = []
  let commands = 0
  const record = (line: number, args: readonly Uint8Array[], s: RawReply, r: RawReply, problems: string[]): void => {
    if (problems.length) mismatches.push({ line, command: renderCommand(args), protocol, subject: show(s), reference: show(r), problems })
  }
  // Every (re)connection in a RESP3 pass starts with HELLO 3, itself compared (all but the id).
  const ensureOpen = async (line: number): Promise<void> => {
    if (subject.isOpen && reference.isOpen) return
    subject.close()
    reference.close()
    await Promise.all([subject.open(), reference.open()])
    if (protocol === 3) {
      const [s, r] = await Promise.all([subject.send(HELLO_3), reference.send(HELLO_3)])
      record(line, HELLO_3, s, r, checkShape('hello', s, r))
    }
  }
  try {
    for (const step of steps) {
      if (step.type === 'sleep') {
        await new Promise((r) => setTimeout(r, step.ms))
        continue
      }
      commands++
      await ensureOpen(step.line)
      if (step.comparison.kind === 'scan') {
        const [s, r] = await Promise.all([scanToCompletion(subject, step.args), scanToCompletion(reference, step.args)])
        const problems = [s.problem, r.problem && `reference: ${r.problem}`].filter((p): p is string => Boolean(p))
        if (s.keys.join('\n') !== r.keys.join('\n')) problems.push(`keys [${s.keys.join(' ')}] differ from reference [${r.keys.join(' ')}]`)
        record(step.line, step.args, s.last, r.last, problems)
        continue
      }
      // Both at once, so expiry edges are measured from the same instant on both servers.
      const [s, r] = await Promise.all([subject.send(step.args), reference.send(step.args)])
      record(step.line, step.args, s, r, compare(step.comparison, s, r))
      if (/^quit$/i.test(Buffer.from(step.args[0]).toString())) {
        await Promise.all([subject.waitForClose(), reference.waitForClose()])
      }
    }
  } finally {
    subject.close()
    reference.close()
  }
  return { protocol, commands, mismatches }
}

export function formatMismatches(result: PassResult, file: string, names: { subject: string; reference: string }): string {
  const width = Math.max(names.subject.length, names.reference.length)
  return result.mismatches
    .map((m) =>
      [
        `${file}:${m.line} [RESP${m.protocol}] ${m.command}`,
        `  ${names.subject.padEnd(width)}  ${m.subject}`,
        `  ${names.reference.padEnd(width)}  ${m.reference}`,
        ...m.problems.filter((p) => p !== 'replies differ').map((p) => `  - ${p}`),
      ].join('\n'),
    )
    .join('\n\n')
}
