/**
 * Failover as a user drives it: a pair made in one action, the Failover
 * button's confirmation naming the replica that will be promoted and why,
 * the steps shown as they happen, the roles swapped in the node list and the
 * topology, and the timeline kept with timestamps. Then the crash case in
 * two clicks: kill the master, fail over, restart the old master and see it
 * come back as a replica.
 *
 * Runs against the default tandem-server nodes; TANDEM_SERVER_COMMAND=redis-server
 * runs the same path against real Redis.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { nodeRow, openApp, removeNodes, saveScreenshot, topologyNode, typeCommand } from './app'

const PAIR = 'e2e-fo'
const PAIR_MASTER = `${PAIR}-master`
const PAIR_REPLICA = `${PAIR}-replica-1`
const CRASH = 'e2e-crash'
const CRASH_MASTER = `${CRASH}-master`
const CRASH_REPLICAS = [`${CRASH}-replica-1`, `${CRASH}-replica-2`]
const AUTO = 'e2e-auto'
const created = [PAIR_MASTER, PAIR_REPLICA, CRASH_MASTER, ...CRASH_REPLICAS, `${AUTO}-master`, `${AUTO}-replica-1`]

test.afterEach(async ({ page }) => {
  await removeNodes(page, created)
})

/** A group made with the page's form; waits until every replica's link is up. */
async function createGroup(page: Page, name: string, replicas: number): Promise<void> {
  await page.getByTestId('open-group-form').click()
  await page.getByTestId('group-name').fill(name)
  await page.getByTestId('group-replicas').fill(String(replicas))
  await page.getByTestId('group-submit').click()
  await expect(page.getByTestId('group-error')).toHaveCount(0)
  await expect(nodeRow(page, `${name}-master`).getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  for (let i = 1; i <= replicas; i++) {
    const row = nodeRow(page, `${name}-replica-${i}`)
    await expect(row.getByTestId('node-role')).toHaveText('replica', { timeout: 30_000 })
    await expect(row.getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
  }
}

/** Back to the top of the page, where the node list and the topology are. */
async function scrollToTop(page: Page): Promise<void> {
  await page.locator('main.fleet-view').evaluate((element) => element.scrollTo(0, 0))
}

async function selectNode(page: Page, name: string): Promise<void> {
  await nodeRow(page, name).getByTestId('node-console').click()
  await page.locator('[data-testid="node-tab"][data-tab="console"]').click()
  const port = (await nodeRow(page, name).getByTestId('node-port').innerText()).trim()
  await expect(page.getByTestId('console-prompt')).toHaveText(`127.0.0.1:${port}>`)
}

/** The node's Overview tab, where its group's failover panel is (the console tab hides it). */
async function showOverview(page: Page): Promise<Locator> {
  await page.locator('[data-testid="node-tab"][data-tab="overview"]').click()
  const panel = page.getByTestId('failover-panel')
  await expect(panel).toHaveCount(1)
  return panel
}

/** Types a command until its reply is `expected` (a role change reaches the console a moment later). */
async function expectReplyEventually(page: Page, line: string, expected: string | RegExp): Promise<void> {
  await expect(async () => {
    await typeCommand(page, line)
    await expect(page.getByTestId('console-reply').last()).toHaveText(expected, { timeout: 1_000 })
  }).toPass({ timeout: 20_000, intervals: [250, 500, 1_000] })
}

/**
 * Records, from now on, how many steps the failover dialog shows each time
 * it changes and whether the final result is there yet: the proof that steps
 * appear while the run goes, not all at once at the end.
 */
async function recordDialogSteps(page: Page): Promise<void> {
  await page.evaluate(() => {
    interface Element {
      querySelectorAll(selector: string): { length: number }
      querySelector(selector: string): Element | null
    }
    const g = globalThis as unknown as {
      __failoverSteps: string[]
      document: Element & { body: unknown }
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void }
    }
    g.__failoverSteps = []
    const note = (): void => {
      const dialog = g.document.querySelector('[data-testid="failover-dialog"]')
      if (!dialog) return
      const entry = `${dialog.querySelectorAll('[data-testid="failover-step"]').length}${dialog.querySelector('[data-testid="failover-result"]') ? ':result' : ''}`
      if (g.__failoverSteps[g.__failoverSteps.length - 1] !== entry) g.__failoverSteps.push(entry)
    }
    new g.MutationObserver(note).observe(g.document.body, { subtree: true, childList: true })
  })
}

async function dialogStepsSeen(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as { __failoverSteps: string[] }).__failoverSteps)
}

