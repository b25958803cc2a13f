/** How the failover timeline writes its times: wall clock to the millisecond, and time since the run began. */

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0')
}

/** `14:03:07.042` in this machine's local time: a failover's steps are often milliseconds apart. */
export function formatClock(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/** `2024-05-01 14:03:07`: when a past run started, in local time. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** `+0 ms`, `+850 ms`, `+1.25 s`, `+1 min 5 s`: how long after the run's start a step happened. */
export function formatElapsed(ms: number, startMs: number): string {
  const elapsed = Math.max(0, Math.round(ms - startMs))
  if (elapsed < 1_000) return `+${elapsed} ms`
  if (elapsed < 60_000) return `+${(elapsed / 1_000).toFixed(2).replace(/\.?0+$/, '')} s`
  const minutes = Math.floor(elapsed / 60_000)
  const seconds = Math.floor((elapsed % 60_000) / 1_000)
  return `+${minutes} min ${seconds} s`
}
