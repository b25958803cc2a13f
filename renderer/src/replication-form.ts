/**
 * Input checks of the replication forms, done before anything is sent so a
 * typo gets an immediate, specific message and nothing half-happens.
 */
import type { AttachExternalRequest } from '../../shared/types'

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string }

/** The control plane's limit for one group (ReplicationGroupRequest.replicas). */
export const MAX_GROUP_REPLICAS = 8

export const REPLICA_COUNT_MESSAGE = `Number of replicas must be a whole number from 1 to ${MAX_GROUP_REPLICAS}.`
export const PORT_MESSAGE = 'Port must be a whole number from 1 to 65535.'
export const HOST_MESSAGE = 'Host must be a host name or an IP address, without spaces.'
export const ADDRESS_MESSAGE = 'Enter the master as host:port, e.g. 127.0.0.1:6380.'
export const PASSWORD_MESSAGE = 'The password cannot contain line breaks.'

export function parseReplicaCount(text: string): Parsed<number> {
  const trimmed = text.trim()
  if (!/^\d{1,2}$/.test(trimmed)) return { ok: false, message: REPLICA_COUNT_MESSAGE }
  const count = Number(trimmed)
  if (count < 1 || count > MAX_GROUP_REPLICAS) return { ok: false, message: REPLICA_COUNT_MESSAGE }
  return { ok: true, value: count }
}

export function parsePort(text: string): Parsed<number> {
  const trimmed = text.trim()
  if (!/^\d{1,5}$/.test(trimmed)) return { ok: false, message: PORT_MESSAGE }
  const port = Number(trimmed)
  if (port < 1 || port > 65535) return { ok: false, message: PORT_MESSAGE }
  return { ok: true, value: port }
}

/** Host names (RFC 1123 labels), IPv4 dotted quads and bare IPv6 addresses; nothing that could smuggle a second argument. */
export function parseHost(text: string): Parsed<string> {
  const host = text.trim()
  if (host === '') return { ok: false, message: HOST_MESSAGE }
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (ipv4) {
    return ipv4.slice(1).every((part) => Number(part) <= 255) ? { ok: true, value: host } : { ok: false, message: HOST_MESSAGE }
  }
  if (host.includes(':')) return /^[0-9a-fA-F:.]+$/.test(host) ? { ok: true, value: host } : { ok: false, message: HOST_MESSAGE }
  const label = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/
  if (host.length > 253 || !host.split('.').every((part) => label.test(part))) return { ok: false, message: HOST_MESSAGE }
  return { ok: true, value: host }
}

export interface Address {
  host: string
  port: number
}

/** `host:port`, `[ipv6]:port`; the port is required (a master has no default here). */
export function parseAddress(text: string): Parsed<Address> {
  const trimmed = text.trim()
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(trimmed)
  const plain = /^([^:\s]+):(\d+)$/.exec(trimmed)
  const match = bracketed ?? plain
  if (!match) return { ok: false, message: ADDRESS_MESSAGE }
  const host = parseHost(match[1])
  if (!host.ok) return host
  const port = parsePort(match[2])
  if (!port.ok) return port
  return { ok: true, value: { host: host.value, port: port.value } }
}

export interface ExternalServerFields {
  name: string
  host: string
  port: string
  username: string
  password: string
}

export const USERNAME_MESSAGE = 'The user name cannot contain spaces.'

/** The "Attach external server" form: host and port required; name, user and password optional. */
export function parseExternalServer(fields: ExternalServerFields): Parsed<AttachExternalRequest> {
  const host = parseHost(fields.host)
  if (!host.ok) return host
  const port = parsePort(fields.port)
  if (!port.ok) return port
  const username = fields.username.trim()
  if (/\s/.test(username)) return { ok: false, message: USERNAME_MESSAGE }
  if (/[\r\n]/.test(fields.password)) return { ok: false, message: PASSWORD_MESSAGE }
  const value: AttachExternalRequest = { host: host.value, port: port.value }
  if (fields.name.trim() !== '') value.name = fields.name.trim()
  if (username !== '') value.username = username
  // A password is taken as typed: spaces can be part of it.
  if (fields.password !== '') value.password = fields.password
  return { ok: true, value }
}
