/// <reference lib="dom" />
/**
 * Where the user is in the app: the fleet-level view, the selected node's
 * tab, whether the console is docked under the other tabs, and the shortcut
 * list. Kept in a store so shortcuts and buttons move the same state.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { NODE_TABS, type NodeTabId } from '../components/shell/node-tabs'

export type AppView = 'fleet' | 'topology' | 'failover'

export const APP_VIEWS: readonly { id: AppView; label: string }[] = [
  { id: 'fleet', label: 'Nodes' },
  { id: 'topology', label: 'Topology' },
  { id: 'failover', label: 'Failover' },
]

const DOCK_KEY = 'tandem.consoleDocked'

function readDocked(): boolean {
  try {
    return localStorage.getItem(DOCK_KEY) !== 'false'
  } catch {
    return true
  }
}

export const useShellStore = defineStore('shell', () => {
  const view = ref<AppView>('fleet')
  const nodeTab = ref<NodeTabId>('overview')
  /** The console under the Overview tab (kept so the node's state and its console are seen together). */
  const consoleDocked = ref(readDocked())
  const helpOpen = ref(false)

  function showTab(id: NodeTabId): void {
    view.value = 'fleet'
    nodeTab.value = id
  }

  /** Ctrl+N: the tab at that position (1-based), if there is one. */
  function showTabAt(position: number): void {
    const tab = NODE_TABS[position - 1]
    if (tab) showTab(tab.id)
  }

  /**
   * The table's Console button: the Overview keeps its docked console in
   * view (so the node's state stays beside it); any other tab gives way to Console.
   */
  function revealConsole(): void {
    view.value = 'fleet'
    if (nodeTab.value === 'overview' && consoleDocked.value) return
    nodeTab.value = 'console'
  }

  function setDocked(docked: boolean): void {
    consoleDocked.value = docked
    try {
      localStorage.setItem(DOCK_KEY, String(docked))
    } catch {
      // Storage refused (private mode): the choice lasts this session.
    }
  }

  return { view, nodeTab, consoleDocked, helpOpen, showTab, showTabAt, revealConsole, setDocked }
})
