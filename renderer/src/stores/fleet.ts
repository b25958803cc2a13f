/**
 * The fleet as main reports it: an initial `fleet.list`, then every
 * `fleet.changed` push. Actions surface failures in `error` instead of
 * throwing, so a view only has to show the message.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { NodeCreateRequest, NodeView } from '../../../shared/types'
import { useApi } from '../api'

export type NodeAction = 'start' | 'stop' | 'remove'

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const useFleetStore = defineStore('fleet', () => {
  const nodes = ref<NodeView[]>([])
  const loaded = ref(false)
  const connected = ref(false)
  /** The last failed action's message, until the next action succeeds or it is dismissed. */
  const error = ref<string | null>(null)
  /** Node ids with an action in flight, so their buttons can be disabled. */
  const busy = ref<Record<string, NodeAction>>({})
  const creating = ref(false)
  const selectedId = ref<string | null>(null)

  const selected = computed(() => nodes.value.find((n) => n.spec.id === selectedId.value) ?? null)

  let started = false

  function replace(list: NodeView[]): void {
    nodes.value = list
    loaded.value = true
    if (selectedId.value && !list.some((n) => n.spec.id === selectedId.value)) selectedId.value = null
  }

  async function refresh(): Promise<void> {
    try {
      replace(await useApi().call('fleet.list', {}))
    } catch (e) {
      error.value = `Could not load the fleet: ${messageOf(e)}`
    }
  }

  /** Subscribes to pushes and loads the list; again after every reconnect, since pushes may have been missed. */
  function start(): void {
    if (started) return
    started = true
    const api = useApi()
    api.on('fleet.changed', replace)
    api.onConnection((up) => {
      connected.value = up
      if (up) void refresh()
    })
  }

  /** Applies a node returned by an action at once, without waiting for the next push. */
  function upsert(view: NodeView): void {
    const index = nodes.value.findIndex((n) => n.spec.id === view.spec.id)
    if (index < 0) nodes.value = [...nodes.value, view]
    else nodes.value = nodes.value.map((n, i) => (i === index ? view : n))
  }

  async function create(request: NodeCreateRequest): Promise<NodeView | null> {
    creating.value = true
    try {
      const view = await useApi().call('node.create', request)
      upsert(view)
      error.value = null
      return view
    } catch (e) {
      error.value = `Could not create the node: ${messageOf(e)}`
      return null
    } finally {
      creating.value = false
    }
  }

  async function act(action: NodeAction, id: string): Promise<boolean> {
    const name = nodes.value.find((n) => n.spec.id === id)?.spec.name ?? id
    busy.value = { ...busy.value, [id]: action }
    try {
      if (action === 'remove') {
        await useApi().call('node.remove', { id })
        nodes.value = nodes.value.filter((n) => n.spec.id !== id)
        if (selectedId.value === id) selectedId.value = null
      } else {
        upsert(await useApi().call(action === 'start' ? 'node.start' : 'node.stop', { id }))
      }
      error.value = null
      return true
    } catch (e) {
      error.value = `Could not ${action} ${name}: ${messageOf(e)}`
      return false
    } finally {
      const { [id]: _done, ...rest } = busy.value
      busy.value = rest
    }
  }

  return {
    nodes,
    loaded,
    connected,
    error,
    busy,
    creating,
    selectedId,
    selected,
    start,
    refresh,
    create,
    upsert,
    startNode: (id: string) => act('start', id),
    stopNode: (id: string) => act('stop', id),
    removeNode: (id: string) => act('remove', id),
    select: (id: string | null) => (selectedId.value = id),
    dismissError: () => (error.value = null),
  }
})
