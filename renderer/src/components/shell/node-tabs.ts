/**
 * The node workspace's tabs: the one place a part of the app registers the
 * view it shows for the selected node.
 *
 * HOW TO ADD YOUR PART (one line): set `component` on your tab's entry,
 * lazily, so the app starts without loading every part:
 *
 *   { id: 'config', label: 'Config', component: defineAsyncComponent(() => import('../config/ConfigEditor.vue')) },
 *
 * Contract for a tab component:
 * - it receives one prop, `node: NodeView` (shared/types), the selected node;
 *   the workspace keys it by node id, so switching nodes mounts it afresh;
 * - it fills the tab body (a flex column; give your root `flex: 1; min-height: 0`
 *   if you scroll inside it) and uses the CSS variables of styles.css for
 *   colours, so light and dark themes follow;
 * - canvas (charts): colours from `cssVar()` in theme.ts, redrawn on `useTheme().theme`;
 * - keyboard: Ctrl/Alt+1..5 switch to the tab at that position, Ctrl+` focuses
 *   `[data-testid="console-input"]` (keep that test id on the console's input).
 *
 * A tab without a component shows "not available yet" and is marked
 * `data-available="false"` (the screenshot spec skips it until it exists).
 */
import { defineAsyncComponent, type Component } from 'vue'

export type NodeTabId = 'overview' | 'console' | 'config' | 'dashboard' | 'keys'

export interface NodeTab {
  id: NodeTabId
  label: string
  /** What the tab shows; undefined until the part exists. Props: `{ node: NodeView }`. */
  component?: Component
}

export const NODE_TABS: readonly NodeTab[] = [
  { id: 'overview', label: 'Overview', component: defineAsyncComponent(() => import('./OverviewTab.vue')) },
  { id: 'console', label: 'Console', component: defineAsyncComponent(() => import('../NodeConsole.vue')) },
  { id: 'config', label: 'Config', component: defineAsyncComponent(() => import('../config/ConfigEditor.vue')) },
  { id: 'dashboard', label: 'Dashboard', component: defineAsyncComponent(() => import('../dashboard/DashboardTab.vue')) },
  { id: 'keys', label: 'Keys', component: defineAsyncComponent(() => import('../keys/KeyBrowser.vue')) },
]

export function nodeTab(id: NodeTabId): NodeTab {
  return NODE_TABS.find((tab) => tab.id === id) ?? NODE_TABS[0]
}
