/**
 * Runtime checks for API params: they arrive as untrusted JSON over IPC or
 * WebSocket. Each check throws an ApiError whose message the user sees.
 */
import type { AddReplicaRequest, AttachExternalRequest, NodeCreateRequest, ReplicaOfRequest, ReplicationGroupRequest } from '../../shared/types'
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

function nameValue(value: unknown, method: string): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new ApiError(`${method}: "name" must be a string`)
  const name = value.trim()
  if (name.length > 64) throw new ApiError(`${method}: "name" is longer than 64 characters`)
  if (/[\r\n]/.test(name)) throw new ApiError(`${method}: "name" must be one line`)
  return name || undefined
}

export function createRequest(params: unknown): NodeCreateRequest {
  const p = record(params, 'node.create')
  const out: NodeCreateRequest = {}
  const name = nameValue(p.name, 'node.create')
  if (name) out.name = name
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

/** Most replicas one createGroup makes: more is a benchmark, not a click (and each is a process on this machine). */
export const MAX_GROUP_REPLICAS = 8

export function groupRequest(params: unknown): ReplicationGroupRequest {
  const method = 'replication.createGroup'
  const p = record(params, method)
  const replicas = p.replicas
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 1 || replicas > MAX_GROUP_REPLICAS) {
    throw new ApiError(`${method}: "replicas" must be an integer from 1 to ${MAX_GROUP_REPLICAS}`)
  }
  const out: ReplicationGroupRequest = { replicas }
  const name = nameValue(p.name, method)
  if (name) out.name = name
  if (p.config !== undefined) out.config = directives(p.config)
  for (const name of ['replicaof', 'slaveof']) {
    if (out.config?.[name] !== undefined) throw new ApiError(`${method}: "${name}" is set by the group itself (its replicas follow its master)`)
  }
  return out
}

export function addReplicaRequest(params: unknown): AddReplicaRequest {
  const method = 'replication.addReplica'
  const p = record(params, method)
  if (typeof p.masterId !== 'string' || p.masterId === '') throw new ApiError(`${method}: "masterId" must be a non-empty string`)
  const out: AddReplicaRequest = { masterId: p.masterId }
  const name = nameValue(p.name, method)
  if (name) out.name = name
  if (p.port !== undefined && p.port !== null) out.port = portValue(p.port)
  if (p.config !== undefined) out.config = directives(p.config)
  return out
}

/** A host name or IP address as a user types it: no spaces, no scheme, no port. */
export function hostValue(value: unknown, method: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ApiError(`${method}: "host" must be a non-empty host name or IP address`)
  const host = value.trim()
  if (host.length > 253 || !/^[A-Za-z0-9._:-]+$/.test(host) || /^[.:-]/.test(host)) {
    throw new ApiError(`${method}: invalid host ${JSON.stringify(host)}: give a host name or IP address only (no scheme, port or spaces)`)
  }
  return host
}

export function replicaOfRequest(params: unknown): ReplicaOfRequest {
  const method = 'replication.replicaOf'
  const p = record(params, method)
  const id = nodeId(p, method)
  const hasMaster = p.masterId !== undefined && p.masterId !== null
  const hasAddress = p.host !== undefined || p.port !== undefined
  if (hasMaster === hasAddress) throw new ApiError(`${method}: give either "masterId" (a fleet node) or "host" and "port"`)
  if (hasMaster) {
    if (typeof p.masterId !== 'string' || p.masterId === '') throw new ApiError(`${method}: "masterId" must be a non-empty string`)
    return { id, masterId: p.masterId }
  }
  return { id, host: hostValue(p.host, method), port: portValue(p.port) }
}

function credential(value: unknown, field: string, method: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new ApiError(`${method}: "${field}" must be a string`)
  if (/[\r\n\0]/.test(value)) throw new ApiError(`${method}: "${field}" must be one line`)
  if (value.length > 512) throw new ApiError(`${method}: "${field}" is longer than 512 characters`)
  return value
}

export function attachRequest(params: unknown): AttachExternalRequest {
  const method = 'node.attachExternal'
  const p = record(params, method)
  const out: AttachExternalRequest = { host: hostValue(p.host, method), port: portValue(p.port) }
  const name = nameValue(p.name, method)
  if (name) out.name = name
  const username = credential(p.username, 'username', method)
  const password = credential(p.password, 'password', method)
  if (username !== undefined && password === undefined) throw new ApiError(`${method}: a "username" needs a "password"`)
  if (username !== undefined) out.username = username
  if (password !== undefined) out.password = password
  return out
}

export function optionalNodeId(params: unknown, method: string): string | undefined {
  const id = record(params, method).id
  if (id === undefined || id === null) return undefined
  if (typeof id !== 'string' || id === '') throw new ApiError(`${method}: "id" must be a non-empty string`)
  return id
}
