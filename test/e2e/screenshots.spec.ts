/**
 * Screenshots of every view in light and dark, kept as test artifacts and
 * linked from the README: artifacts/e2e/screens/<view>-<theme>.png.
 *
 * A master with one replica and a few keys of each type gives every view
 * something to show. A node tab whose part is not registered yet
 * (components/shell/node-tabs.ts) is skipped with the reason printed.
 */
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ARTIFACTS, callApi, nodeRow, openApp, removeNodes, typeCommand } from './app'

const GROUP = 'e2e-screens'
const MASTER = `${GROUP}-master`
const REPLICA = `${GROUP}-replica-1`
const SCREENS = join(ARTIFACTS, 'screens')
const THEMES = ['light', 'dark'] as const
type Theme = (typeof THEMES)[number]

const FLEET_VIEWS = { fleet: 'nav-fleet', topology: 'nav-topology', failover: 'nav-failover' } as const
const NODE_VIEWS = ['console', 'config', 'dashboard', 'keys'] as const

test.describe.configure({ mode: 'serial' })
test.use({ viewport: { width: 1280, height: 800 } })

async function masterId(page: Page): Promise<string> {
  const view = (await callApi(page, 'fleet.list', {})).find((v) => v.spec.name === MASTER)
  if (!view) throw new Error(`${MASTER} is missing`)
  return view.spec.id
}

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage()
  await openApp(page)
  await removeNodes(page, [MASTER, REPLICA])
  await callApi(page, 'replication.createGroup', { name: GROUP, replicas: 1 })
  await expect(nodeRow(page, REPLICA).getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
  const id = await masterId(page)
  const seed = [
    ['SET', 'user:1:name', 'Zhangsan'],
    ['SET', 'visits', '42'],
    ['HSET', 'user:1', 'name', 'Zhangsan', 'city', 'Beijing'],
    ['RPUSH', 'queue:jobs', 'resize', 'encode', 'upload'],
    ['SADD', 'tags', 'redis', 'replication', 'failover'],
    ['ZADD', 'leaderboard', '10', 'alice', '20', 'bob'],
    ['EXPIRE', 'visits', '3600'],
  ]
  for (const argv of seed) await callApi(page, 'console.exec', { id, argv })
  await page.close()
})

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage()
  await openApp(page)
  await removeNodes(page, [MASTER, REPLICA])
  await page.close()
})

/** Switches to `theme` with the manual override, so the system setting does not matter. */
async function useTheme(page: Page, theme: Theme): Promise<void> {
  await page.getByTestId(`theme-${theme}`).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme)
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true })
  // Let charts and lazily loaded tabs settle before the picture.
  await page.waitForTimeout(400)
  await page.screenshot({ path: join(SCREENS, `${name}.png`) })
}

async function selectMaster(page: Page): Promise<void> {
  await nodeRow(page, MASTER).getByTestId('node-name').click()
  await expect(page.getByTestId('node-workspace')).toHaveAttribute('data-node-name', MASTER)
}

/** The page's scroller back to the top, where the node list is. */
async function scrollToTop(page: Page): Promise<void> {
  await page.locator('main.fleet-view').evaluate((element) => element.scrollTo(0, 0))
}

for (const [view, navId] of Object.entries(FLEET_VIEWS)) {
  test(`${view} view, light and dark`, async ({ page }) => {
    await openApp(page)
    await selectMaster(page)
    await page.getByTestId(navId).click()
    if (view === 'failover') await expect(page.getByTestId('failover-panel')).toHaveCount(1)
    if (view === 'topology') await expect(page.locator(`[data-testid="topology-node"][data-node-name="${REPLICA}"]`)).toHaveCount(1)
    for (const theme of THEMES) {
      await useTheme(page, theme)
      await scrollToTop(page)
      await shoot(page, `${view}-${theme}`)
    }
  })
}

for (const view of NODE_VIEWS) {
  test(`${view} tab, light and dark`, async ({ page }) => {
    await openApp(page)
    await selectMaster(page)
    const tab = page.locator(`[data-testid="node-tab"][data-tab="${view}"]`)
    if ((await tab.getAttribute('data-available')) !== 'true') {
      const reason = `the ${view} tab is not registered in components/shell/node-tabs.ts yet`
      console.log(`[screens] ${view}-light/dark skipped: ${reason}`)
      test.skip(true, reason)
    }
    await tab.click()
    const panel = page.getByTestId('node-tab-panel')
    await expect(panel).toHaveAttribute('data-tab', view)
    await expect(panel.locator('.tab-root')).toBeVisible()
    if (view === 'console') {
      await typeCommand(page, 'HGETALL user:1')
      await typeCommand(page, 'LRANGE queue:jobs 0 -1')
      await typeCommand(page, 'INFO replication')
      await expect(page.getByTestId('console-reply').last()).toContainText('role:master')
    }
    for (const theme of THEMES) {
      await useTheme(page, theme)
      await page.getByTestId('node-workspace').evaluate((element) => element.scrollIntoView({ block: 'start' }))
      await shoot(page, `${view}-${theme}`)
    }
  })
}
