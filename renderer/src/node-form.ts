/**
 * The create-node form's input checks, done before anything is sent so a
 * typo gets an immediate, specific message.
 */
import type { NodeCreateRequest } from '../../shared/types'

export type FormResult = { ok: true; request: NodeCreateRequest } | { ok: false; message: string }

export const PORT_MESSAGE = 'Port must be a whole number from 1 to 65535 (or empty to pick a free one).'

/** Empty port = let main choose; anything else must be a plain decimal 1-65535. */
export function parseCreateForm(name: string, port: string): FormResult {
  const request: NodeCreateRequest = {}
  const trimmedName = name.trim()
  if (trimmedName !== '') request.name = trimmedName
  const trimmedPort = port.trim()
  if (trimmedPort !== '') {
    if (!/^\d{1,5}$/.test(trimmedPort)) return { ok: false, message: PORT_MESSAGE }
    const value = Number(trimmedPort)
    if (value < 1 || value > 65535) return { ok: false, message: PORT_MESSAGE }
    request.port = value
  }
  return { ok: true, request }
}
