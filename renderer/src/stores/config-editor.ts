/**
 * The config editor's state per node: what the server reported (CONFIG GET *
 * and its file), the user's pending edits, and the last outcome. Nothing is
 * sent while an edit is invalid; Apply and Save to file go through
 * config.apply, Restart through node.restart.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useApi } from '../api'
import { applyBlocker, pendingChanges, type PendingChange } from '../components/config/config-form'
import type { NodeConfigSnapshot } from '../../../shared/types'
import { useFleetStore } from './fleet'

export interface ConfigOutcome {
  ok: boolean
  text: string
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const useConfigEditorStore = defineStore('config-editor', () => {
  const snapshots = ref<Record<string, NodeConfigSnapshot>>({})
  const edits = ref<Record<string, Record<string, string>>>({})
  const outcomes = ref<Record<string, ConfigOutcome>>({})
  const busy = ref<Record<string, boolean>>({})

  function setOutcome(id: string, outcome: ConfigOutcome | null): void {
    const next = { ...outcomes.value }
    if (outcome) next[id] = outcome
    else delete next[id]
    outcomes.value = next
  }

  async function load(id: string): Promise<void> {
    try {
      snapshots.value = { ...snapshots.value, [id]: await useApi().call('config.get', { id }) }
    } catch (e) {
      setOutcome(id, { ok: false, text: `Could not read the configuration: ${messageOf(e)}` })
    }
  }

  function edit(id: string, name: string, value: string): void {
    edits.value = { ...edits.value, [id]: { ...(edits.value[id] ?? {}), [name]: value } }
  }

  function discard(id: string, name?: string): void {
    const next = { ...(edits.value[id] ?? {}) }
    if (name === undefined) for (const key of Object.keys(next)) delete next[key]
    else delete next[name]
    edits.value = { ...edits.value, [id]: next }
  }

  function changes(id: string): PendingChange[] {
    return pendingChanges(snapshots.value[id]?.values ?? {}, edits.value[id] ?? {})
  }

  /** Apply (CONFIG SET) or Save to file; refused here, with the reason, before anything is sent. */
  async function submit(id: string, mode: 'apply' | 'save'): Promise<boolean> {
    const pending = changes(id)
    const blocker = applyBlocker(pending, mode)
    if (blocker) {
      setOutcome(id, { ok: false, text: blocker })
      return false
    }
    busy.value = { ...busy.value, [id]: true }
    try {
      const result = await useApi().call('config.apply', { id, mode, changes: Object.fromEntries(pending.map((c) => [c.name, c.to])) })
      snapshots.value = { ...snapshots.value, [id]: result.snapshot }
      discard(id)
      const parts = []
      if (result.applied.length) parts.push(`Applied ${result.applied.join(', ')}`)
      if (result.savedToFile) parts.push('saved to the config file')
      if (result.restartRequired.length) parts.push(`restart required for ${result.restartRequired.join(', ')}`)
      const text = parts.join('; ')
      setOutcome(id, { ok: true, text: `${text.charAt(0).toUpperCase()}${text.slice(1)}.` })
      return true
    } catch (e) {
      setOutcome(id, { ok: false, text: messageOf(e) })
      return false
    } finally {
      busy.value = { ...busy.value, [id]: false }
    }
  }

  async function restart(id: string): Promise<void> {
    busy.value = { ...busy.value, [id]: true }
    try {
      useFleetStore().upsert(await useApi().call('node.restart', { id }))
      await load(id)
      setOutcome(id, { ok: true, text: 'Restarted: the saved file is in effect.' })
    } catch (e) {
      setOutcome(id, { ok: false, text: `Restart failed: ${messageOf(e)}` })
    } finally {
      busy.value = { ...busy.value, [id]: false }
    }
  }

  return { snapshots, edits, outcomes, busy, load, edit, discard, changes, submit, restart, setOutcome }
})
