/**
 * The config editor's API handlers (config.get / config.apply). Everything
 * reaches the node over the wire — CONFIG GET *, CONFIG SET, CONFIG REWRITE,
 * INFO server — so a local tandem-server, a local redis-server and an
 * attached server are edited the same way. Only directives a server cannot
 * take at runtime are written into the config file by Tandem itself (with the
 * same merge CONFIG REWRITE does, so the user's comments and order stay).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { ApiResult } from '../../shared/api'
import { findDirective, type DirectiveSpec } from '../../shared/config-directives'
import { checkDirectiveValue, directiveLines, reprArg, rewriteConfText } from '../../shared/config-edit'
import type { ConfigApplyRequest, ConsoleReply, NodeConfigSnapshot, NodeSpec } from '../../shared/types'
import { isManagedDirective } from './redis-conf'
import { ApiError, nodeId } from './validate'

export interface ConfigEditorDeps {
  mustGet(id: string): NodeSpec
  /** The node can be asked anything now (running local node, or external). */
  answers(spec: NodeSpec): boolean
  /** One command on a connection of its own; the server's error comes back as an error reply. */
  run(spec: NodeSpec, argv: string[]): Promise<ConsoleReply>
  /** A local node's config file (the one its server was started with). */
  confPath(spec: NodeSpec): string
  /** Stores directives in a local node's spec so the file generated at its next start keeps them. */
  rememberDirectives(spec: NodeSpec, directives: Record<string, string>): void
}

type ConfigMethod = 'config.get' | 'config.apply'
export type ConfigEditorHandlers = { [M in ConfigMethod]: (params: unknown) => Promise<ApiResult<M>> }

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

/** Directives that the replication panel owns for a local node (its replicaOf is the truth). */
const REPLICATION_OWNED = new Set(['replicaof'])

export function applyRequest(params: unknown): ConfigApplyRequest {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ApiError('config.apply: params must be an object')
  const p = params as Record<string, unknown>
  const id = nodeId(params, 'config.apply')
  if (p.mode !== 'apply' && p.mode !== 'save') throw new ApiError('config.apply: "mode" must be "apply" or "save"')
  const changes = p.changes
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) throw new ApiError('config.apply: "changes" must be an object of directive → value')
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(changes)) {
    if (typeof value !== 'string') throw new ApiError(`config.apply: the value of "${name}" must be a string`)
    out[name] = value
  }
  if (Object.keys(out).length === 0) throw new ApiError('config.apply: nothing to change')
  return { id, mode: p.mode, changes: out }
}

/** CONFIG GET's reply (RESP2 flat array or RESP3 map) as name → value. */
export function configPairs(reply: ConsoleReply): Record<string, string> {
  const text = (r: ConsoleReply): string => ('value' in r && typeof r.value === 'string' ? r.value : '')
  const out: Record<string, string> = {}
  if (reply.type === 'map') for (const [k, v] of reply.entries) out[text(k)] = text(v)
  else if (reply.type === 'array') for (let i = 0; i + 1 < reply.items.length; i += 2) out[text(reply.items[i])] = text(reply.items[i + 1])
  return out
}

/** `field:value` lines of an INFO reply. */
function infoField(reply: ConsoleReply, field: string): string | undefined {
  if (reply.type !== 'bulk' && reply.type !== 'verbatim') return undefined
  const line = reply.value.split(/\r?\n/).find((l) => l.startsWith(`${field}:`))
  return line?.slice(field.length + 1).trim()
}

/** The value as a redis.conf argument list (what follows the name on a line). */
export function confArgument(spec: DirectiveSpec, value: string): string {
  if (spec.multiArg || spec.type === 'save') return value.trim() === '' ? '""' : value.trim()
  return /^[A-Za-z0-9_.,:/+@=%-]+$/.test(value) ? value : reprArg(value)
}

/** A local node's directives with `directives` set, older spellings (aliases) of the same directives dropped. */
export function mergeSpecConfig(config: Readonly<Record<string, string>>, directives: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(config)) {
    const canonical = findDirective(name)?.name ?? name
    if (!Object.hasOwn(directives, canonical)) out[name] = value
  }
  return { ...out, ...directives }
}

