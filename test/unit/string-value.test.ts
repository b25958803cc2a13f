import { describe, expect, it } from 'vitest'
import { STRING_TEXT_MAX, extendString, stringValue, stringValueOfText } from '../../main/server/store/values'

const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i))

describe('StringValue storage', () => {
  it('keeps every byte value exactly, short and long', () => {
    for (const bytes of [Buffer.alloc(0), everyByte, Buffer.concat(Array(300).fill(everyByte))]) {
      const v = stringValue(bytes)
      expect(v.length).toBe(bytes.length)
      expect(v.value.equals(bytes)).toBe(true)
      expect(v.text).toBe(bytes.toString('latin1'))
    }
  })

  it('copies only the requested range and owns it: later writes to the source do not show', () => {
    const source = Buffer.from('xxhello worldxx')
    const v = stringValue(source, 2, 13)
    source.fill(0x41)
    expect(v.value.toString()).toBe('hello world')
  })

  it('never keeps a view of a shared allocation pool (a small pooled Buffer pins a whole 8 KiB slab)', () => {
    const pooled = Buffer.from('a'.repeat(100))
    expect(pooled.buffer.byteLength).toBeGreaterThan(100) // the premise: Node pools small Buffers
    expect(stringValue(pooled).heldBuffer).toBeUndefined()
    const big = Buffer.alloc(STRING_TEXT_MAX + 1, 0x62)
    const held = stringValue(big).heldBuffer
    expect(held?.buffer.byteLength).toBe(STRING_TEXT_MAX + 1)
    expect(held?.buffer).not.toBe(big.buffer)
  })

  it('hands out a fresh copy of text-held bytes, so a caller cannot change the stored value', () => {
    const v = stringValueOfText('abc')
    v.value.fill(0x7a)
    expect(v.text).toBe('abc')
  })

  it('extends text-held and buffer-held values alike (APPEND, SETRANGE past the end)', () => {
    const grown = extendString(stringValue(Buffer.from([0xff, 0x00])), 4, Buffer.from([0x80]))
    expect([...grown.value]).toEqual([0xff, 0x00, 0x00, 0x00, 0x80])
    const again = extendString(grown, grown.length, Buffer.from('!'))
    expect(again.value.toString('latin1')).toBe('\xff\x00\x00\x00\x80!')
    expect([...grown.value]).toEqual([0xff, 0x00, 0x00, 0x00, 0x80])
  })
})
