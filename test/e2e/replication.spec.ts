/**
 * Replication as a user drives it: a master and a replica created in one
 * action, a write in the master's console read back in the replica's, a big
 * data set and a new replica whose full sync is watched in its progress bar
 * until it streams, the lag chart, the topology, and detach.
 *
 * Runs against the default tandem-server nodes; TANDEM_SERVER_COMMAND=redis-server
 * runs the same path against real Redis.
 */
import { expect, test, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ARTIFACTS, createNodeInForm, loadKeys, nodeRow, openApp, removeNodes, typeCommand } from './app'

const GROUP = 'e2e-repl'
const MASTER = `${GROUP}-master`
const REPLICA = `${GROUP}-replica-1`
/** Enough keys that a full sync takes a visible moment (several polls) on this machine. */
const BIG_DATA_SET_KEYS = 300_000

/** Names of every node this spec may have made (the added replica's name is read from the page). */
const EXTERNAL = 'e2e-external'
const EXTERNAL_MASTER = 'e2e-ext-master'
const created: string[] = [MASTER, REPLICA, EXTERNAL, EXTERNAL_MASTER]

test.afterEach(async ({ page }) => {
  await removeNodes(page, created)
})

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true })
}

/** Selects a node (its console and panels open) and waits for its console prompt. */
async function openConsole(page: Page, name: string): Promise<void> {
  const row = nodeRow(page, name)
  await row.getByTestId('node-console').click()
  const port = (await row.getByTestId('node-port').innerText()).trim()
  await expect(page.getByTestId('console-prompt')).toHaveText(`127.0.0.1:${port}>`)
}

/** Types a command until its reply is `expected` (a replica gets the write a moment after the master). */
async function expectReplyEventually(page: Page, line: string, expected: string): Promise<void> {
  await expect(async () => {
    await typeCommand(page, line)
    await expect(page.getByTestId('console-reply').last()).toHaveText(expected, { timeout: 1_000 })
  }).toPass({ timeout: 20_000, intervals: [250, 500, 1_000] })
}

/**
 * Records every sync phase any progress bar shows, per node, from now on:
 * polls come once a second and a phase may last only one, so a MutationObserver
 * catches what a later look would miss.
 */
async function recordSyncPhases(page: Page): Promise<void> {
  await page.evaluate(() => {
    // Runs in the page: its globals, typed here without the DOM library.
    interface Element {
      closest(selector: string): Element | null
      getAttribute(name: string): string | null
    }
    const g = globalThis as unknown as {
      __syncPhases: Record<string, string[]>
      document: { body: unknown; querySelectorAll(selector: string): Iterable<Element> }
      MutationObserver: new (callback: () => void) => { observe(target: unknown, options: Record<string, unknown>): void }
    }
    g.__syncPhases = {}
    const note = (): void => {
      for (const bar of g.document.querySelectorAll('[data-testid="sync-progress"]')) {
        const id = bar.closest('[data-node-id]')?.getAttribute('data-node-id') ?? '?'
        const phase = bar.getAttribute('data-phase') ?? '?'
        const done = bar.getAttribute('data-done-bytes') ?? ''
        const total = bar.getAttribute('data-total-bytes') ?? ''
        const list = (g.__syncPhases[id] ??= [])
        const entry = `${phase}:${done}/${total}`
        if (list[list.length - 1] !== entry) list.push(entry)
      }
    }
    new g.MutationObserver(note).observe(g.document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-phase', 'data-done-bytes', 'data-total-bytes'],
    })
    note()
  })
}

async function syncPhasesSeen(page: Page, nodeId: string): Promise<string[]> {
  return page.evaluate((id) => (globalThis as unknown as { __syncPhases: Record<string, string[]> }).__syncPhases[id] ?? [], nodeId)
}