async function stepKinds(scope: Locator): Promise<string[]> {
  return scope.getByTestId('failover-step').evaluateAll((items) => items.map((item) => item.getAttribute('data-kind') ?? ''))
}

test('automatic failover settings refuse bad values with a message and save good ones', async ({ page }) => {
  test.setTimeout(90_000)
  await openApp(page)
  await createGroup(page, PAIR, 1)
  await selectNode(page, PAIR_MASTER)
  const panel = await showOverview(page)
  await expect(panel.getByTestId('failover-auto-summary')).toHaveText('Automatic failover off.')

  await panel.getByTestId('failover-settings-open').click()
  const form = panel.getByTestId('failover-settings-form')
  await form.getByTestId('failover-auto-enabled').check()
  for (const bad of ['100', 'abc', '1.5', '']) {
    await form.getByTestId('failover-down-after').fill(bad)
    await form.getByTestId('failover-settings-save').click()
    await expect(form.getByTestId('failover-settings-error')).toHaveText('Down after must be a whole number of milliseconds from 500 to 3600000.')
  }
  await form.getByTestId('failover-down-after').fill('2000')
  await form.getByTestId('failover-cooldown').fill('500')
  await form.getByTestId('failover-settings-save').click()
  await expect(form.getByTestId('failover-settings-error')).toHaveText('Cool-down must be a whole number of milliseconds from 1000 to 86400000.')
  // Nothing was saved while the form refused.
  await expect(panel.getByTestId('failover-auto-summary')).toHaveText('Automatic failover off.')

  await form.getByTestId('failover-cooldown').fill('30000')
  await form.getByTestId('failover-settings-save').click()
  await expect(form).toHaveCount(0)
  await expect(panel.getByTestId('failover-auto-summary')).toHaveText(
    'Automatic failover on: after 2 s without an answer from the master; at most one per 30 s.',
  )
  // Main kept it: a fresh page reads the same setting.
  await page.reload()
  await expect(page.getByTestId('connection-state')).toHaveText('Connected')
  await selectNode(page, PAIR_MASTER)
  await showOverview(page)
  await expect(page.getByTestId('failover-auto-summary')).toHaveAttribute('data-enabled', 'true')

  // Off again (the default), values kept.
  await page.getByTestId('failover-settings-open').click()
  await expect(page.getByTestId('failover-down-after')).toHaveValue('2000')
  await page.getByTestId('failover-auto-enabled').uncheck()
  await page.getByTestId('failover-settings-save').click()
  await expect(page.getByTestId('failover-auto-summary')).toHaveText('Automatic failover off.')
})

