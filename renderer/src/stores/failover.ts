/**
 * Failover as the page drives it: the confirmation dialog (plan first, then
 * the run's steps as they are pushed), the timeline of past runs, each
 * group's automatic-failover setting, and the crash-case node actions (kill,
 * restart).
 *
 * The timeline is main's record (`failover.timeline`, reloaded after every
 * reconnect since pushes may have been missed) kept current by
 * `failover.progress` pushes, which carry the whole record each time.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { AutoFailoverSettings, FailoverPlan, FailoverRecord, NodeView } from '../../../shared/types'
import { useApi } from '../api'
import { upsertRecord } from '../failover-timeline'
import type { FailoverSettingsValues } from '../failover-form'
import { useFleetStore } from './fleet'

export type CrashAction = 'kill' | 'restart'

/** What the failover dialog shows: the plan to confirm, then the run it started. */
export interface FailoverDialog {
  plan: FailoverPlan
  phase: 'confirm' | 'running' | 'finished'
  /** The run's record id, once known (from a push or the call's answer). */
  recordId: string | null
  /** Record ids that existed when Confirm was pressed: the run's first push is the new one. */
  knownIds: string[]
  /** The run call itself failed (transport, refusal): the message. */
  error: string | null
}

export interface ActionOutcome {
  ok: boolean
  text: string
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const useFailoverStore = defineStore('failover', () => {
  const records = ref<FailoverRecord[]>([])
  const dialog = ref<FailoverDialog | null>(null)
  /** Group master id whose plan is being fetched (its button shows it). */
  const planning = ref<string | null>(null)
  /** Group master id → why the last plan could not be made. */
  const planErrors = ref<Record<string, string>>({})
  /** Group master id → its automatic-failover setting as main last said. */
  const auto = ref<Record<string, AutoFailoverSettings>>({})
  const savingAuto = ref<Record<string, true>>({})
  /** Group master id → the refusal of the last save. */
  const autoErrors = ref<Record<string, string>>({})
  /** Node id → the kill/restart in flight, and the last one's outcome. */
  const nodeBusy = ref<Record<string, CrashAction>>({})
  const nodeOutcomes = ref<Record<string, ActionOutcome>>({})

  /** The record the open dialog follows: pinned by id, or the first new record about its master since Confirm. */
  const dialogRecord = computed<FailoverRecord | null>(() => {
    const d = dialog.value
    if (!d || d.phase === 'confirm') return null
    if (d.recordId) return records.value.find((r) => r.id === d.recordId) ?? null
    return records.value.find((r) => r.oldMasterId === d.plan.groupMasterId && !d.knownIds.includes(r.id)) ?? null
  })

  function apply(record: FailoverRecord): void {
    records.value = upsertRecord(records.value, record)
    const d = dialog.value
    if (d && d.phase === 'running' && d.recordId === null && record.oldMasterId === d.plan.groupMasterId && !d.knownIds.includes(record.id)) {
      dialog.value = { ...d, recordId: record.id }
    }
  }

  async function loadTimeline(): Promise<void> {
    try {
      let next: FailoverRecord[] = []
      for (const record of await useApi().call('failover.timeline', {})) next = upsertRecord(next, record)
      // A push that arrived while the list was on its way may be further along than the list's copy.
      for (const record of records.value) {
        const loaded = next.find((r) => r.id === record.id)
        if (!loaded || (loaded.outcome === 'running' && record.steps.length > loaded.steps.length)) next = upsertRecord(next, record)
      }
      records.value = next
    } catch {
      // The timeline fills from pushes anyway; the next reconnect tries again.
    }
  }

  let started = false
  function start(): void {
    if (started) return
    started = true
    const api = useApi()
    api.on('failover.progress', apply)
    api.onConnection((up) => {
      if (up) void loadTimeline()
    })
    // A role change is what a failover leaves behind: read main's record again
    // then, so a run whose pushes this page missed (or an automatic one that
    // started while nothing was open) still reaches the timeline.
    const fleet = useFleetStore()
    watch(
      () => fleet.nodes.map((n) => `${n.spec.id}:${n.status.role}`).join(','),
      () => void loadTimeline(),
    )
  }

  /** Opens the confirmation with a fresh plan (the choice is made on the nodes as they are now). */
  async function ask(groupMasterId: string): Promise<FailoverPlan | null> {
    if (planning.value) return null
    planning.value = groupMasterId
    try {
      const plan = await useApi().call('failover.plan', { groupMasterId })
      auto.value = { ...auto.value, [groupMasterId]: plan.auto }
      const { [groupMasterId]: _cleared, ...rest } = planErrors.value
      planErrors.value = rest
      dialog.value = { plan, phase: 'confirm', recordId: null, knownIds: [], error: null }
      return plan
    } catch (e) {
      planErrors.value = { ...planErrors.value, [groupMasterId]: `Could not plan the failover: ${messageOf(e)}` }
      return null
    } finally {
      planning.value = null
    }
  }

  async function confirm(): Promise<FailoverRecord | null> {
    const d = dialog.value
    if (!d || d.phase !== 'confirm' || d.plan.chosenId === undefined) return null
    const request = { groupMasterId: d.plan.groupMasterId, candidateId: d.plan.chosenId }
    dialog.value = { ...d, phase: 'running', knownIds: records.value.map((r) => r.id) }
    try {
      const record = await useApi().call('failover.run', request)
      apply(record)
      if (dialog.value?.plan === d.plan) dialog.value = { ...dialog.value, phase: 'finished', recordId: record.id }
      return record
    } catch (e) {
      if (dialog.value?.plan === d.plan) dialog.value = { ...dialog.value, phase: 'finished', error: messageOf(e) }
      return null
    }
  }

  /** Cancel before confirming; Close once finished. A running failover goes on (its steps stay in the timeline). */
  function close(): void {
    dialog.value = null
  }

  async function loadAuto(groupMasterId: string): Promise<void> {
    try {
      const settings = await useApi().call('failover.getAuto', { groupMasterId })
      auto.value = { ...auto.value, [groupMasterId]: settings }
    } catch {
      // Shown as "unknown" until the next try; a save still works.
    }
  }

  async function saveAuto(groupMasterId: string, values: FailoverSettingsValues): Promise<boolean> {
    savingAuto.value = { ...savingAuto.value, [groupMasterId]: true }
    try {
      const settings = await useApi().call('failover.setAuto', { groupMasterId, ...values })
      auto.value = { ...auto.value, [groupMasterId]: settings }
      const { [groupMasterId]: _cleared, ...rest } = autoErrors.value
      autoErrors.value = rest
      return true
    } catch (e) {
      autoErrors.value = { ...autoErrors.value, [groupMasterId]: `Could not save: ${messageOf(e)}` }
      return false
    } finally {
      const { [groupMasterId]: _done, ...rest } = savingAuto.value
      savingAuto.value = rest
    }
  }

  async function crashAction(id: string, action: CrashAction): Promise<NodeView | null> {
    if (nodeBusy.value[id]) return null
    nodeBusy.value = { ...nodeBusy.value, [id]: action }
    try {
      const view = await useApi().call(action === 'kill' ? 'node.kill' : 'node.restart', { id })
      useFleetStore().upsert(view)
      const text = action === 'kill' ? `${view.spec.name} was killed (SIGKILL).` : `${view.spec.name} restarted.`
      nodeOutcomes.value = { ...nodeOutcomes.value, [id]: { ok: true, text } }
      return view
    } catch (e) {
      const name = useFleetStore().nodes.find((n) => n.spec.id === id)?.spec.name ?? id
      const text = `Could not ${action} ${name}: ${messageOf(e)}`
      nodeOutcomes.value = { ...nodeOutcomes.value, [id]: { ok: false, text } }
      // The node table has no room for a message per row: the fleet's banner says it.
      useFleetStore().error = text
      return null
    } finally {
      const { [id]: _done, ...rest } = nodeBusy.value
      nodeBusy.value = rest
    }
  }

  return {
    records,
    dialog,
    dialogRecord,
    planning,
    planErrors,
    auto,
    savingAuto,
    autoErrors,
    nodeBusy,
    nodeOutcomes,
    start,
    apply,
    loadTimeline,
    ask,
    confirm,
    close,
    loadAuto,
    saveAuto,
    kill: (id: string) => crashAction(id, 'kill'),
    restart: (id: string) => crashAction(id, 'restart'),
    dismissAutoError: (groupMasterId: string) => {
      const { [groupMasterId]: _gone, ...rest } = autoErrors.value
      autoErrors.value = rest
    },
  }
})