test('the group form refuses a bad number of replicas before sending anything', async ({ page }) => {
  await openApp(page)
  const rowsBefore = await page.getByTestId('node-row').count()
  await page.getByTestId('open-group-form').click()
  for (const bad of ['0', '9', 'abc', '1.5', '']) {
    await page.getByTestId('group-replicas').fill(bad)
    await page.getByTestId('group-submit').click()
    await expect(page.getByTestId('group-error')).toHaveText('Number of replicas must be a whole number from 1 to 8.')
  }
  await page.getByTestId('group-cancel').click()
  await expect(page.getByTestId('group-form')).toHaveCount(0)

  await page.getByTestId('open-attach-form').click()
  await page.getByTestId('attach-host').fill('127.0.0.1')
  await page.getByTestId('attach-port').fill('99999')
  await page.getByTestId('attach-submit').click()
  await expect(page.getByTestId('attach-error')).toHaveText('Port must be a whole number from 1 to 65535.')
  await page.getByTestId('attach-host').fill('bad host')
  await page.getByTestId('attach-port').fill('6380')
  await page.getByTestId('attach-submit').click()
  await expect(page.getByTestId('attach-error')).toHaveText('Host must be a host name or an IP address, without spaces.')
  await screenshot(page, 'replication-form-errors.png')
  await expect(page.getByTestId('node-row')).toHaveCount(rowsBefore)
})

