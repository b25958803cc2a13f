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

/**
 * Slicing-by-8 tables: SLICE_*[k][n] is the CRC of byte n followed by k zero
 * bytes, so eight input bytes fold in with eight lookups instead of eight
 * dependent steps (an RDB dump of a million keys spends most of its checksum
 * time here).
 */
const SLICE_HI: Uint32Array[] = [TABLE_HI]
const SLICE_LO: Uint32Array[] = [TABLE_LO]
for (let k = 1; k < 8; k++) {
  const prevHi = SLICE_HI[k - 1]
  const prevLo = SLICE_LO[k - 1]
  const hiT = new Uint32Array(256)
  const loT = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    const index = prevLo[n] & 0xff
    loT[n] = (((prevLo[n] >>> 8) | ((prevHi[n] & 0xff) << 24)) ^ TABLE_LO[index]) >>> 0
    hiT[n] = ((prevHi[n] >>> 8) ^ TABLE_HI[index]) >>> 0
  }
  SLICE_HI.push(hiT)
  SLICE_LO.push(loT)
}
const [H0, H1, H2, H3, H4, H5, H6, H7] = SLICE_HI
const [L0, L1, L2, L3, L4, L5, L6, L7] = SLICE_LO

/** A running CRC-64: feed chunks with update(), read with value()/bytesLE(). */
export class Crc64 {
  private hi = 0
  private lo = 0

  update(data: Uint8Array): this {
    let hi = this.hi
    let lo = this.lo
    let i = 0
    const end8 = data.length - (data.length % 8)
    for (; i < end8; i += 8) {
      const a = (lo ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0
      const b = (hi ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24))) >>> 0
      lo =
        (L7[a & 0xff] ^ L6[(a >>> 8) & 0xff] ^ L5[(a >>> 16) & 0xff] ^ L4[a >>> 24] ^
          L3[b & 0xff] ^ L2[(b >>> 8) & 0xff] ^ L1[(b >>> 16) & 0xff] ^ L0[b >>> 24]) >>> 0
      hi =
        (H7[a & 0xff] ^ H6[(a >>> 8) & 0xff] ^ H5[(a >>> 16) & 0xff] ^ H4[a >>> 24] ^
          H3[b & 0xff] ^ H2[(b >>> 8) & 0xff] ^ H1[(b >>> 16) & 0xff] ^ H0[b >>> 24]) >>> 0
    }
    for (; i < data.length; i++) {
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
