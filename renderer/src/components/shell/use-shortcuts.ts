/// <reference lib="dom" />
/**
 * Runs the shortcuts of shortcuts.ts for the whole window while the app is
 * mounted. Acts, and stops the browser's default, only when a key means
 * something here.
 */
import { nextTick, onBeforeUnmount, onMounted } from 'vue'
import { isTextField, shortcutFor, type ShortcutAction } from '../../shortcuts'
import { nextThemeChoice, useTheme } from '../../theme'
import { useFleetStore } from '../../stores/fleet'
import { useShellStore } from '../../stores/shell'

function focusTestId(testId: string): boolean {
  const element = document.querySelector<HTMLElement>(`[data-testid="${testId}"]`)
  element?.focus()
  return !!element
}

export function useShortcuts(): void {
  const shell = useShellStore()
  const fleet = useFleetStore()
  const { choice } = useTheme()
  let afterG = false

  /** Whether the action did anything (then the key is consumed). */
  function run(action: ShortcutAction): boolean {
    switch (action.kind) {
      case 'tab':
        if (!fleet.selected) return false
        shell.showTabAt(action.position)
        return true
      case 'focusConsole':
        if (!fleet.selected) return false
        shell.revealConsole()
        void nextTick(() => setTimeout(() => focusTestId('console-input'), 0))
        return true
      case 'newNode':
        shell.view = 'fleet'
        void nextTick(() => focusTestId('create-name'))
        return true
      case 'view':
        shell.view = action.view
        return true
      case 'nextNode': {
        const nodes = fleet.nodes
        if (nodes.length === 0) return false
        const index = nodes.findIndex((n) => n.spec.id === fleet.selectedId)
        const next = index < 0 ? 0 : (index + action.step + nodes.length) % nodes.length
        fleet.select(nodes[next].spec.id)
        return true
      }
      case 'cycleTheme':
        choice.value = nextThemeChoice(choice.value)
        return true
      case 'help':
        shell.helpOpen = !shell.helpOpen
        return true
      case 'close':
        if (!shell.helpOpen) return false
        shell.helpOpen = false
        return true
    }
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.isComposing) return
    const inTextField = isTextField(event.target)
    const action = shortcutFor({ ...pick(event), inTextField }, afterG)
    afterG = !inTextField && !event.ctrlKey && !event.metaKey && !event.altKey && event.key === 'g' && !afterG
    if (action && run(action)) event.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}

function pick(event: KeyboardEvent): { key: string; ctrlKey: boolean; altKey: boolean; metaKey: boolean; shiftKey: boolean } {
  return { key: event.key, ctrlKey: event.ctrlKey, altKey: event.altKey, metaKey: event.metaKey, shiftKey: event.shiftKey }
}