test('a pair made in one action replicates; a big data set full-syncs to a new replica with visible progress', async ({ page }) => {
  test.setTimeout(240_000)
  await openApp(page)

  // One master and one replica in one action.
  await page.getByTestId('open-group-form').click()
  await page.getByTestId('group-name').fill(GROUP)
  await page.getByTestId('group-replicas').fill('1')
  await page.getByTestId('group-submit').click()
  await expect(page.getByTestId('group-error')).toHaveCount(0)
  const masterRow = nodeRow(page, MASTER)
  const replicaRow = nodeRow(page, REPLICA)
  for (const row of [masterRow, replicaRow]) {
    await expect(row.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  }
  await expect(masterRow.getByTestId('node-role')).toHaveText('master')
  await expect(replicaRow.getByTestId('node-role')).toHaveText('replica', { timeout: 15_000 })
  await expect(replicaRow.getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })

  // The topology draws the replica under its master.
  const topoMaster = page.locator(`[data-testid="topology-node"][data-node-name="${MASTER}"]`)
  await expect(topoMaster.locator(`[data-testid="topology-node"][data-node-name="${REPLICA}"]`)).toHaveCount(1)

  // SET on the master, GET on the replica.
  await openConsole(page, MASTER)
  await typeCommand(page, 'SET user.1.name Zhangsan')
  await expect(page.getByTestId('console-reply').last()).toHaveText('OK')
  await openConsole(page, REPLICA)
  await expectReplyEventually(page, 'GET user.1.name', '"Zhangsan"')
  // The replica's panel shows its link and a lag in bytes and seconds.
  const panel = page.getByTestId('replication-panel')
  await expect(panel.getByTestId('repl-role')).toHaveText('replica')
  await expect(panel.getByTestId('repl-link')).toHaveAttribute('data-link', 'up')
  await expect(panel.getByTestId('repl-lag')).toHaveText(/^\d[\d.]* [KMG]?B · \d+ s$/)
  await screenshot(page, 'replication-pair.png')

  // A big data set on the master, then a new replica of it: a full sync to watch.
  await openConsole(page, MASTER)
  await loadKeys(Number(await masterRow.getByTestId('node-port').innerText()), BIG_DATA_SET_KEYS)
  await expect(masterRow.getByTestId('node-keys')).toHaveText(String(BIG_DATA_SET_KEYS + 1), { timeout: 15_000 })

  await recordSyncPhases(page)
  await page.getByTestId('replication-panel').getByTestId('replication-add-replica').click()
  const added = page.getByTestId('replication-result')
  await expect(added).toHaveAttribute('data-ok', 'true', { timeout: 30_000 })
  const addedName = /Replica (\S+) added/.exec(await added.innerText())?.[1]
  expect(addedName, await added.innerText()).toBeTruthy()
  created.push(addedName ?? '')
  const addedRow = nodeRow(page, addedName ?? '')
  const addedId = (await addedRow.getAttribute('data-node-id')) ?? ''
  // A picture of the bar mid-way when a poll catches the transfer (the phase record below is the assertion).
  const midTransfer = addedRow.locator('[data-testid="sync-progress"][data-phase="transfer"]')
  if (await midTransfer.waitFor({ timeout: 30_000 }).then(() => true, () => false)) await screenshot(page, 'replication-sync-progress.png')

  // The sync ends streaming, with every key.
  await expect(addedRow.getByTestId('node-link')).toHaveText('up', { timeout: 120_000 })
  await expect(addedRow.getByTestId('node-keys')).toHaveText(String(BIG_DATA_SET_KEYS + 1), { timeout: 30_000 })
  await addedRow.getByTestId('node-console').click()
  await expect(page.getByTestId('replication-panel').getByTestId('sync-progress')).toHaveAttribute('data-phase', 'streaming')
  await screenshot(page, 'replication-sync-done.png')

  // …and it was seen on its way there: a phase before streaming, then streaming.
  const phases = await syncPhasesSeen(page, addedId)
  console.log(`[replication e2e] sync phases seen for ${addedName}: ${phases.join(' → ')}`)
  const before = phases.filter((p) => !p.startsWith('streaming'))
  expect(before.length, `phases seen: ${phases.join(', ')}`).toBeGreaterThan(0)
  expect(phases[phases.length - 1]).toMatch(/^streaming/)
  // The bar only moves forward: bytes received never shrink during the transfer, and never pass a known size.
  const transferred = phases.filter((p) => p.startsWith('transfer:')).map((p) => p.slice('transfer:'.length).split('/').map(Number))
  for (let i = 0; i < transferred.length; i++) {
    const [done, total] = transferred[i]
    if (total > 0) expect(done, phases.join(', ')).toBeLessThanOrEqual(total)
    if (i > 0) expect(done, phases.join(', ')).toBeGreaterThanOrEqual(transferred[i - 1][0])
  }

  // The topology holds both replicas under the master; the lag chart has points for them.
  await expect(topoMaster.locator(':scope > ul > [data-testid="topology-node"]')).toHaveCount(2)
  const chart = page.getByTestId('lag-chart')
  await expect(chart).toHaveAttribute('data-series', /^[1-9]/)
  await expect.poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThan(3)
  await expect(chart.locator('canvas')).toHaveCount(1)
  await screenshot(page, 'replication-lag-chart.png')

  // Detach asks first; once confirmed the replica is a master of its own, keeping its data.
  await openConsole(page, REPLICA)
  await panel.getByTestId('replication-detach').click()
  await panel.getByTestId('detach-cancel').click()
  await expect(replicaRow.getByTestId('node-role')).toHaveText('replica')
  await panel.getByTestId('replication-detach').click()
  await panel.getByTestId('detach-confirm').click()
  await expect(panel.getByTestId('replication-result')).toHaveAttribute('data-ok', 'true')
  await expect(replicaRow.getByTestId('node-role')).toHaveText('master', { timeout: 15_000 })
  await expect(page.locator(`[data-testid="topology-node"][data-node-name="${REPLICA}"]`)).toHaveAttribute('data-role', 'master')
  await expect(topoMaster.locator(`[data-testid="topology-node"][data-node-name="${REPLICA}"]`)).toHaveCount(0)
  await expectReplyEventually(page, 'GET user.1.name', '"Zhangsan"')
  await screenshot(page, 'replication-detached.png')

  // Replicate from…: a malformed address is refused in the form; the master chosen from the list takes it back.
  await panel.getByTestId('replication-replicate-from').click()
  await page.getByTestId('replicate-from-choice').selectOption('')
  await page.getByTestId('replicate-from-address').fill('127.0.0.1')
  await page.getByTestId('replicate-from-submit').click()
  await expect(page.getByTestId('replicate-from-error')).toHaveText('Enter the master as host:port, e.g. 127.0.0.1:6380.')
  await page.getByTestId('replicate-from-choice').selectOption((await masterRow.getAttribute('data-node-id')) ?? '')
  await page.getByTestId('replicate-from-submit').click()
  await expect(page.getByTestId('replicate-from-form')).toHaveCount(0)
  await expect(replicaRow.getByTestId('node-role')).toHaveText('replica', { timeout: 15_000 })
  await expect(replicaRow.getByTestId('node-link')).toHaveText('up', { timeout: 60_000 })
  await expect(topoMaster.locator(`[data-testid="topology-node"][data-node-name="${REPLICA}"]`)).toHaveCount(1)
})

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

