import { chmodSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// One build for the three programs. main/ is bundled for Node 20 so the built
// tandem-server and web mode also run under plain `node` (no Electron needed).
// cli.ts starts with a `#!/usr/bin/env node` line; the built file must also be
// executable so `npx tandem-server` and `./out/server/cli.js` run it directly.
const executableServerCli = {
  name: 'executable-server-cli',
  writeBundle(): void {
    chmodSync(resolve('out/server/cli.js'), 0o755)
  },
}

export default defineConfig({
  main: {
    plugins: [executableServerCli],
    build: {
      target: 'node20',
      outDir: 'out',
      emptyOutDir: false,
      rollupOptions: {
        input: {
          'main/index': resolve('main/app/index.ts'),
          'main/web': resolve('main/web/index.ts'),
          'server/cli': resolve('main/server/cli.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('main/app/preload.ts') },
        // Sandboxed windows cannot load ESM preloads.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [vue()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
})
