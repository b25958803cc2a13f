/** How the key browser prints a PTTL: none, gone, or the time left in the largest sensible unit. */
export function formatTtl(ttlMs: number): string {
  if (ttlMs === -1) return ''
  if (ttlMs === -2) return 'expired'
  if (ttlMs < 1000) return `${ttlMs} ms`
  const seconds = Math.round(ttlMs / 1000)
  if (seconds < 120) return `${seconds} s`
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`
  return `${Math.round(seconds / 86_400)} d`
}