test('Failover asks first naming the replica, shows each step, swaps the roles and keeps a timeline', async ({ page }) => {
  test.setTimeout(150_000)
  await openApp(page)
  await createGroup(page, PAIR, 1)
  const masterRow = nodeRow(page, PAIR_MASTER)
  const replicaRow = nodeRow(page, PAIR_REPLICA)
  await expect(masterRow.getByTestId('node-role')).toHaveText('master')

  // A write the new master must still have afterwards.
  await selectNode(page, PAIR_MASTER)
  await typeCommand(page, 'SET order:1 paid')
  await expect(page.getByTestId('console-reply').last()).toHaveText('OK')

  // The topology's Failover button on the group asks first; Cancel changes nothing.
  const topoFailover = topologyNode(page, PAIR_MASTER).getByTestId('topology-failover')
  await topoFailover.click()
  const dialog = page.getByTestId('failover-dialog')
  await expect(dialog).toHaveAttribute('data-phase', 'confirm')
  await dialog.getByTestId('failover-cancel').click()
  await expect(dialog).toHaveCount(0)
  await expect(masterRow.getByTestId('node-role')).toHaveText('master')

  // The group panel's button: the confirmation names the replica, the mode and why.
  await (await showOverview(page)).getByTestId('failover-button').click()
  await expect(dialog).toHaveAttribute('data-phase', 'confirm')
  await expect(dialog).toHaveAttribute('data-mode', 'coordinated')
  await expect(dialog.getByTestId('failover-mode')).toHaveText('Coordinated failover (master answers)')
  await expect(dialog.getByTestId('failover-chosen')).toContainText(`${PAIR_REPLICA}`)
  await expect(dialog.getByTestId('failover-chosen')).toContainText('will be promoted to master')
  await expect(dialog.getByTestId('failover-reason')).not.toBeEmpty()
  const chosenRow = dialog.locator('[data-testid="failover-candidate"][data-chosen="true"]')
  await expect(chosenRow).toHaveCount(1)
  await expect(chosenRow).toContainText(PAIR_REPLICA)
  await expect(dialog.getByTestId('failover-confirm')).toHaveText(`Fail over to ${PAIR_REPLICA}`)
  await saveScreenshot(page, 'failover-confirm.png')

  // Confirm: the steps appear while the run goes, then the result.
  await recordDialogSteps(page)
  await dialog.getByTestId('failover-confirm').click()
  await expect(dialog.getByTestId('failover-result')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 })
  await expect(dialog.getByTestId('failover-result')).toHaveText(`${PAIR_REPLICA} is the master now.`)
  const seen = await dialogStepsSeen(page)
  console.log(`[failover e2e] dialog steps over time: ${seen.join(' → ')}`)
  expect(seen.some((entry) => /^[1-9]\d*$/.test(entry)), `steps before the result: ${seen.join(', ')}`).toBe(true)
  const kinds = await stepKinds(dialog)
  for (const kind of ['detection', 'choice', 'promotion']) expect(kinds, kinds.join(', ')).toContain(kind)
  expect(kinds.indexOf('detection')).toBeLessThan(kinds.indexOf('promotion'))
  await dialog.getByTestId('failover-close').click()
  await expect(dialog).toHaveCount(0)

  // Roles swapped in the node list and in the topology.
  await expect(replicaRow.getByTestId('node-role')).toHaveText('master', { timeout: 15_000 })
  await expect(masterRow.getByTestId('node-role')).toHaveText('replica', { timeout: 15_000 })
  await expect(masterRow.getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
  await expect(topologyNode(page, PAIR_REPLICA)).toHaveAttribute('data-role', 'master')
  await expect(topologyNode(topologyNode(page, PAIR_REPLICA), PAIR_MASTER)).toHaveAttribute('data-role', 'replica')
  await expect(topologyNode(topologyNode(page, PAIR_MASTER), PAIR_REPLICA)).toHaveCount(0)
  // The Failover button moved with the group to its new master.
  await expect(topologyNode(page, PAIR_REPLICA).getByTestId('topology-failover')).toHaveCount(1)
  await expect(topologyNode(page, PAIR_MASTER).getByTestId('topology-failover')).toHaveCount(0)
  await scrollToTop(page)
  await saveScreenshot(page, 'failover-done.png')

  // The acknowledged write is on the new master, which takes writes.
  await selectNode(page, PAIR_REPLICA)
  await expectReplyEventually(page, 'GET order:1', '"paid"')
  await typeCommand(page, 'SET order:2 shipped')
  await expect(page.getByTestId('console-reply').last()).toHaveText('OK')

  // The timeline keeps the run with timestamps: detection, choice, promotion.
  const timeline = (await showOverview(page)).getByTestId('failover-timeline')
  const run = timeline.getByTestId('failover-record').first()
  await expect(run).toHaveAttribute('data-outcome', 'succeeded')
  await expect(run.getByTestId('failover-record-title')).toHaveText(`${PAIR_MASTER} → ${PAIR_REPLICA}`)
  const timelineKinds = await stepKinds(run)
  for (const kind of ['detection', 'choice', 'promotion']) expect(timelineKinds, timelineKinds.join(', ')).toContain(kind)
  await expect(run.locator('time').first()).toHaveText(/^\d{2}:\d{2}:\d{2}\.\d{3}$/)
  // The old master follows the new one by partial resync (same history: PSYNC +CONTINUE).
  const oldMasterId = (await masterRow.getAttribute('data-node-id')) ?? ''
  await expect(run.locator(`[data-testid="failover-step"][data-kind="resync"][data-resync="partial"][data-node-id="${oldMasterId}"]`)).toHaveCount(1)
  await timeline.scrollIntoViewIfNeeded()
  await saveScreenshot(page, 'failover-timeline.png')
})

