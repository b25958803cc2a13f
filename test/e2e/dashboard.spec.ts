/**
 * The dashboard as a user sees it: load generated over the wire shows as
 * non-zero ops/s (derived from counters, so it works on tandem-server whose
 * instantaneous_ops_per_sec is 0), every chart draws, the group view overlays
 * master and replica, a DEBUG SLEEP shows in the slow log with its client,
 * the test's named client is in the client list, and Reset / Kill ask first.
 */
import { expect, test, type Page } from '@playwright/test'
import { Redis } from 'ioredis'
import { callApi, nodeRow, openApp, removeNodes, saveScreenshot } from './app'

const GROUP = 'dash'
const MASTER = `${GROUP}-master`
const REPLICA = `${GROUP}-replica-1`
const CLIENT_NAME = 'e2e-dashboard-load'

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage()
  await openApp(page)
  await removeNodes(page, [MASTER, REPLICA])
  await page.close()
})

/** Pipelined SET/GET batches until stopped: the traffic the charts must show. */
function startLoad(client: Redis): () => Promise<void> {
  let running = true
  const loop = (async () => {
    let round = 0
    while (running) {
      const pipeline = client.pipeline()
      for (let i = 0; i < 200; i++) {
        pipeline.set(`dash:key:${i}`, `value-${round}`)
        pipeline.get(`dash:key:${i}`)
        pipeline.get(`dash:missing:${i}`)
      }
      await pipeline.exec()
      round++
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  return async () => {
    running = false
    await loop
  }
}

function chart(page: Page, metric: string) {
  return page.locator(`[data-testid="metric-chart"][data-metric="${metric}"]`)
}

test('charts show load over the wire, the slow log shows DEBUG SLEEP, the client list shows the named client', async ({ page }) => {
  test.setTimeout(90_000)
  await openApp(page)
  await removeNodes(page, [MASTER, REPLICA])
  // DEBUG is refused unless enable-debug-command allows it (as in Redis 7).
  const group = await callApi(page, 'replication.createGroup', { name: GROUP, replicas: 1, config: { 'enable-debug-command': 'yes' } })
  const port = group.master.spec.port

  const client = new Redis({ host: '127.0.0.1', port, protocol: 2, connectionName: CLIENT_NAME, maxRetriesPerRequest: 1 })
  // Nodes removed at the end refuse reconnects: not this test's subject.
  client.on('error', () => {})
  try {
    await dashboardSteps(page, client)
  } finally {
    client.disconnect()
  }
})

async function dashboardSteps(page: Page, client: Redis): Promise<void> {
  const stopLoad = startLoad(client)
  try {
    const row = nodeRow(page, MASTER)
    await expect(row.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
    await row.click()
    await page.locator('[data-testid="node-tab"][data-tab="dashboard"]').click()
    await expect(page.getByTestId('node-tab-panel')).toHaveAttribute('data-tab', 'dashboard')
    const dashboard = page.getByTestId('dashboard')
    await expect(dashboard).toBeVisible()

    // ops/s from total_commands_processed deltas: several non-zero points while the load runs.
    await expect(chart(page, 'ops')).toHaveAttribute('data-nonzero', /^([3-9]|\d\d+)$/, { timeout: 20_000 })
    for (const metric of ['memory', 'clients', 'network', 'offset']) {
      await expect(chart(page, metric)).toHaveAttribute('data-nonzero', /^[1-9]\d*$/)
    }
    // Hits (GET of written keys) and misses (GET of absent ones) both move.
    await expect(chart(page, 'keyspace')).toHaveAttribute('data-nonzero', /^([2-9]|\d\d+)$/)
    await expect(chart(page, 'keyspace')).toHaveAttribute('data-series', '2')
    // uPlot drew a canvas for each of the six charts.
    await expect(dashboard.locator('[data-testid="metric-chart"] canvas')).toHaveCount(6)
    await expect(chart(page, 'ops').getByTestId('metric-latest')).toHaveText(/ops|: \d/)
    await saveScreenshot(page, 'dashboard-node.png')

    // The group view overlays master and replica: one line each (two per node for network).
    await page.getByTestId('dashboard-scope-group').click()
    await expect(chart(page, 'ops')).toHaveAttribute('data-series', '2')
    await expect(chart(page, 'network')).toHaveAttribute('data-series', '4')
    await expect(chart(page, 'offset').locator('.u-legend')).toContainText(REPLICA)
    // The replica's offset follows the master's writes.
    await expect(chart(page, 'offset').getByTestId('metric-latest').filter({ hasText: REPLICA })).not.toHaveText(/: –$/, { timeout: 15_000 })
    await saveScreenshot(page, 'dashboard-group.png')
    await page.getByTestId('dashboard-scope-node').click()
  } finally {
    await stopLoad()
  }

  // A slow command on the test's own named connection.
  await client.call('DEBUG', 'SLEEP', '0.05')
  await page.getByTestId('dashboard-section-slowlog').click()
  const slowRow = page.getByTestId('slowlog-row').filter({ hasText: 'DEBUG SLEEP 0.05' })
  await expect(slowRow).toHaveCount(1)
  await expect(slowRow.getByTestId('slowlog-client')).toContainText(CLIENT_NAME)
  // At least the 50 ms it slept.
  const duration = await slowRow.getByTestId('slowlog-duration').innerText()
  expect(duration).toMatch(/^\d+(\.\d+)? ms$/)
  expect(Number.parseFloat(duration)).toBeGreaterThanOrEqual(50)
  await saveScreenshot(page, 'dashboard-slowlog.png')

  // Reset asks first: Cancel keeps the entries, Reset clears them on the server.
  await page.getByTestId('slowlog-reset').click()
  await expect(page.getByTestId('slowlog-reset-question')).toContainText(MASTER)
  await page.getByTestId('slowlog-reset-cancel').click()
  await expect(slowRow).toHaveCount(1)
  expect(((await client.call('SLOWLOG', 'LEN')) as number) > 0).toBe(true)
  await page.getByTestId('slowlog-reset').click()
  await page.getByTestId('slowlog-reset-confirm').click()
  await expect(slowRow).toHaveCount(0)

  // The client list shows the named connection; Kill asks first, then really disconnects it.
  await page.getByTestId('dashboard-section-clients').click()
  const mine = page.locator(`[data-testid="client-row"][data-client-name="${CLIENT_NAME}"]`)
  await expect(mine).toHaveCount(1)
  // Its last command, as CLIENT LIST names it.
  await expect(mine).toContainText('slowlog|len')
  await saveScreenshot(page, 'dashboard-clients.png')
  await mine.getByTestId('client-kill').click()
  await mine.getByTestId('client-kill-cancel').click()
  expect(await client.ping()).toBe('PONG')
  const killed = new Promise<void>((resolve) => client.once('close', () => resolve()))
  client.options.retryStrategy = () => null
  await mine.getByTestId('client-kill').click()
  await mine.getByTestId('client-kill-confirm').click()
  await killed
  await expect(mine).toHaveCount(0)
}
