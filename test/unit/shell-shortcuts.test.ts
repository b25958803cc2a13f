import { describe, expect, it } from 'vitest'
import { shortcutFor, type KeyPress } from '../../renderer/src/shortcuts'
import { nextThemeChoice, parseThemeChoice, resolveTheme } from '../../renderer/src/theme'

function press(key: string, extra: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, inTextField: false, ...extra }
}

describe('shortcutFor', () => {
  it('maps Ctrl/Alt/Cmd+digit to the tab at that position, even while typing', () => {
    expect(shortcutFor(press('2', { ctrlKey: true }))).toEqual({ kind: 'tab', position: 2 })
    expect(shortcutFor(press('5', { altKey: true, inTextField: true }))).toEqual({ kind: 'tab', position: 5 })
    expect(shortcutFor(press('1', { metaKey: true }))).toEqual({ kind: 'tab', position: 1 })
    expect(shortcutFor(press('2'))).toBeNull()
  })

  it('leaves single keys to a text field', () => {
    for (const key of ['?', 'n', 'j', 'k', 'T']) {
      expect(shortcutFor(press(key, { inTextField: true }))).toBeNull()
      expect(shortcutFor(press(key))).not.toBeNull()
    }
  })

  it('focuses the console with Ctrl+` and reads g-prefixed view switches', () => {
    expect(shortcutFor(press('`', { ctrlKey: true, inTextField: true }))).toEqual({ kind: 'focusConsole' })
    expect(shortcutFor(press('t'), true)).toEqual({ kind: 'view', view: 'topology' })
    expect(shortcutFor(press('f'), true)).toEqual({ kind: 'view', view: 'failover' })
    expect(shortcutFor(press('x'), true)).toBeNull()
    // Without the g prefix, n is "new node", not "go to nodes".
    expect(shortcutFor(press('n'))).toEqual({ kind: 'newNode' })
  })

  it('does not take browser or editor combinations it does not own', () => {
    expect(shortcutFor(press('n', { ctrlKey: true }))).toBeNull()
    expect(shortcutFor(press('l', { ctrlKey: true }))).toBeNull()
    expect(shortcutFor(press('1', { ctrlKey: true, shiftKey: true }))).toBeNull()
  })
})

describe('theme', () => {
  it('follows the system unless a stored choice says otherwise', () => {
    expect(resolveTheme(parseThemeChoice(null), true)).toBe('dark')
    expect(resolveTheme(parseThemeChoice(null), false)).toBe('light')
    expect(resolveTheme(parseThemeChoice('light'), true)).toBe('light')
    expect(resolveTheme(parseThemeChoice('dark'), false)).toBe('dark')
    expect(parseThemeChoice('purple')).toBe('system')
  })

  it('cycles system → light → dark → system', () => {
    expect(nextThemeChoice('system')).toBe('light')
    expect(nextThemeChoice('light')).toBe('dark')
    expect(nextThemeChoice('dark')).toBe('system')
  })
})
