import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'

const nodeModules = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

/** One `no-restricted-imports` rule per layer: the dependency directions of ARCHITECTURE.md. */
function restrict(message, patterns, paths = []) {
  return { 'no-restricted-imports': ['error', { paths: paths.map((name) => ({ name, message })), patterns: [{ group: patterns, message }] }] }
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'artifacts/**', 'dist/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  // Electron may only be imported by the thin app/ glue (importing it under plain Node starts a download).
  {
    files: ['**/*.ts', '**/*.vue', '**/*.js', '**/*.mjs'],
    ignores: ['main/app/**'],
    rules: restrict('Only main/app/ may import Electron.', ['electron', 'electron/*'], ['electron']),
  },
  {
    files: ['renderer/**'],
    rules: restrict('The renderer runs in a browser: no Node, Electron or main/ imports.', ['electron', '**/main/**', ...nodeModules], nodeModules),
  },
  {
    files: ['shared/**'],
    rules: restrict('shared/ is plain data and pure functions used by both sides.', ['electron', '**/main/**', '**/renderer/**', ...nodeModules], nodeModules),
  },
  {
    files: ['main/control/**', 'main/web/**'],
    rules: restrict('The control plane talks to tandem-server only over the wire; only app/ imports Electron.', ['**/server/**', '**/renderer/**', 'electron', 'electron/*'], ['electron']),
  },
  {
    files: ['main/app/**'],
    rules: restrict('The control plane talks to tandem-server only over the wire.', ['**/server/**', '**/renderer/**']),
  },
  {
    files: ['main/server/**'],
    rules: restrict('tandem-server stands alone: it may use shared/ but nothing of app/, web/, control/ or renderer/.', ['**/app/**', '**/web/**', '**/control/**', '**/renderer/**', 'electron']),
  },
)
