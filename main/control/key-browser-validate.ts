/**
 * Checks of the key browser's API params (untrusted JSON). The edit rules
 * themselves live in shared/key-browser.ts, the same ones the form applies.
 */
import { keyEditError } from '../../shared/key-browser'
import type { KeyEdit, KeyEditRequest, KeyItemsRequest, KeyRef, KeyScanRequest } from '../../shared/types'
import { ApiError } from './validate'

export const DEFAULT_SCAN_PAGE = 200
export const MAX_SCAN_PAGE = 1000
export const DEFAULT_ITEMS_PAGE = 500
export const MAX_ITEMS_PAGE = 5000
/** Redis's default `databases`; a server with more still refuses SELECT beyond its own count itself. */
const MAX_DB = 1_000_000

function record(params: unknown, method: string): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ApiError(`${method}: params must be an object`)
  return params as Record<string, unknown>
}

function nodeOf(p: Record<string, unknown>, method: string): string {
  if (typeof p.id !== 'string' || p.id === '') throw new ApiError(`${method}: "id" must be a non-empty string`)
  return p.id
}

function dbOf(p: Record<string, unknown>, method: string): number {
  if (p.db === undefined) return 0
  if (typeof p.db !== 'number' || !Number.isInteger(p.db) || p.db < 0 || p.db > MAX_DB) {
    throw new ApiError(`${method}: "db" must be a database number (0, 1 …)`)
  }
  return p.db
}

function cursorOf(p: Record<string, unknown>, method: string): string {
  if (typeof p.cursor !== 'string' || !/^\d+$/.test(p.cursor)) throw new ApiError(`${method}: "cursor" must be a decimal cursor ('0' to start)`)
  return p.cursor
}

function countOf(value: unknown, fallback: number, max: number, name: string, method: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ApiError(`${method}: "${name}" must be a whole number from 1 to ${max}`)
  }
  return value
}

export function keyRef(params: unknown, method: string): Required<KeyRef> {
  const p = record(params, method)
  if (typeof p.key !== 'string') throw new ApiError(`${method}: "key" must be a string`)
  return { id: nodeOf(p, method), db: dbOf(p, method), key: p.key }
}

export interface ScanParams {
  id: string
  db: number
  cursor: string
  match: string
  type?: KeyScanRequest['type']
  pageSize: number
}

const SCAN_TYPES: ReadonlySet<string> = new Set(['string', 'list', 'hash', 'set', 'zset', 'stream'])

export function scanRequest(params: unknown): ScanParams {
  const method = 'keys.scan'
  const p = record(params, method)
  if (p.match !== undefined && typeof p.match !== 'string') throw new ApiError(`${method}: "match" must be a string`)
  if (p.type !== undefined && (typeof p.type !== 'string' || !SCAN_TYPES.has(p.type))) {
    throw new ApiError(`${method}: "type" must be one of string, list, hash, set, zset, stream`)
  }
  const out: ScanParams = {
    id: nodeOf(p, method),
    db: dbOf(p, method),
    cursor: cursorOf(p, method),
    match: p.match === undefined || p.match === '' ? '*' : p.match,
    pageSize: countOf(p.pageSize, DEFAULT_SCAN_PAGE, MAX_SCAN_PAGE, 'pageSize', method),
  }
  if (p.type !== undefined) out.type = p.type as KeyScanRequest['type']
  return out
}

const ITEM_TYPES: ReadonlySet<string> = new Set(['list', 'hash', 'set', 'zset'])

export function itemsRequest(params: unknown): Required<KeyItemsRequest> {
  const method = 'keys.items'
  const ref = keyRef(params, method)
  const p = record(params, method)
  if (typeof p.type !== 'string' || !ITEM_TYPES.has(p.type)) throw new ApiError(`${method}: "type" must be one of list, hash, set, zset`)
  return {
    ...ref,
    type: p.type as KeyItemsRequest['type'],
    cursor: cursorOf(p, method),
    count: countOf(p.count, DEFAULT_ITEMS_PAGE, MAX_ITEMS_PAGE, 'count', method),
  }
}

export function editRequest(params: unknown): Required<KeyEditRequest> {
  const method = 'keys.edit'
  const ref = keyRef(params, method)
  const p = record(params, method)
  if (typeof p.edit !== 'object' || p.edit === null || Array.isArray(p.edit)) throw new ApiError(`${method}: "edit" must be an object`)
  const edit = p.edit as KeyEdit
  const problem = keyEditError(edit)
  if (problem) throw new ApiError(problem)
  if (p.create !== undefined && typeof p.create !== 'boolean') throw new ApiError(`${method}: "create" must be true or false`)
  return { ...ref, edit, create: p.create === true }
}
