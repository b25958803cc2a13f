/**
 * Rules of the key browser's forms, shared so the renderer refuses bad input
 * before sending and main refuses the same input with the same words (a
 * second client of the API gets no laxer checks than the page).
 */
import type { KeyEdit } from './types'

/** A string value larger than this is shown cut (GETRANGE) and cannot be edited whole. */
export const KEY_STRING_VIEW_LIMIT = 1024 * 1024
/** EXPIRE takes seconds; Redis refuses what overflows milliseconds, the form refuses far earlier. */
export const MAX_TTL_SECONDS = 2_147_483_647

/** strtod as Redis's zset parsing accepts it: decimal or exponent numbers and ±inf, never NaN. */
const SCORE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)$/i

/** Why a zset score is refused, or null when ZADD will take it. */
export function scoreError(text: string): string | null {
  if (text.trim() === '') return 'Score is required: a number such as 1, -2.5 or inf'
  if (!SCORE.test(text)) return `Score "${text}" is not a number (use e.g. 1, -2.5, 1e3 or inf)`
  return null
}

/** Why a TTL is refused, or null. Zero or negative would delete the key in Redis: that is what Delete is for. */
export function ttlError(text: string): string | null {
  const trimmed = text.trim()
  if (trimmed === '') return 'TTL is required: a whole number of seconds'
  if (!/^[+-]?\d+$/.test(trimmed)) return `TTL "${text}" is not a whole number of seconds`
  const seconds = Number(trimmed)
  if (seconds <= 0) return 'TTL must be at least 1 second (Persist removes the expiry, Delete removes the key)'
  if (seconds > MAX_TTL_SECONDS) return `TTL must be at most ${MAX_TTL_SECONDS} seconds`
  return null
}

/** Why a list index is refused (negative counts from the end, as LSET). */
export function listIndexError(index: number, length: number): string | null {
  if (!Number.isInteger(index)) return 'List index must be a whole number'
  if (index >= length || index < -length) return `List index ${index} is out of range (the list has ${length} elements)`
  return null
}

/** Why a key name is refused for a new key. */
export function keyNameError(key: string): string | null {
  return key === '' ? 'Key name is required' : null
}

/**
 * Why an edit is refused before it reaches the server, or null. Checks shape
 * too, so main can run it on parameters that came over the wire.
 */
export function keyEditError(edit: KeyEdit): string | null {
  const text = (v: unknown): v is string => typeof v === 'string'
  switch (edit.op) {
    case 'string.set':
      return text(edit.value) ? null : 'Value must be text'
    case 'list.push':
      if (!text(edit.value)) return 'Value must be text'
      return edit.end === 'head' || edit.end === 'tail' ? null : 'List end must be head or tail'
    case 'list.set':
      if (!text(edit.value)) return 'Value must be text'
      return Number.isInteger(edit.index) ? null : 'List index must be a whole number'
    case 'list.remove':
      return Number.isInteger(edit.index) ? null : 'List index must be a whole number'
    case 'hash.set':
      if (!text(edit.field) || edit.field === '') return 'Field name is required'
      return text(edit.value) ? null : 'Value must be text'
    case 'hash.delete':
      return text(edit.field) ? null : 'Field name is required'
    case 'set.add':
    case 'set.remove':
    case 'zset.remove':
      return text(edit.member) ? null : 'Member must be text'
    case 'zset.add':
      if (!text(edit.member)) return 'Member must be text'
      return text(edit.score) ? scoreError(edit.score) : 'Score is required: a number such as 1, -2.5 or inf'
    case 'ttl.set':
      return typeof edit.seconds === 'number' ? ttlError(String(edit.seconds)) : 'TTL is required: a whole number of seconds'
    case 'ttl.persist':
    case 'key.delete':
      return null
    default:
      return `unknown key edit "${String((edit as { op?: unknown }).op)}"`
  }
}
