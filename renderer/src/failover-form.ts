/**
 * Checks of the automatic-failover settings form, done before anything is
 * sent: a value out of range is refused with a message naming the field and
 * its bounds, and nothing is saved.
 */
import type { Parsed } from './replication-form'

/**
 * Bounds of "down after": below half a second a single slow poll would count
 * as a dead master; above an hour the setting is no longer a failover guard.
 */
export const DOWN_AFTER_MIN_MS = 500
export const DOWN_AFTER_MAX_MS = 3_600_000
/** Bounds of the cool-down: at least a second between two automatic failovers, at most a day. */
export const COOL_DOWN_MIN_MS = 1_000
export const COOL_DOWN_MAX_MS = 86_400_000

export const DOWN_AFTER_MESSAGE = `Down after must be a whole number of milliseconds from ${DOWN_AFTER_MIN_MS} to ${DOWN_AFTER_MAX_MS}.`
export const COOL_DOWN_MESSAGE = `Cool-down must be a whole number of milliseconds from ${COOL_DOWN_MIN_MS} to ${COOL_DOWN_MAX_MS}.`

/** A whole number of milliseconds within [min, max]; digits only (no sign, no unit, no exponent). */
export function parseMilliseconds(text: string, min: number, max: number, message: string): Parsed<number> {
  const trimmed = text.trim()
  if (!/^\d{1,9}$/.test(trimmed)) return { ok: false, message }
  const value = Number(trimmed)
  if (value < min || value > max) return { ok: false, message }
  return { ok: true, value }
}

export interface FailoverSettingsFields {
  enabled: boolean
  downAfterMs: string
  cooldownMs: string
}

export interface FailoverSettingsValues {
  enabled: boolean
  downAfterMs: number
  cooldownMs: number
}

/**
 * The whole form. Values are checked even while automatic failover is off, so
 * what is saved is always valid when it is switched on later.
 */
export function parseFailoverSettings(fields: FailoverSettingsFields): Parsed<FailoverSettingsValues> {
  const downAfter = parseMilliseconds(fields.downAfterMs, DOWN_AFTER_MIN_MS, DOWN_AFTER_MAX_MS, DOWN_AFTER_MESSAGE)
  if (!downAfter.ok) return downAfter
  const coolDown = parseMilliseconds(fields.cooldownMs, COOL_DOWN_MIN_MS, COOL_DOWN_MAX_MS, COOL_DOWN_MESSAGE)
  if (!coolDown.ok) return coolDown
  return { ok: true, value: { enabled: fields.enabled, downAfterMs: downAfter.value, cooldownMs: coolDown.value } }
}

/** `5 s`, `1.5 s`, `800 ms`, `2 min`: a setting as the panel summarises it. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`
  if (ms < 60_000) return `${trimZeros((ms / 1_000).toFixed(ms % 1_000 === 0 ? 0 : 1))} s`
  return `${trimZeros((ms / 60_000).toFixed(ms % 60_000 === 0 ? 0 : 1))} min`
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}