export function configEditorHandlers(deps: ConfigEditorDeps): ConfigEditorHandlers {
  /** Directives saved to a file, by node id, with the run_id of the server that has not loaded them yet. */
  const pending = new Map<string, { runId: string; values: Record<string, string> }>()

  function liveNode(id: string): NodeSpec {
    const spec = deps.mustGet(id)
    if (!deps.answers(spec)) throw new ApiError(`node "${spec.name}" is not running: start it first`)
    return spec
  }

  async function command(spec: NodeSpec, argv: string[]): Promise<ConsoleReply> {
    const reply = await deps.run(spec, argv)
    if (reply.type === 'error') throw new ApiError(`${argv.slice(0, 2).join(' ')} on "${spec.name}" failed: ${reply.value}`)
    return reply
  }

  /** Where the node's config file is, when Tandem may read and write it. */
  async function filePath(spec: NodeSpec, info: ConsoleReply): Promise<string | undefined> {
    if (spec.kind === 'local') return deps.confPath(spec)
    const path = infoField(info, 'config_file')
    if (!path || !LOOPBACK.has(spec.host.toLowerCase()) || !existsSync(path)) return undefined
    return path
  }

  async function snapshot(spec: NodeSpec): Promise<NodeConfigSnapshot> {
    const values = configPairs(await command(spec, ['CONFIG', 'GET', '*']))
    const info = await command(spec, ['INFO', 'server'])
    const runId = infoField(info, 'run_id') ?? ''
    const path = await filePath(spec, info)
    let file: NodeConfigSnapshot['file']
    if (path) {
      try {
        file = { path, text: readFileSync(path, 'utf8') }
      } catch {
        file = undefined
      }
    }
    const waiting = pending.get(spec.id)
    if (waiting && waiting.runId !== runId) pending.delete(spec.id)
    return { id: spec.id, values, file, restartRequired: { ...(pending.get(spec.id)?.values ?? {}) }, canRestart: spec.kind === 'local' }
  }

  /** Every change checked before anything is sent; the first problem is the error. */
  function checkChanges(spec: NodeSpec, changes: Record<string, string>): { spec: DirectiveSpec; value: string }[] {
    const out: { spec: DirectiveSpec; value: string }[] = []
    for (const [name, raw] of Object.entries(changes)) {
      const directive = findDirective(name)
      if (!directive || directive.fileOnly) throw new ApiError(`unknown directive "${name}"`)
      if (spec.kind === 'local' && isManagedDirective(directive.name)) throw new ApiError(`"${directive.name}" is managed by Tandem for local nodes`)
      if (spec.kind === 'local' && REPLICATION_OWNED.has(directive.name)) throw new ApiError(`"${directive.name}" of a local node is set from the Replication panel`)
      const check = checkDirectiveValue(directive, raw)
      if (!check.ok) throw new ApiError(`${directive.name}: ${check.message}`)
      out.push({ spec: directive, value: check.value })
    }
    return out
  }

  return {
    async 'config.get'(params) {
      return snapshot(liveNode(nodeId(params, 'config.get')))
    },

    async 'config.apply'(params) {
      const req = applyRequest(params)
      const spec = liveNode(req.id)
      const checked = checkChanges(spec, req.changes)
      const runtime = checked.filter((c) => c.spec.runtime)
      const fileOnly = checked.filter((c) => !c.spec.runtime)
      if (req.mode === 'apply' && fileOnly.length > 0) {
        throw new ApiError(`${fileOnly.map((c) => c.spec.name).join(', ')} cannot change while the server runs: use Save to file (takes effect after a restart)`)
      }
      let path: string | undefined
      if (req.mode === 'save') {
        path = await filePath(spec, await command(spec, ['INFO', 'server']))
        if (fileOnly.length > 0 && !path) throw new ApiError(`the config file of "${spec.name}" is not on this machine: ${fileOnly.map((c) => c.spec.name).join(', ')} can only be changed there`)
      }
      // All runtime changes in one CONFIG SET: the server applies all or none.
      if (runtime.length > 0) await command(spec, ['CONFIG', 'SET', ...runtime.flatMap((c) => [c.spec.name, c.value])])
      const restartRequired: string[] = []
      if (req.mode === 'save') {
        await command(spec, ['CONFIG', 'REWRITE'])
        if (fileOnly.length > 0 && path) {
          const old = readFileSync(path, 'utf8')
          const entries = fileOnly.map((c) => ({ name: c.spec.name, lines: directiveLines(c.spec, c.value), force: true }))
          writeFileSync(path, rewriteConfText(old, entries))
          const runId = infoField(await command(spec, ['INFO', 'server']), 'run_id') ?? ''
          const waiting = pending.get(spec.id)
          const values = waiting && waiting.runId === runId ? waiting.values : {}
          for (const c of fileOnly) {
            values[c.spec.name] = c.value
            restartRequired.push(c.spec.name)
          }
          pending.set(spec.id, { runId, values })
        }
        if (spec.kind === 'local') deps.rememberDirectives(spec, Object.fromEntries(checked.map((c) => [c.spec.name, confArgument(c.spec, c.value)])))
      }
      return {
        snapshot: await snapshot(spec),
        applied: runtime.map((c) => c.spec.name),
        savedToFile: req.mode === 'save',
        restartRequired,
      }
    },
  }
}
