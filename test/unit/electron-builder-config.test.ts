/**
 * electron-builder.yml checked offline by electron-builder's own loader and
 * schema validation (the same code `electron-builder` runs before packaging).
 */
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../helpers/processes'

const require = createRequire(import.meta.url)

type BuilderConfig = Record<string, unknown> & {
  appId?: string
  productName?: string
  files?: unknown[]
  asarUnpack?: string[]
  linux?: { target?: unknown[] }
  mac?: { target?: unknown[] }
  win?: { target?: unknown[] }
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>
}
interface BuilderUtil {
  DebugLogger: new (isEnabled?: boolean) => unknown
}

const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as ConfigModule
const { DebugLogger } = require('builder-util') as BuilderUtil

describe('electron-builder.yml', () => {
  it('passes electron-builder’s configuration validation', async () => {
    const config = await getConfig(REPO_ROOT, null, null)
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('packages the built app and keeps tandem-server spawnable', async () => {
    const config = await getConfig(REPO_ROOT, null, null)
    expect(config.appId).toBe('dev.tandem.app')
    expect(config.productName).toBe('Tandem')
    // The loader normalises `files` into filter groups.
    const patterns = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : ((f as { filter?: string[] }).filter ?? [])))
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'package.json']))
    expect(config.asarUnpack).toContain('out/server/**')
    expect(config.linux?.target).toEqual(['AppImage', 'deb'])
    expect(config.mac?.target).toEqual(['dmg'])
    expect(config.win?.target).toEqual(['nsis'])
  })

  it('the validator really rejects a wrong configuration (this test can fail)', async () => {
    const config = await getConfig(REPO_ROOT, null, null)
    const broken = { ...config, notAnOption: true }
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/unknown property 'notAnOption'/)
  })
})
