/**
 * DUMP/RESTORE payloads (cluster.c createDumpPayload / verifyDumpPayload):
 * `<type byte><value as in RDB><RDB version, 2 bytes LE><CRC64 of all before, 8 bytes LE>`.
 */
import { Crc64 } from './crc64'
import { RDB_TYPE, RDB_VERSION, RdbFormatError, RdbReader, RdbWriter } from './rdb-format'
import { readValue, writeValue, type EncodingLimits, type PortableValue } from './rdb-value'

export function createDumpPayload(value: PortableValue, limits?: EncodingLimits): Buffer {
  const w = new RdbWriter(true)
  writeValue(value, w, limits)
  w.raw(Buffer.from([RDB_VERSION & 0xff, (RDB_VERSION >> 8) & 0xff]))
  const body = w.toBuffer()
  return Buffer.concat([body, new Crc64().update(body).bytesLE()])
}

/** verifyDumpPayload: a footer is present, the version is one we load and the checksum matches. */
export function verifyDumpPayload(payload: Buffer): boolean {
  if (payload.length < 10) return false
  const footer = payload.length - 10
  const version = payload[footer] | (payload[footer + 1] << 8)
  if (version > RDB_VERSION) return false
  const crc = new Crc64().update(payload.subarray(0, payload.length - 8)).bytesLE()
  return crc.equals(payload.subarray(payload.length - 8))
}

/** The value inside a verified payload; null when it does not parse ("Bad data format"). */
export function parseDumpPayload(payload: Buffer): PortableValue | null {
  const r = new RdbReader(payload.subarray(0, payload.length - 10))
  try {
    const type = r.byte()
    // RESTORE is Redis 7.0's: types newer than 7.0 knows (7.2's listpack set) are bad data there.
    if (type > RDB_TYPE.STREAM_LISTPACKS_2) return null
    return readValue(type, r)
  } catch (e) {
    if (e instanceof RdbFormatError) return null
    throw e
  }
}
