/// <reference lib="dom" />
/**
 * Keyboard shortcuts: which key press means which action. Pure, so the
 * table is unit-tested; App.vue listens and runs the actions.
 *
 * Typing is never hijacked: in an input, textarea, select or editable
 * element only combinations with Ctrl/Alt/Meta count (Ctrl+1..5, Ctrl+`),
 * and single keys (?, n, t, g…) are left to the field.
 */
export type ShortcutAction =
  | { kind: 'tab'; position: number }
  | { kind: 'focusConsole' }
  | { kind: 'newNode' }
  | { kind: 'view'; view: 'fleet' | 'topology' | 'failover' }
  | { kind: 'nextNode'; step: 1 | -1 }
  | { kind: 'cycleTheme' }
  | { kind: 'help' }
  | { kind: 'close' }

export interface KeyPress {
  key: string
  ctrlKey: boolean
  altKey: boolean
  metaKey: boolean
  shiftKey: boolean
  /** The focused element types text (input, textarea, select, contenteditable). */
  inTextField: boolean
}

/** The list the ? dialog shows; the order is the reading order. */
export const SHORTCUT_LIST: readonly { keys: string; action: string }[] = [
  { keys: 'Ctrl+1 … Ctrl+5 (or Alt+1 … 5)', action: 'Node tabs: Overview, Console, Config, Dashboard, Keys' },
  { keys: 'Ctrl+`', action: 'Focus the console of the selected node' },
  { keys: 'N', action: 'New node (focus the name field)' },
  { keys: 'J / K', action: 'Select the next / previous node' },
  { keys: 'G then N / T / F', action: 'Go to Nodes / Topology / Failover' },
  { keys: 'Shift+T', action: 'Theme: system → light → dark' },
  { keys: 'Ctrl+L', action: 'Clear the console (in the console)' },
  { keys: '?', action: 'This list' },
  { keys: 'Esc', action: 'Close this list' },
]

const GO_VIEWS: Record<string, 'fleet' | 'topology' | 'failover'> = { n: 'fleet', t: 'topology', f: 'failover' }

/**
 * The action for a key press. `afterG` is true when the previous single key
 * was `g` (the two-key "go to" shortcuts).
 */
export function shortcutFor(press: KeyPress, afterG = false): ShortcutAction | null {
  const { key } = press
  const modifier = press.ctrlKey || press.metaKey
  if ((modifier || press.altKey) && !press.shiftKey && /^[1-9]$/.test(key)) {
    // Alt+digit too: a browser keeps Ctrl+digit for its own tabs in web mode.
    return { kind: 'tab', position: Number(key) }
  }
  if (modifier && key === '`') return { kind: 'focusConsole' }
  if (key === 'Escape') return { kind: 'close' }
  if (press.inTextField || modifier || press.altKey) return null
  if (afterG) {
    const view = GO_VIEWS[key.toLowerCase()]
    return view ? { kind: 'view', view } : null
  }
  switch (key) {
    case '?':
      return { kind: 'help' }
    case 'n':
      return { kind: 'newNode' }
    case 'j':
      return { kind: 'nextNode', step: 1 }
    case 'k':
      return { kind: 'nextNode', step: -1 }
    case 'T':
      return { kind: 'cycleTheme' }
    default:
      return null
  }
}

/** Whether focus is in a place where single keys are text. */
export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type)
}
