/** Redis's intset (intset.c): sorted integers of one width, the encoding of small all-integer sets. */
import { RdbFormatError } from './rdb-format'

/** The members as decimal text, validated as intsetValidateIntegrity does (width, size, strictly ascending). */
export function decodeIntset(blob: Buffer): Buffer[] {
  if (blob.length < 8) throw new RdbFormatError('intset too short')
  const width = blob.readUInt32LE(0)
  const count = blob.readUInt32LE(4)
  if (width !== 2 && width !== 4 && width !== 8) throw new RdbFormatError('bad intset encoding')
  if (8 + count * width !== blob.length || count === 0) throw new RdbFormatError('intset size mismatch')
  const out: Buffer[] = []
  let previous: bigint | undefined
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width
    const v =
      width === 2 ? BigInt(blob.readInt16LE(at)) : width === 4 ? BigInt(blob.readInt32LE(at)) : blob.readBigInt64LE(at)
    if (previous !== undefined && v <= previous) throw new RdbFormatError('intset not sorted')
    previous = v
    out.push(Buffer.from(String(v)))
  }
  return out
}

/** An intset blob of the smallest width that holds every value. */
export function encodeIntset(values: readonly bigint[]): Buffer {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const fits = (lo: bigint, hi: bigint) => sorted.every((v) => v >= lo && v <= hi)
  const width = fits(-32768n, 32767n) ? 2 : fits(-2147483648n, 2147483647n) ? 4 : 8
  const out = Buffer.alloc(8 + sorted.length * width)
  out.writeUInt32LE(width, 0)
  out.writeUInt32LE(sorted.length, 4)
  sorted.forEach((v, i) => {
    const at = 8 + i * width
    if (width === 2) out.writeInt16LE(Number(v), at)
    else if (width === 4) out.writeInt32LE(Number(v), at)
    else out.writeBigInt64LE(v, at)
  })
  return out
}
