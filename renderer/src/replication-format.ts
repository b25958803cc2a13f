/** How replication figures read in the page: sizes, rates, lags, sync phases. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB']

/** `0 B`, `812 B`, `1.5 KB`, `23.4 MB` (1024-based, like Redis's human fields). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`
}

export function formatRate(bytesPerSec: number): string {
  return Number.isFinite(bytesPerSec) && bytesPerSec >= 0 ? `${formatBytes(bytesPerSec)}/s` : '–'
}

export function formatOffset(offset: number): string {
  return Number.isFinite(offset) ? offset.toLocaleString('en-US') : '–'
}

/** Percentage done, 0–100, whole numbers; unknown total (diskless EOF transfer) → null. */
export function percentDone(done: number, total: number): number | null {
  if (!(total > 0)) return null
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)))
}
