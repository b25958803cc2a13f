/**
 * What failover keeps across launches, in `<data>/failover.json`: the
 * timeline (last 100 records), each group's automatic-failover setting, and
 * the old masters still to be fenced (made replicas of the new master as soon
 * as they answer again).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AutoFailoverSettings, FailoverRecord } from '../../shared/types'

export const FAILOVER_FILE_NAME = 'failover.json'
const MAX_RECORDS = 100

/** An old master that must become a replica of `newMasterId` before it serves writes again. */
export interface PendingFence {
  nodeId: string
  newMasterId: string
  recordId: string
}

interface FailoverFile {
  version: 1
  records: FailoverRecord[]
  auto: AutoFailoverSettings[]
  fences: PendingFence[]
}

export class FailoverStore {
  records: FailoverRecord[] = []
  readonly auto = new Map<string, AutoFailoverSettings>()
  readonly fences = new Map<string, PendingFence>()

  constructor(private readonly dataDir: string) {
    this.load()
  }

  private get path(): string {
    return join(this.dataDir, FAILOVER_FILE_NAME)
  }

  add(record: FailoverRecord): void {
    this.records.unshift(record)
    this.records.length = Math.min(this.records.length, MAX_RECORDS)
  }

  save(): void {
    const data: FailoverFile = { version: 1, records: this.records, auto: [...this.auto.values()], fences: [...this.fences.values()] }
    const tmp = this.path + '.tmp'
    writeFileSync(tmp, JSON.stringify(data, null, 1) + '\n')
    renameSync(tmp, this.path)
  }

  private load(): void {
    if (!existsSync(this.path)) return
    let file: Partial<FailoverFile>
    try {
      file = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<FailoverFile>
    } catch {
      // A damaged timeline must not stop the app: start a new one.
      return
    }
    if (Array.isArray(file.records)) {
      // A run cut short by a quit never finished: say so instead of showing it running forever.
      this.records = file.records.filter((r) => r && typeof r.id === 'string' && Array.isArray(r.steps)).map((r) => (r.outcome === 'running' ? { ...r, outcome: 'failed', error: 'interrupted: Tandem quit during the failover' } : r))
    }
    for (const a of Array.isArray(file.auto) ? file.auto : []) if (a && typeof a.groupMasterId === 'string') this.auto.set(a.groupMasterId, a)
    for (const f of Array.isArray(file.fences) ? file.fences : []) if (f && typeof f.nodeId === 'string') this.fences.set(f.nodeId, f)
  }
}
