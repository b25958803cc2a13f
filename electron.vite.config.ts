import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'

// One build for the three programs. main/ is bundled for Node 20 so the built
// tandem-server and web mode also run under plain `node` (no Electron needed).
export default defineConfig({
  main: {
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