test('an external Redis attached by host, port and password shows the same replication figures', async ({ page }) => {
  test.setTimeout(120_000)
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'e2e-external-redis-'))
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', 's3cret'], {
    stdio: 'ignore',
  })
  try {
    await openApp(page)
    const master = await createNodeInForm(page, EXTERNAL_MASTER)
    await openConsole(page, EXTERNAL_MASTER)
    await typeCommand(page, 'SET user.1.name Zhangsan')
    await expect(page.getByTestId('console-reply').last()).toHaveText('OK')

    // Attach: a wrong password is the server's refusal, shown in the form; the right one attaches.
    await page.getByTestId('open-attach-form').click()
    await page.getByTestId('attach-name').fill(EXTERNAL)
    await page.getByTestId('attach-host').fill('127.0.0.1')
    await page.getByTestId('attach-port').fill(String(port))
    await expect(async () => {
      await page.getByTestId('attach-password').fill('wrong')
      await page.getByTestId('attach-submit').click()
      await expect(page.getByTestId('attach-error')).toContainText(/WRONGPASS|invalid username-password/i, { timeout: 2_000 })
    }).toPass({ timeout: 15_000 })
    await expect(nodeRow(page, EXTERNAL)).toHaveCount(0)
    await page.getByTestId('attach-password').fill('s3cret')
    await page.getByTestId('attach-submit').click()
    await expect(page.getByTestId('attach-form')).toHaveCount(0)
    const external = nodeRow(page, EXTERNAL)
    await expect(external.getByTestId('node-name')).toContainText('external')
    await expect(external.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 15_000 })
    await expect(external.getByTestId('node-role')).toHaveText('master')

    // The real Redis follows the Tandem node: same views, same figures.
    const panel = page.getByTestId('replication-panel')
    await expect(panel).toHaveAttribute('data-node-id', (await external.getAttribute('data-node-id')) ?? '')
    await panel.getByTestId('replication-replicate-from').click()
    await page.getByTestId('replicate-from-choice').selectOption((await master.getAttribute('data-node-id')) ?? '')
    await page.getByTestId('replicate-from-submit').click()
    await expect(external.getByTestId('node-role')).toHaveText('replica', { timeout: 15_000 })
    await expect(external.getByTestId('node-link')).toHaveText('up', { timeout: 30_000 })
    await expect(external.getByTestId('node-lag')).toHaveText(/^\d[\d.]* [KMG]?B · \d+ s$/, { timeout: 15_000 })
    const topoMaster = page.locator(`[data-testid="topology-node"][data-node-name="${EXTERNAL_MASTER}"]`)
    await expect(topoMaster.locator(`[data-testid="topology-node"][data-node-name="${EXTERNAL}"]`)).toHaveCount(1)
    await expectReplyEventually(page, 'GET user.1.name', '"Zhangsan"')
    await screenshot(page, 'replication-external.png')
  } finally {
    redis.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
})
