/**
 * Replication actions (new group, add replica, replicate from, detach,
 * attach external) and each replica's recent lag for the chart.
 *
 * The lag history starts from main's own record (`replication.history`, so a
 * freshly opened page has the last minutes at once) and then grows from every
 * status push, one sample per poll; it is trimmed to the chart's window.
 */
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type {
  AddReplicaRequest,
  AttachExternalRequest,
  LagHistory,
  LagSample,
  NodeView,
  ReplicationGroup,
  ReplicationGroupRequest,
  ReplicaOfRequest,
} from '../../../shared/types'
import { useApi } from '../api'
import { LAG_WINDOW_MS } from '../lag-chart'
import { useFleetStore } from './fleet'

export type ReplicationAction = 'addReplica' | 'replicaOf' | 'detach'

/** What the last action said, success or refusal, kept until the next one. */
export interface ReplicationOutcome {
  ok: boolean
  text: string
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** The sample one status push gives for a replica, or null for a node that is not a replica right now. */
export function sampleOf(view: NodeView): LagSample | null {
  const link = view.status.replication?.link
  if (!view.status.live || view.status.role !== 'replica' || !link) return null
  return {
    at: view.status.updatedAt,
    lagBytes: link.lagBytes ?? null,
    lagSeconds: link.lagSeconds ?? null,
    linkUp: link.linkStatus === 'up',
  }
}

export const useReplicationStore = defineStore('replication', () => {
  /** Node id → lag samples, oldest first. */
  const history = ref<Record<string, LagSample[]>>({})
  /** Node id → the action running on it. */
  const busy = ref<Record<string, ReplicationAction>>({})
  /** Node id → the last action's outcome on it. */
  const outcomes = ref<Record<string, ReplicationOutcome>>({})
  const creatingGroup = ref(false)
  const attaching = ref(false)
  /** Refusal of the last group creation / attach, shown by its form. */
  const groupError = ref<string | null>(null)
  const attachError = ref<string | null>(null)

  function trim(samples: LagSample[], nowMs: number): LagSample[] {
    const since = nowMs - LAG_WINDOW_MS
    const first = samples.findIndex((s) => s.at >= since)
    if (first < 0) return []
    return first === 0 ? samples : samples.slice(first)
  }

  /** Appends one sample per replica from a status push; a poll already recorded (same time) is not repeated. */
  function record(nodes: readonly NodeView[], nowMs = Date.now()): void {
    const next: Record<string, LagSample[]> = {}
    for (const view of nodes) {
      const samples = history.value[view.spec.id] ?? []
      const sample = sampleOf(view)
      const last = samples[samples.length - 1]
      const grown = sample && (!last || sample.at > last.at) ? [...samples, sample] : samples
      const kept = trim(grown, nowMs)
      if (kept.length > 0) next[view.spec.id] = kept
    }
    history.value = next
  }

  function merge(loaded: readonly LagHistory[], nowMs = Date.now()): void {
    const next = { ...history.value }
    for (const h of loaded) {
      const known = next[h.nodeId] ?? []
      const firstKnown = known[0]?.at ?? Infinity
      // Main's record covers what happened before this page started listening.
      next[h.nodeId] = trim([...h.samples.filter((s) => s.at < firstKnown), ...known], nowMs)
    }
    history.value = next
  }

  let started = false
  /** Follows the fleet's pushes; loads main's history once the fleet is known. */
  function start(): void {
    if (started) return
    started = true
    const fleet = useFleetStore()
    // Every push replaces the list, so watching the array itself sees each poll once.
    watch(
      () => fleet.nodes,
      (nodes) => record(nodes),
    )
    useApi()
      .call('replication.history', {})
      .then((loaded) => merge(loaded))
      .catch(() => {
        // The chart fills from the pushes anyway; an old main without history is not an error worth a banner.
      })
  }

  async function createGroup(request: ReplicationGroupRequest): Promise<ReplicationGroup | null> {
    creatingGroup.value = true
    try {
      const group = await useApi().call('replication.createGroup', request)
      const fleet = useFleetStore()
      for (const view of [group.master, ...group.replicas]) fleet.upsert(view)
      groupError.value = null
      return group
    } catch (e) {
      groupError.value = `Could not create the group: ${messageOf(e)}`
      return null
    } finally {
      creatingGroup.value = false
    }
  }

  async function attachExternal(request: AttachExternalRequest): Promise<NodeView | null> {
    attaching.value = true
    try {
      const view = await useApi().call('node.attachExternal', request)
      useFleetStore().upsert(view)
      attachError.value = null
      return view
    } catch (e) {
      attachError.value = `Could not attach ${request.host}:${request.port}: ${messageOf(e)}`
      return null
    } finally {
      attaching.value = false
    }
  }

  /** Runs one per-node action; its outcome is kept on the node it concerns. */
  async function act(id: string, action: ReplicationAction, run: () => Promise<NodeView>, done: (view: NodeView) => string): Promise<NodeView | null> {
    if (busy.value[id]) return null
    busy.value = { ...busy.value, [id]: action }
    try {
      const view = await run()
      useFleetStore().upsert(view)
      outcomes.value = { ...outcomes.value, [id]: { ok: true, text: done(view) } }
      return view
    } catch (e) {
      outcomes.value = { ...outcomes.value, [id]: { ok: false, text: messageOf(e) } }
      return null
    } finally {
      const { [id]: _done, ...rest } = busy.value
      busy.value = rest
    }
  }

  function addReplica(request: AddReplicaRequest): Promise<NodeView | null> {
    return act(
      request.masterId,
      'addReplica',
      () => useApi().call('replication.addReplica', request),
      (view) => `Replica ${view.spec.name} added on port ${view.spec.port}.`,
    )
  }

  function replicaOf(request: ReplicaOfRequest): Promise<NodeView | null> {
    const chosen = request.masterId === undefined ? undefined : useFleetStore().nodes.find((n) => n.spec.id === request.masterId)
    const master = chosen ? chosen.spec.name : `${request.host ?? '?'}:${request.port ?? '?'}`
    return act(
      request.id,
      'replicaOf',
      () => useApi().call('replication.replicaOf', request),
      (view) => `${view.spec.name} now replicates from ${master}.`,
    )
  }

  function detach(id: string): Promise<NodeView | null> {
    return act(
      id,
      'detach',
      () => useApi().call('replication.detach', { id }),
      (view) => `${view.spec.name} is a master now (REPLICAOF NO ONE); its data was kept.`,
    )
  }

  function forget(id: string): void {
    const { [id]: _gone, ...rest } = outcomes.value
    outcomes.value = rest
  }

  return {
    history,
    busy,
    outcomes,
    creatingGroup,
    attaching,
    groupError,
    attachError,
    start,
    record,
    merge,
    createGroup,
    attachExternal,
    addReplica,
    replicaOf,
    detach,
    forget,
    dismissGroupError: () => (groupError.value = null),
    dismissAttachError: () => (attachError.value = null),
  }
})
