/** Constructors for the reply model and Redis's error strings, which are a stable interface. */
import type { Reply } from './reply'

export const OK: Reply = { t: 'simple', v: 'OK' }
export const PONG: Reply = { t: 'simple', v: 'PONG' }
export const QUEUED: Reply = { t: 'simple', v: 'QUEUED' }
export const NULL_BULK: Reply = { t: 'nullBulk' }
export const NULL_ARRAY: Reply = { t: 'nullArray' }
export const EMPTY_ARRAY: Reply = { t: 'array', v: [] }
export const NO_REPLY: Reply = { t: 'none' }
export const ZERO: Reply = { t: 'int', v: 0 }
export const ONE: Reply = { t: 'int', v: 1 }

export const simple = (v: string): Reply => ({ t: 'simple', v })
export const int = (v: number | bigint): Reply => ({ t: 'int', v })
export const bulk = (v: Buffer | string): Reply => ({ t: 'bulk', v })
export const array = (v: readonly Reply[]): Reply => ({ t: 'array', v })
export const bulkArray = (v: readonly (Buffer | string)[]): Reply => ({ t: 'array', v: v.map(bulk) })
export const map = (v: readonly (readonly [Reply, Reply])[]): Reply => ({ t: 'map', v })
export const set = (v: readonly Reply[]): Reply => ({ t: 'set', v })
export const bool = (v: boolean): Reply => ({ t: 'bool', v })
export const double = (v: number, text?: string): Reply => ({ t: 'double', v, text })
export const verbatim = (v: string, format = 'txt'): Reply => ({ t: 'verbatim', format, v })

/** An error reply; `message` includes its code word (`ERR …`, `WRONGTYPE …`), as on the wire after `-`. */
export const error = (message: string): Reply => ({ t: 'error', v: message })

export const ERR_SYNTAX = error('ERR syntax error')
export const ERR_NOT_INTEGER = error('ERR value is not an integer or out of range')
export const ERR_NOT_FLOAT = error('ERR value is not a valid float')
export const ERR_OVERFLOW = error('ERR increment or decrement would overflow')
export const ERR_WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value')
export const ERR_NO_SUCH_KEY = error('ERR no such key')
export const ERR_DB_INDEX = error('ERR DB index is out of range')
export const ERR_NOAUTH = error('NOAUTH Authentication required.')

export const errWrongArity = (command: string): Reply =>
  error(`ERR wrong number of arguments for '${command}' command`)

export const errUnknownSubcommand = (sub: string, command: string): Reply =>
  error(`ERR unknown subcommand '${sub}'. Try ${command.toUpperCase()} HELP.`)
