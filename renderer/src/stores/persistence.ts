/**
 * Save (BGSAVE) and Rewrite AOF (BGREWRITEAOF) per node: which action is in
 * flight, and the last outcome — the server's own words, success or error —
 * kept per node until the next action on it, so a refusal stays visible.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useApi } from '../api'
import { useFleetStore } from './fleet'

export type PersistenceAction = 'save' | 'rewriteAof'

export interface PersistenceOutcome {
  action: PersistenceAction
  ok: boolean
  text: string
  at: number
}

const LABELS: Record<PersistenceAction, string> = { save: 'Save', rewriteAof: 'Rewrite AOF' }

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const usePersistenceStore = defineStore('persistence', () => {
  const busy = ref<Record<string, PersistenceAction>>({})
  const outcomes = ref<Record<string, PersistenceOutcome>>({})

  async function run(action: PersistenceAction, id: string): Promise<boolean> {
    if (busy.value[id]) return false
    busy.value = { ...busy.value, [id]: action }
    try {
      const result = await useApi().call(action === 'save' ? 'node.save' : 'node.rewriteAof', { id })
      useFleetStore().upsert(result.node)
      outcomes.value = { ...outcomes.value, [id]: { action, ok: true, text: result.message, at: Date.now() } }
      return true
    } catch (e) {
      outcomes.value = { ...outcomes.value, [id]: { action, ok: false, text: `${LABELS[action]} failed: ${messageOf(e)}`, at: Date.now() } }
      return false
    } finally {
      const { [id]: _done, ...rest } = busy.value
      busy.value = rest
    }
  }

  return {
    busy,
    outcomes,
    save: (id: string) => run('save', id),
    rewriteAof: (id: string) => run('rewriteAof', id),
    forget(id: string) {
      const { [id]: _gone, ...rest } = outcomes.value
      outcomes.value = rest
    },
  }
})