test('crash case: kill the master, fail over to a replica, restart the old master as a replica', async ({ page }) => {
  test.setTimeout(180_000)
  await openApp(page)
  await createGroup(page, CRASH, 2)
  const masterRow = nodeRow(page, CRASH_MASTER)
  await selectNode(page, CRASH_MASTER)
  await typeCommand(page, 'SET order:1 paid')
  await expect(page.getByTestId('console-reply').last()).toHaveText('OK')
  // Both replicas have the write before the crash (WAIT: acknowledged by 2).
  await typeCommand(page, 'WAIT 2 5000')
  await expect(page.getByTestId('console-reply').last()).toHaveText('(integer) 2')

  // Kill master asks first.
  const panel = await showOverview(page)
  await panel.getByTestId('kill-master').click()
  await panel.getByTestId('kill-cancel').click()
  await expect(masterRow.getByTestId('node-live')).toHaveAttribute('data-live', 'true')
  await panel.getByTestId('kill-master').click()
  await panel.getByTestId('kill-confirm').click()
  await expect(masterRow.getByTestId('node-live')).toHaveAttribute('data-live', 'false', { timeout: 15_000 })
  await expect(masterRow.getByTestId('node-state')).toHaveText('crashed', { timeout: 15_000 })

  // Failover: the master does not answer, so a replica is promoted.
  await topologyNode(page, CRASH_MASTER).getByTestId('topology-failover').click()
  const dialog = page.getByTestId('failover-dialog')
  await expect(dialog).toHaveAttribute('data-phase', 'confirm')
  await expect(dialog).toHaveAttribute('data-mode', 'master-down')
  const chosenId = (await dialog.getAttribute('data-chosen-id')) ?? ''
  expect(chosenId).not.toBe('')
  const chosenName = ((await dialog.locator('[data-testid="failover-candidate"][data-chosen="true"]').innerText()).match(/e2e-crash-replica-\d/) ?? [''])[0]
  expect(CRASH_REPLICAS).toContain(chosenName)
  const otherName = CRASH_REPLICAS.find((n) => n !== chosenName) ?? ''
  await saveScreenshot(page, 'failover-crash-confirm.png')
  await dialog.getByTestId('failover-confirm').click()
  await expect(dialog.getByTestId('failover-result')).toHaveAttribute('data-ok', 'true', { timeout: 30_000 })
  await dialog.getByTestId('failover-close').click()

  // The promoted replica is the master; the other one follows it.
  await expect(nodeRow(page, chosenName).getByTestId('node-role')).toHaveText('master', { timeout: 15_000 })
  const newMasterTopo = topologyNode(page, chosenName)
  await expect(topologyNode(newMasterTopo, otherName)).toHaveAttribute('data-role', 'replica', { timeout: 15_000 })
  await expect(nodeRow(page, otherName).getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
  await selectNode(page, chosenName)
  await expectReplyEventually(page, 'GET order:1', '"paid"')
  await typeCommand(page, 'SET order:2 shipped')
  await expect(page.getByTestId('console-reply').last()).toHaveText('OK')

  // The timeline has the promotion and the other replica's repoint and resync.
  const run = (await showOverview(page)).getByTestId('failover-timeline').getByTestId('failover-record').first()
  await expect(run).toHaveAttribute('data-mode', 'master-down')
  await expect(run).toHaveAttribute('data-outcome', 'succeeded')
  const kinds = await stepKinds(run)
  for (const kind of ['detection', 'choice', 'promotion', 'repoint']) expect(kinds, kinds.join(', ')).toContain(kind)
  const otherId = (await nodeRow(page, otherName).getAttribute('data-node-id')) ?? ''
  await expect(run.locator(`[data-testid="failover-step"][data-kind="resync"][data-resync="partial"][data-node-id="${otherId}"]`)).toHaveCount(1)
  await scrollToTop(page)
  await saveScreenshot(page, 'failover-crash-promoted.png')

  // Restart the old master: it comes back as a replica of the new one, never as a second master.
  await masterRow.getByTestId('node-restart').click()
  await expect(masterRow.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  await expect(masterRow.getByTestId('node-role')).toHaveText('replica', { timeout: 15_000 })
  await expect(masterRow.getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
  await expect(topologyNode(newMasterTopo, CRASH_MASTER)).toHaveCount(1)
  await selectNode(page, CRASH_MASTER)
  await expectReplyEventually(page, 'GET order:2', '"shipped"')
  await saveScreenshot(page, 'failover-crash-done.png')
})

test('automatic failover: the master killed from the node list is replaced by itself after down-after', async ({ page }) => {
  test.setTimeout(120_000)
  await openApp(page)
  await createGroup(page, AUTO, 1)
  const masterRow = nodeRow(page, `${AUTO}-master`)
  const replicaRow = nodeRow(page, `${AUTO}-replica-1`)
  await selectNode(page, `${AUTO}-master`)
  const panel = await showOverview(page)
  await panel.getByTestId('failover-settings-open').click()
  await panel.getByTestId('failover-auto-enabled').check()
  await panel.getByTestId('failover-down-after').fill('1000')
  await panel.getByTestId('failover-cooldown').fill('60000')
  await panel.getByTestId('failover-settings-save').click()
  await expect(panel.getByTestId('failover-auto-summary')).toHaveAttribute('data-enabled', 'true')

  // Kill from the node list asks first too.
  await masterRow.getByTestId('node-kill').click()
  await masterRow.getByTestId('node-kill-confirm').click()
  await expect(masterRow.getByTestId('node-live')).toHaveAttribute('data-live', 'false', { timeout: 15_000 })

  // Nobody presses Failover: the replica takes over on its own.
  await expect(replicaRow.getByTestId('node-role')).toHaveText('master', { timeout: 30_000 })
  await selectNode(page, `${AUTO}-replica-1`)
  const run = (await showOverview(page)).getByTestId('failover-timeline').getByTestId('failover-record').first()
  await expect(run).toHaveAttribute('data-trigger', 'auto')
  await expect(run).toHaveAttribute('data-mode', 'master-down')
  await expect(run).toHaveAttribute('data-outcome', 'succeeded', { timeout: 15_000 })
  expect(await stepKinds(run)).toContain('promotion')
  // The setting followed the group to its new master.
  await expect(page.getByTestId('failover-auto-summary')).toHaveAttribute('data-enabled', 'true')
  await saveScreenshot(page, 'failover-auto.png')
})
