/// <reference lib="dom" />
/**
 * Light and dark themes. The user's choice is `system` (follow
 * prefers-color-scheme, live) unless they pick one, which is kept in
 * localStorage. The resolved theme is written to `<html data-theme>` and
 * `color-scheme`, and styles.css swaps its CSS variables on it, so every
 * component follows without knowing about themes.
 */
import { ref, watch, type Ref } from 'vue'

export type ThemeChoice = 'system' | 'light' | 'dark'
export type Theme = 'light' | 'dark'

export const THEME_STORAGE_KEY = 'tandem.theme'
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']

export function parseThemeChoice(stored: string | null): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system'
}

export function resolveTheme(choice: ThemeChoice, systemPrefersDark: boolean): Theme {
  if (choice === 'system') return systemPrefersDark ? 'dark' : 'light'
  return choice
}

/** The next choice of the toolbar's cycling button (and its shortcut). */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]
}

function readChoice(): ThemeChoice {
  try {
    return parseThemeChoice(localStorage.getItem(THEME_STORAGE_KEY))
  } catch {
    return 'system'
  }
}

function writeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY)
    else localStorage.setItem(THEME_STORAGE_KEY, choice)
  } catch {
    // Storage refused: the choice lasts this session.
  }
}

export interface ThemeState {
  choice: Ref<ThemeChoice>
  theme: Ref<Theme>
}

let state: ThemeState | null = null

/** The app's one theme state, applied to the document as it changes. */
export function useTheme(): ThemeState {
  if (state) return state
  const media = window.matchMedia('(prefers-color-scheme: dark)')
  const choice = ref<ThemeChoice>(readChoice())
  const systemDark = ref(media.matches)
  const theme = ref<Theme>(resolveTheme(choice.value, systemDark.value))
  media.addEventListener('change', (event) => {
    systemDark.value = event.matches
  })
  watch(
    [choice, systemDark],
    () => {
      theme.value = resolveTheme(choice.value, systemDark.value)
      const root = document.documentElement
      root.dataset.theme = theme.value
      root.style.colorScheme = theme.value
    },
    { immediate: true },
  )
  watch(choice, writeChoice)
  state = { choice, theme }
  return state
}

/**
 * A CSS variable's current value, for what CSS cannot reach (canvas charts):
 * read it when drawing and draw again when `useTheme().theme` changes.
 */
export function cssVar(name: string, fallback = ''): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback
}
