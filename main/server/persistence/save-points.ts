/**
 * `save <seconds> <changes>` points and the cron that honours them (the
 * saveparams part of serverCron): every 100 ms, when no background job runs,
 * a scheduled BGSAVE starts, else the first due point starts one. `save ""`
 * disables them; CONFIG SET save takes effect at the next tick since the
 * directive is read afresh each time.
 *
 *   const stop = startSaveCron(server)   // at server start; stop() at close
 */
import type { ServerContext } from '../context'
import { bgsaveService } from './bgsave'

export interface SavePoint {
  readonly seconds: number
  readonly changes: number
}

/** `save "3600 1 300 100"` as pairs; empty for `save ""`. */
export function savePoints(text: string): SavePoint[] {
  const words = text.split(/\s+/).filter((w) => w !== '')
  const points: SavePoint[] = []
  for (let i = 0; i + 1 < words.length; i += 2) {
    const seconds = Number(words[i])
    const changes = Number(words[i + 1])
    if (Number.isFinite(seconds) && Number.isFinite(changes)) points.push({ seconds, changes })
  }
  return points
}

/** serverCron runs the save checks at 10 Hz regardless of `hz`'s other work. */
const CRON_MS = 100

export function startSaveCron(server: ServerContext): () => void {
  const service = bgsaveService(server)
  const timer = setInterval(() => service.cron(), CRON_MS)
  timer.unref()
  return () => {
    clearInterval(timer)
    service.cancel()
  }
}
