/**
 * Redis's CRC-64 (src/crc64.c, "Jones" polynomial 0xad93d23594c935a9),
 * reflected in and out, started at 0 and not inverted: the checksum behind
 * DUMP payloads and RDB files. Check value: crc64(0, "123456789") =
 * 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two unsigned 32-bit halves so the loop stays in
 * plain number arithmetic (BigInt per byte would be far too slow for an RDB).
 */

/** The reflected polynomial, split into halves. */
const POLY_HI = 0x95ac9329
const POLY_LO = 0xac4bc9b5

const TABLE_HI = new Uint32Array(256)
const TABLE_LO = new Uint32Array(256)

for (let n = 0; n < 256; n++) {
  let hi = 0
  let lo = n
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0
    hi = hi >>> 1
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0
      lo = (lo ^ POLY_LO) >>> 0
    }
  }
  TABLE_HI[n] = hi
  TABLE_LO[n] = lo
}

/** A running CRC-64: feed chunks with update(), read with value()/bytesLE(). */
export class Crc64 {
  private hi = 0
  private lo = 0

  update(data: Uint8Array): this {
    let hi = this.hi
    let lo = this.lo
    for (let i = 0; i < data.length; i++) {
      const index = (lo ^ data[i]) & 0xff
      // crc = table[index] ^ (crc >> 8)
      lo = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ TABLE_LO[index]) >>> 0
      hi = ((hi >>> 8) ^ TABLE_HI[index]) >>> 0
    }
    this.hi = hi
    this.lo = lo
    return this
  }

  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo)
  }

  /** The 8 little-endian bytes Redis stores after a payload or an RDB's EOF byte. */
  bytesLE(): Buffer {
    const out = Buffer.alloc(8)
    out.writeUInt32LE(this.lo, 0)
    out.writeUInt32LE(this.hi, 4)
    return out
  }
}

export function crc64(data: Uint8Array): bigint {
  return new Crc64().update(data).value()
}
