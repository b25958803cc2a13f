/**
 * The dashboard's data: metrics histories refreshed once a second while a
 * dashboard is open (the monitor already polls every node; this only fetches
 * what it recorded), and each node's SLOWLOG and CLIENT LIST on demand.
 * Failures surface in `error`, never as thrown exceptions.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ClientEntry, MetricsSample, SlowlogEntry } from '../../../shared/types'
import { useApi } from '../api'

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

export const DASHBOARD_REFRESH_MS = 1000

export const useDashboardStore = defineStore('dashboard', () => {
  const histories = ref<Record<string, MetricsSample[]>>({})
  const slowlogs = ref<Record<string, SlowlogEntry[]>>({})
  const clients = ref<Record<string, ClientEntry[]>>({})
  /** The last failure, until the next success or dismissal. */
  const error = ref<string | null>(null)
  const loading = ref<Record<string, boolean>>({})

  let watchedIds: string[] = []
  let timer: ReturnType<typeof setInterval> | null = null

  async function refreshHistories(): Promise<void> {
    if (watchedIds.length === 0) return
    try {
      const list = await useApi().call('metrics.history', { ids: watchedIds })
      const next = { ...histories.value }
      for (const h of list) next[h.id] = h.samples
      histories.value = next
    } catch (e) {
      error.value = `Could not load metrics: ${messageOf(e)}`
    }
  }

  /** Follow these nodes' metrics (replacing any previous set); stop() ends it. */
  function follow(ids: readonly string[]): void {
    watchedIds = [...ids]
    void refreshHistories()
    if (!timer) timer = setInterval(() => void refreshHistories(), DASHBOARD_REFRESH_MS)
  }

  function stop(): void {
    if (timer) clearInterval(timer)
    timer = null
    watchedIds = []
  }

  async function run<T>(key: string, job: () => Promise<T>, what: string): Promise<T | undefined> {
    loading.value = { ...loading.value, [key]: true }
    try {
      const result = await job()
      error.value = null
      return result
    } catch (e) {
      error.value = `${what}: ${messageOf(e)}`
      return undefined
    } finally {
      const { [key]: _done, ...rest } = loading.value
      loading.value = rest
    }
  }

  async function loadSlowlog(id: string, count = 128): Promise<void> {
    const entries = await run(`slowlog:${id}`, () => useApi().call('slowlog.get', { id, count }), 'Could not read the slow log')
    if (entries) slowlogs.value = { ...slowlogs.value, [id]: entries }
  }

  async function resetSlowlog(id: string): Promise<void> {
    const done = await run(`slowlog:${id}`, () => useApi().call('slowlog.reset', { id }), 'Could not reset the slow log')
    if (done) await loadSlowlog(id)
  }

  async function loadClients(id: string): Promise<void> {
    const list = await run(`clients:${id}`, () => useApi().call('clients.list', { id }), 'Could not list clients')
    if (list) clients.value = { ...clients.value, [id]: list }
  }

  async function killClient(id: string, clientId: string): Promise<void> {
    const done = await run(`clients:${id}`, () => useApi().call('clients.kill', { id, clientId }), 'Could not kill the client')
    if (done) await loadClients(id)
  }

  function dismissError(): void {
    error.value = null
  }

  return { histories, slowlogs, clients, error, loading, follow, stop, loadSlowlog, resetSlowlog, loadClients, killClient, dismissError }
})
