/**
 * The console's control-plane methods beyond console.exec: the node's
 * command table (cached per node and address, fetched on a short-lived
 * connection so it never lands inside the user's MULTI or SELECTed session)
 * and streaming sessions, one dedicated connection each.
 */
import { randomUUID } from 'node:crypto'
import type { CommandDoc, ConsoleStreamBatch, NodeSpec } from '../../shared/types'
import { ConsoleSession, type NodeAuth } from './console'
import { commandTable } from './console-docs'
import { ConsoleStream, STREAMING_COMMANDS } from './console-stream'
import { ApiError, nodeId } from './validate'

export interface ConsoleApiDeps {
  mustGet(id: string): NodeSpec
  authOf(spec: NodeSpec): NodeAuth | undefined
  /** Whether the node can be talked to now (running local node or external). */
  reachable(spec: NodeSpec): boolean
  emit(batch: ConsoleStreamBatch): void
}

/** Most streams open at once: each is a socket to a node and a share of the event traffic. */
const MAX_STREAMS = 16

function record(params: unknown, method: string): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ApiError(`${method}: params must be an object`)
  return params as Record<string, unknown>
}

export function createConsoleApi(deps: ConsoleApiDeps) {
  const tables = new Map<string, { address: string; table: Promise<CommandDoc[]> }>()
  const streams = new Map<string, ConsoleStream>()

  async function fetchTable(spec: NodeSpec): Promise<CommandDoc[]> {
    const session = new ConsoleSession(spec.host, spec.port, 10_000, deps.authOf(spec))
    try {
      const docs = await session.exec(['COMMAND', 'DOCS'])
      const info = await session.exec(['COMMAND'])
      if (info.type === 'error') throw new ApiError(`COMMAND failed on ${spec.name}: ${info.value}`)
      // A server without COMMAND DOCS (before 7.0) still completes names and knows write flags.
      return commandTable(docs.type === 'error' ? { type: 'array', items: [] } : docs, info)
    } finally {
      session.close()
    }
  }

  return {
    async commands(params: unknown): Promise<CommandDoc[]> {
      const spec = deps.mustGet(nodeId(record(params, 'console.commands'), 'console.commands'))
      if (!deps.reachable(spec)) throw new ApiError(`node "${spec.name}" is not running: start it first`)
      const address = `${spec.host}:${spec.port}`
      const cached = tables.get(spec.id)
      if (cached && cached.address === address) return cached.table
      const table = fetchTable(spec)
      tables.set(spec.id, { address, table })
      // A failed fetch (node restarting) must not be cached.
      table.catch(() => {
        if (tables.get(spec.id)?.table === table) tables.delete(spec.id)
      })
      return table
    },

    async streamStart(params: unknown): Promise<{ streamId: string }> {
      const method = 'console.streamStart'
      const p = record(params, method)
      const spec = deps.mustGet(nodeId(p, method))
      const argv = p.argv
      if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) {
        throw new ApiError(`${method}: "argv" must be a non-empty array of strings`)
      }
      const command = (argv[0] as string).toLowerCase()
      if (!STREAMING_COMMANDS.has(command)) throw new ApiError(`${method}: ${command} does not stream; use console.exec`)
      if (!deps.reachable(spec)) throw new ApiError(`node "${spec.name}" is not running: start it first`)
      if (streams.size >= MAX_STREAMS) throw new ApiError(`${method}: ${MAX_STREAMS} streams are open already; stop one first`)
      const streamId = randomUUID()
      const stream = new ConsoleStream(streamId, spec.id, { host: spec.host, port: spec.port, auth: deps.authOf(spec) }, (batch) => {
        if (batch.ended !== undefined) streams.delete(streamId)
        deps.emit(batch)
      })
      streams.set(streamId, stream)
      try {
        await stream.start(argv as string[])
      } catch (e) {
        streams.delete(streamId)
        throw new ApiError((e as Error).message)
      }
      return { streamId }
    },

    async streamStop(params: unknown): Promise<{ stopped: boolean }> {
      const p = record(params, 'console.streamStop')
      if (typeof p.streamId !== 'string') throw new ApiError('console.streamStop: "streamId" must be a string')
      const stream = streams.get(p.streamId)
      if (!stream) return { stopped: false }
      stream.stop()
      return { stopped: true }
    },

    /** A removed or restarted node: its table may change and its streams are gone. */
    forgetNode(id: string): void {
      tables.delete(id)
      for (const stream of streams.values()) if (stream.nodeId === id) stream.stop('Node stopped')
    },

    close(): void {
      for (const stream of streams.values()) stream.stop('Tandem is shutting down')
    },
  }
}
