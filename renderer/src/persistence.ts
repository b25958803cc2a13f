/**
 * How a node's persistence state reads in the page: one short line such as
 * `saved 12 s ago · 340 changes · AOF on · rewriting…`. Pure functions of the
 * status and the current time, so the "ago" can tick without a new poll.
 */
import type { PersistenceStatus } from '../../shared/types'

/** `just now`, `12 s ago`, `3 min ago`, `2 h ago`, `4 d ago`; a future time (clock skew) reads as just now. */
export function formatAge(thenMs: number, nowMs: number): string {
  const seconds = Math.floor((nowMs - thenMs) / 1000)
  if (seconds < 1) return 'just now'
  if (seconds < 60) return `${seconds} s ago`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ago`
  return `${Math.floor(hours / 24)} d ago`
}

export function changesText(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'change' : 'changes'}`
}

/** When the data was last saved, for a field labelled "Last save": `12 s ago`, `saving…`. */
export function lastSaveText(p: PersistenceStatus, nowMs: number): string {
  if (p.loading) return 'loading data…'
  if (p.bgsaveInProgress) return 'saving…'
  const age = formatAge(p.lastSaveAt, nowMs)
  return p.lastBgsaveStatus === 'err' ? `${age} · last save failed` : age
}

/** State of the last/current background save, as a phrase. */
export function saveText(p: PersistenceStatus, nowMs: number): string {
  if (p.loading) return 'loading data…'
  if (p.bgsaveInProgress) return 'saving…'
  const saved = `saved ${formatAge(p.lastSaveAt, nowMs)}`
  return p.lastBgsaveStatus === 'err' ? `${saved} · last save failed` : saved
}

/** State of the AOF and its rewrite, as a phrase. */
export function aofText(p: PersistenceStatus): string {
  const parts = [p.aofEnabled ? 'AOF on' : 'AOF off']
  if (p.aofRewriteInProgress) parts.push('rewriting…')
  else if (p.aofRewriteScheduled) parts.push('rewrite scheduled')
  else if (p.lastAofRewriteStatus === 'err') parts.push('last rewrite failed')
  if (p.aofEnabled && p.lastAofWriteStatus === 'err') parts.push('AOF write failing')
  return parts.join(' · ')
}

export function persistenceSummary(p: PersistenceStatus, nowMs: number): string {
  return [saveText(p, nowMs), changesText(p.changesSinceLastSave), aofText(p)].join(' · ')
}

/** Whether anything in the state deserves the warning colour. */
export function persistenceFailing(p: PersistenceStatus): boolean {
  return p.lastBgsaveStatus === 'err' || p.lastAofRewriteStatus === 'err' || (p.aofEnabled && p.lastAofWriteStatus === 'err')
}
