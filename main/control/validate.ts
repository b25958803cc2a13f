/**
 * Runtime checks for API params: they arrive as untrusted JSON over IPC or
 * WebSocket. Each check throws an ApiError whose message the user sees.
 */
import type { NodeCreateRequest } from '../../shared/types'
import { isManagedDirective, isValidDirectiveName } from './redis-conf'
import { isValidPort } from './ports'

export class ApiError extends Error {}

function record(params: unknown, method: string): Record<string, unknown> {
  if (params === undefined || params === null) return {}
  if (typeof params !== 'object' || Array.isArray(params)) throw new ApiError(`${method}: params must be an object`)
  return params as Record<string, unknown>
}

export function nodeId(params: unknown, method: string): string {
  const id = record(params, method).id
  if (typeof id !== 'string' || id === '') throw new ApiError(`${method}: "id" must be a non-empty string`)
  return id
}

export function portValue(value: unknown): number {
  if (!isValidPort(value)) throw new ApiError(`invalid port ${JSON.stringify(value)}: must be an integer from 1 to 65535`)
  return value
}

export function createRequest(params: unknown): NodeCreateRequest {
  const p = record(params, 'node.create')
  const out: NodeCreateRequest = {}
  if (p.name !== undefined) {
    if (typeof p.name !== 'string') throw new ApiError('node.create: "name" must be a string')
    const name = p.name.trim()
    if (name.length > 64) throw new ApiError('node.create: "name" is longer than 64 characters')
    if (/[\r\n]/.test(name)) throw new ApiError('node.create: "name" must be one line')
    if (name) out.name = name
  }
  if (p.port !== undefined && p.port !== null) out.port = portValue(p.port)
  if (p.config !== undefined) out.config = directives(p.config)
  return out
}

export function directives(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError('"config" must be an object of directive → value')
  const out: Record<string, string> = {}
  for (const [name, v] of Object.entries(value)) {
    if (!isValidDirectiveName(name)) throw new ApiError(`invalid config directive name "${name}"`)
    if (isManagedDirective(name)) throw new ApiError(`config directive "${name}" is managed by Tandem and cannot be set`)
    if (typeof v !== 'string') throw new ApiError(`config directive "${name}": value must be a string`)
    if (/[\r\n]/.test(v)) throw new ApiError(`config directive "${name}": value must be one line`)
    out[name.toLowerCase()] = v
  }
  return out
}

export function consoleArgs(params: unknown): { id: string; argv: string[] } {
  const p = record(params, 'console.exec')
  const id = nodeId(p, 'console.exec')
  if (!Array.isArray(p.argv) || p.argv.some((a) => typeof a !== 'string')) {
    throw new ApiError('console.exec: "argv" must be an array of strings')
  }
  if (p.argv.length === 0) throw new ApiError('console.exec: "argv" is empty: type a command')
  return { id, argv: p.argv as string[] }
}
