/**
 * Console output as rows for the virtual list. A reply of 100,000 lines is
 * cut into rows of at most ROW_LINES lines, so the list renders a few dozen
 * small rows instead of one element the height of the whole reply, while a
 * short reply stays one row (one element per reply, easy to select and copy).
 */
export const ROW_LINES = 50

/** Splits printed text into pieces of at most `rowLines` lines each. */
export function chunkLines(text: string, rowLines = ROW_LINES): string[] {
  const lines = text.split('\n')
  if (lines.length <= rowLines) return [text]
  const out: string[] = []
  for (let i = 0; i < lines.length; i += rowLines) out.push(lines.slice(i, i + rowLines).join('\n'))
  return out
}

/** Drops the oldest entries beyond `max` (in place); returns how many went. */
export function capRows<T>(rows: T[], max: number): number {
  const extra = rows.length - max
  if (extra <= 0) return 0
  rows.splice(0, extra)
  return extra
}
