/**
 * The config editor as a user sees it: a bad value refused with a message
 * before anything is sent; a runtime directive applied (CONFIG GET on the
 * server changes); Save to file keeps a comment the test put in the file
 * (CONFIG REWRITE); a non-runtime directive saved to file shows "restart
 * required" and takes effect after the restart; importing the tutorial's
 * slave.conf creates a replica of the right master.
 */
import { expect, test, type Page } from '@playwright/test'
import { appendFileSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { callApi, createNodeInForm, nodeRow, openApp, removeNodes, saveScreenshot } from './app'

const NODE_NAMES = ['e2e-config', 'e2e-cfg-master', 'e2e-cfg-slave']

test.afterEach(async ({ page }) => {
  await removeNodes(page, NODE_NAMES)
})

async function nodeId(page: Page, name: string): Promise<string> {
  const view = (await callApi(page, 'fleet.list', {})).find((v) => v.spec.name === name)
  if (!view) throw new Error(`no node ${name}`)
  return view.spec.id
}

/** CONFIG GET <name> on the node, over the console API (the server's own answer). */
async function configGet(page: Page, id: string, name: string): Promise<string> {
  const reply = await callApi(page, 'console.exec', { id, argv: ['CONFIG', 'GET', name] })
  if (reply.type !== 'array' && reply.type !== 'map') throw new Error(`CONFIG GET ${name}: ${JSON.stringify(reply)}`)
  const value = reply.type === 'map' ? reply.entries[0]?.[1] : reply.items[1]
  return value && 'value' in value ? String(value.value) : ''
}

function field(page: Page, name: string) {
  return page.locator(`[data-testid="config-field"][data-name="${name}"]`)
}

async function openConfigTab(page: Page, name: string): Promise<void> {
  await nodeRow(page, name).getByTestId('node-console').click()
  await page.locator('[data-testid="node-tab"][data-tab="config"]').click()
  await expect(page.getByTestId('config-editor')).toBeVisible()
  await expect(page.getByTestId('config-section').first()).toBeVisible()
}

async function setDirective(page: Page, name: string, value: string): Promise<void> {
  await page.getByTestId('config-search').fill(name)
  await field(page, name).getByTestId('config-input').fill(value)
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

test('edit, refuse, apply, save to file with comments kept, restart required then in effect', async ({ page }) => {
  await openApp(page)
  await createNodeInForm(page, 'e2e-config')
  const id = await nodeId(page, 'e2e-config')
  await openConfigTab(page, 'e2e-config')

  // Invalid value: refused on the spot and again on Apply, nothing sent.
  await setDirective(page, 'maxmemory', 'lots')
  await expect(field(page, 'maxmemory').getByTestId('config-field-error')).toContainText('maxmemory must be a size')
  await page.getByTestId('config-apply').click()
  await expect(page.getByTestId('config-outcome')).toContainText('maxmemory: must be a size')
  await saveScreenshot(page, 'config-invalid.png')
  expect(await configGet(page, id, 'maxmemory')).toBe('0')

  // Runtime directive: Apply is CONFIG SET.
  await setDirective(page, 'maxmemory', '100mb')
  await expect(page.locator('[data-testid="config-diff-row"][data-name="maxmemory"]')).toContainText('runtime')
  await page.getByTestId('config-apply').click()
  await expect(page.getByTestId('config-outcome')).toContainText('Applied maxmemory')
  expect(await configGet(page, id, 'maxmemory')).toBe('104857600')

  // Save to file: CONFIG REWRITE keeps the comment the test wrote into the file.
  const snapshot = await callApi(page, 'config.get', { id })
  const confPath = snapshot.file?.path
  expect(confPath).toBeTruthy()
  appendFileSync(confPath!, '# kept by the e2e test: do not remove\n')
  await setDirective(page, 'hz', '20')
  await page.getByTestId('config-save').click()
  await expect(page.getByTestId('config-outcome')).toContainText('aved to the config file')
  const saved = readFileSync(confPath!, 'utf8')
  expect(saved).toContain('# kept by the e2e test: do not remove')
  expect(saved).toMatch(/^hz 20$/m)
  expect(saved).toMatch(/^maxmemory 100mb$/m)
  await page.getByTestId('config-mode-raw').click()
  await expect(page.getByTestId('raw-config')).toContainText('# kept by the e2e test')
  await saveScreenshot(page, 'config-raw.png')
  await page.getByTestId('config-mode-form').click()

  // Non-runtime directive: Apply refuses, Save to file marks restart required, restart puts it in effect.
  await setDirective(page, 'databases', '32')
  await expect(page.locator('[data-testid="config-diff-row"][data-name="databases"]')).toContainText('restart required')
  await page.getByTestId('config-apply').click()
  await expect(page.getByTestId('config-outcome')).toContainText('use Save to file')
  await page.getByTestId('config-save').click()
  const banner = page.getByTestId('config-restart-required')
  await expect(banner).toContainText('Restart required')
  await expect(banner).toContainText('databases 32')
  expect(await configGet(page, id, 'databases')).toBe('16')
  expect(readFileSync(confPath!, 'utf8')).toMatch(/^databases 32$/m)
  await saveScreenshot(page, 'config-restart-required.png')
  await page.getByTestId('config-restart').click()
  await page.getByTestId('config-restart-confirm').click()
  await expect(page.getByTestId('config-outcome')).toContainText('Restarted', { timeout: 30_000 })
  await expect(banner).toHaveCount(0)
  expect(await configGet(page, id, 'databases')).toBe('32')
  // What was saved to file stays after the restart; what was only applied does not.
  expect(await configGet(page, id, 'hz')).toBe('20')
  await page.getByTestId('config-search').fill('')
  await saveScreenshot(page, 'config-form.png')
})

test('importing the tutorial slave.conf creates a replica of the right master', async ({ page }) => {
  await openApp(page)
  const masterRow = await createNodeInForm(page, 'e2e-cfg-master')
  const masterId = await nodeId(page, 'e2e-cfg-master')
  const masterPort = (await callApi(page, 'fleet.list', {})).find((v) => v.spec.id === masterId)!.spec.port
  const slavePort = await freePort()
  // The tutorial's file with only the ports moved off 6379/6380, as the acceptance tests do.
  const slaveConf = readFileSync(join(process.cwd(), 'test/fixtures/tutorial/slave.conf'), 'utf8')
    .replace('slaveof 127.0.0.1 6379', `slaveof 127.0.0.1 ${masterPort}`)
    .replace('Port 6380', `Port ${slavePort}`)

  await page.getByTestId('open-import-form').click()
  await page.getByTestId('import-text').fill(slaveConf)
  await page.getByTestId('import-name').fill('e2e-cfg-slave')
  await expect(page.getByTestId('import-master')).toContainText('Replica of e2e-cfg-master')
  await expect(page.getByTestId('import-plan')).toContainText('save 900 1 300 10 60 10000')
  await saveScreenshot(page, 'config-import.png')
  await page.getByTestId('import-create').click()

  const slaveRow = nodeRow(page, 'e2e-cfg-slave')
  await expect(slaveRow.getByTestId('node-state')).toHaveText('running', { timeout: 30_000 })
  const slave = (await callApi(page, 'fleet.list', {})).find((v) => v.spec.name === 'e2e-cfg-slave')!
  expect(slave.spec.port).toBe(slavePort)
  expect(slave.spec.replicaOf?.nodeId).toBe(masterId)
  await expect
    .poll(async () => {
      const info = await callApi(page, 'console.exec', { id: slave.spec.id, argv: ['INFO', 'replication'] })
      return info.type === 'bulk' ? /master_port:(\d+)[\s\S]*master_link_status:up/.exec(info.value)?.[1] : undefined
    }, { timeout: 30_000 })
    .toBe(String(masterPort))
  expect(await configGet(page, slave.spec.id, 'dbfilename')).toBe('Dump.rdb')
  await expect(masterRow).toBeVisible()
})
