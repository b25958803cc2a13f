/** Runtime checks for the failover methods' params (untrusted JSON, like validate.ts's). */
import type { AutoFailoverRequest, FailoverRunRequest } from '../../shared/types'
import { ApiError } from './validate'

function record(params: unknown, method: string): Record<string, unknown> {
  if (params === undefined || params === null) return {}
  if (typeof params !== 'object' || Array.isArray(params)) throw new ApiError(`${method}: params must be an object`)
  return params as Record<string, unknown>
}

function idField(p: Record<string, unknown>, name: string, method: string): string {
  const id = p[name]
  if (typeof id !== 'string' || id === '') throw new ApiError(`${method}: "${name}" must be a non-empty string`)
  return id
}

function msField(p: Record<string, unknown>, name: string, method: string, min: number, max: number): number | undefined {
  const v = p[name]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ApiError(`${method}: "${name}" must be an integer from ${min} to ${max} (ms)`)
  return v
}

export function groupMasterId(params: unknown, method: string): string {
  return idField(record(params, method), 'groupMasterId', method)
}

export function optionalGroupMasterId(params: unknown, method: string): string | undefined {
  const p = record(params, method)
  return p.groupMasterId === undefined || p.groupMasterId === null ? undefined : idField(p, 'groupMasterId', method)
}

export function failoverRunRequest(params: unknown): FailoverRunRequest {
  const method = 'failover.run'
  const p = record(params, method)
  const out: FailoverRunRequest = { groupMasterId: idField(p, 'groupMasterId', method) }
  if (p.candidateId !== undefined && p.candidateId !== null) out.candidateId = idField(p, 'candidateId', method)
  const timeoutMs = msField(p, 'timeoutMs', method, 100, 600_000)
  if (timeoutMs !== undefined) out.timeoutMs = timeoutMs
  return out
}

export function autoFailoverRequest(params: unknown): AutoFailoverRequest {
  const method = 'failover.setAuto'
  const p = record(params, method)
  if (typeof p.enabled !== 'boolean') throw new ApiError(`${method}: "enabled" must be true or false`)
  const out: AutoFailoverRequest = { groupMasterId: idField(p, 'groupMasterId', method), enabled: p.enabled }
  const downAfterMs = msField(p, 'downAfterMs', method, 500, 3_600_000)
  const cooldownMs = msField(p, 'cooldownMs', method, 0, 86_400_000)
  if (downAfterMs !== undefined) out.downAfterMs = downAfterMs
  if (cooldownMs !== undefined) out.cooldownMs = cooldownMs
  return out
}
