/**
 * The key browser against a node holding 1,000,000 keys: the first SCAN page
 * shows fast with the DBSIZE total, pattern and type filters work, values of
 * each type are edited (checked with the server over the wire), a big list
 * loads page by page and Cancel stops it, and deleting asks first.
 *
 * tandem-server has no DEBUG POPULATE, so the million keys go in as one
 * stream of pre-encoded MSET commands on a raw socket (no client library
 * cost, no round trip per batch): the server's own speed is the limit.
 */
import { expect, test, type Page } from '@playwright/test'
import { connect } from 'node:net'
import { callApi, createNodeInForm, nodeRow, openApp, removeNodes, saveScreenshot } from './app'

const NODE = 'keys-million'
const KEY_COUNT = 1_000_000
const BIG_LIST = 200_000

/** Writes every command on one socket without waiting, then waits for as many replies; an error reply fails. */
async function pipeline(port: number, commands: Iterable<string[]>): Promise<void> {
  const socket = connect(port, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  let sent = 0
  let replies = 0
  let finishedWriting = false
  let buffered = ''
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      // Every reply here is one line (+OK / :n); an error is the first '-' line.
      buffered += chunk.toString('latin1')
      const lines = buffered.split('\r\n')
      buffered = lines.pop() ?? ''
      for (const line of lines) {
        if (line.startsWith('-')) reject(new Error(line))
        replies++
      }
      if (finishedWriting && replies === sent) resolve()
    })
    socket.once('error', reject)
  })
  for (const argv of commands) {
    let out = `*${argv.length}\r\n`
    for (const arg of argv) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`
    sent++
    if (!socket.write(out)) await new Promise((resolve) => socket.once('drain', resolve))
  }
  finishedWriting = true
  if (replies === sent) socket.end()
  else await done.finally(() => socket.end())
}

function* msetBatches(count: number, perCommand: number): Generator<string[]> {
  for (let start = 0; start < count; start += perCommand) {
    const argv = ['MSET']
    for (let k = start; k < Math.min(start + perCommand, count); k++) argv.push(`key:${k}`, 'v')
    yield argv
  }
}

function* listBatches(key: string, count: number, perCommand: number): Generator<string[]> {
  for (let start = 0; start < count; start += perCommand) {
    const argv = ['RPUSH', key]
    for (let i = start; i < Math.min(start + perCommand, count); i++) argv.push(`item-${i}`)
    yield argv
  }
}

/** One command over a short connection, its reply as the server's text (for checks on the wire). */
async function redis(port: number, ...argv: string[]): Promise<string> {
  const { Redis } = await import('ioredis')
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  try {
    return String(await client.call(argv[0], argv.slice(1)))
  } finally {
    client.disconnect()
  }
}

async function openKeysTab(page: Page): Promise<void> {
  await nodeRow(page, NODE).click()
  await page.locator('[data-testid="node-tab"][data-tab="keys"]').click()
  await expect(page.getByTestId('key-browser')).toBeVisible()
}

/** Presses Load more until the scan is complete (a rare pattern takes several budgeted pages). */
async function scanToEnd(page: Page): Promise<void> {
  const more = page.getByTestId('key-load-more')
  for (let i = 0; i < 600; i++) {
    if ((await more.textContent())?.includes('All matching keys listed')) return
    // The button may turn disabled between the check and the click (a page just ended the scan): never wait on it.
    if (await more.isEnabled()) await more.click({ timeout: 1000 }).catch(() => {})
    await page.waitForTimeout(50)
  }
  throw new Error('the scan did not complete')
}

function keyRow(page: Page, key: string) {
  return page.locator(`[data-testid="key-row"][data-key="${key}"]`)
}

test.describe.configure({ mode: 'serial' })
// Actions wait at most this long (no default limit): a missing element fails here, not at the 4-minute test timeout.
test.use({ actionTimeout: 15_000 })

test('key browser over 1,000,000 keys: list, filter, edit each type, page a big list with Cancel, delete after asking', async ({ page }) => {
  test.setTimeout(240_000)
  await openApp(page)
  await removeNodes(page, [NODE])
  await createNodeInForm(page, NODE)
  const port = (await callApi(page, 'fleet.list', {})).find((v) => v.spec.name === NODE)?.spec.port ?? 0

  const seedStart = Date.now()
  await pipeline(port, msetBatches(KEY_COUNT, 1000))
  const seedMs = Date.now() - seedStart
  await pipeline(port, [
    ['HSET', 'user:1', 'name', 'Ada', 'city', 'London'],
    ['HSET', 'user:2', 'name', 'Grace'],
    ['ZADD', 'scores', '10', 'alice', '20', 'bob'],
    ['SADD', 'tags', 'red', 'green'],
    ['SET', 'greeting', 'hello'],
    ...listBatches('biglist', BIG_LIST, 1000),
  ])
  console.log(`seeded ${KEY_COUNT} keys in ${seedMs} ms (+ a ${BIG_LIST}-element list in ${Date.now() - seedStart - seedMs} ms)`)
  expect(Number(await redis(port, 'DBSIZE'))).toBe(KEY_COUNT + 6)

  try {
    // Open the page afresh: a build finished during the long seeding would have replaced the lazy chunks the old page knows.
    await openApp(page)
    // First page: a SCAN page, not the keyspace; the DBSIZE total is shown.
    const listStart = Date.now()
    await openKeysTab(page)
    await expect(page.getByTestId('key-row').first()).toBeVisible()
    const firstPageMs = Date.now() - listStart
    console.log(`first page shown ${firstPageMs} ms after opening the Keys tab`)
    await expect(page.getByTestId('key-dbsize')).toHaveAttribute('data-dbsize', String(KEY_COUNT + 6))
    const shown = Number((await page.getByTestId('key-shown').textContent())?.replace(/,/g, ''))
    expect(shown).toBeGreaterThan(0)
    expect(shown).toBeLessThan(2000)
    await saveScreenshot(page, 'keys-list.png')
    // The page still answers a click quickly while a million keys sit behind the list.
    const clickStart = Date.now()
    await page.getByTestId('key-load-more').click()
    await expect(page.getByTestId('key-shown')).not.toHaveText(String(shown))
    console.log(`"Load more" answered in ${Date.now() - clickStart} ms`)

    // Pattern filter: exactly key:12345 and key:123450..123459 across the million.
    await page.getByTestId('key-pattern').fill('key:12345*')
    const patternStart = Date.now()
    await page.getByTestId('key-search').click()
    await scanToEnd(page)
    console.log(`pattern scan of ${KEY_COUNT} keys completed in ${Date.now() - patternStart} ms`)
    await expect(page.getByTestId('key-row')).toHaveCount(11)
    const names = await page.getByTestId('key-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))
    expect(names.sort()).toEqual(['key:12345', ...Array.from({ length: 10 }, (_, i) => `key:12345${i}`)].sort())
    await saveScreenshot(page, 'keys-pattern.png')
    // A pattern matching nothing scans on by itself page after page; Stop ends it before the million are crossed.
    await page.getByTestId('key-pattern').fill('no-such-key*')
    await page.getByTestId('key-search').click()
    await page.getByTestId('key-scan-stop').click()
    await expect(page.getByTestId('key-load-more')).toHaveText('Load more')
    await expect(page.getByTestId('key-scan-complete')).toHaveCount(0)

    // Type filter: only the two hashes among a million strings.
    await page.getByTestId('key-pattern').fill('')
    await page.getByTestId('key-type-filter').selectOption('hash')
    await scanToEnd(page)
    await expect(page.getByTestId('key-row')).toHaveCount(2)
    await expect(keyRow(page, 'user:1')).toBeVisible()
    await expect(keyRow(page, 'user:2')).toBeVisible()

    // Hash: edit a field's value; HGET on the server sees it.
    await keyRow(page, 'user:1').click()
    const items = page.getByTestId('key-items')
    await expect(items).toHaveAttribute('data-state', 'done')
    await items.locator('[data-testid="key-item"][data-id="city"]').getByTestId('key-item-edit').click()
    await expect(page.getByTestId('key-item-field-input')).toHaveValue('city')
    await page.getByTestId('key-item-value-input').fill('Paris')
    await page.getByTestId('key-item-submit').click()
    await expect(items.locator('[data-testid="key-item"][data-id="city"]').getByTestId('key-item-value')).toHaveText('Paris')
    expect(await redis(port, 'HGET', 'user:1', 'city')).toBe('Paris')
    await saveScreenshot(page, 'keys-hash.png')

    // TTL: a negative TTL is refused before sending; a valid one reaches the server.
    await page.getByTestId('key-ttl-input').fill('-5')
    await page.getByTestId('key-ttl-set').click()
    await expect(page.getByTestId('key-ttl-error')).toContainText('at least 1 second')
    expect(await redis(port, 'TTL', 'user:1')).toBe('-1')
    await page.getByTestId('key-ttl-input').fill('3600')
    await page.getByTestId('key-ttl-set').click()
    await expect(page.getByTestId('key-ttl')).toContainText('expires in')
    expect(Number(await redis(port, 'TTL', 'user:1'))).toBeGreaterThan(3500)
    await page.getByTestId('key-ttl-persist').click()
    await expect(page.getByTestId('key-ttl')).toHaveText('no expiry')
    expect(await redis(port, 'TTL', 'user:1')).toBe('-1')

    // Zset: a non-numeric score is refused with a message and nothing is sent; a valid one is added.
    await page.getByTestId('key-type-filter').selectOption('zset')
    await scanToEnd(page)
    await keyRow(page, 'scores').click()
    await expect(items).toHaveAttribute('data-state', 'done')
    await page.getByTestId('key-item-score-input').fill('abc')
    await page.getByTestId('key-item-value-input').fill('carol')
    await page.getByTestId('key-item-submit').click()
    await expect(page.getByTestId('key-item-error')).toContainText('is not a number')
    expect(await redis(port, 'ZCARD', 'scores')).toBe('2')
    await page.getByTestId('key-item-score-input').fill('15.5')
    await page.getByTestId('key-item-submit').click()
    await expect(items.locator('[data-testid="key-item"][data-id="carol"]').getByTestId('key-item-score')).toHaveText('15.5')
    expect(await redis(port, 'ZSCORE', 'scores', 'carol')).toBe('15.5')
    // Removing a member asks first.
    await items.locator('[data-testid="key-item"][data-id="alice"]').getByTestId('key-item-remove').click()
    await items.locator('[data-testid="key-item"][data-id="alice"]').getByTestId('key-item-remove-confirm').click()
    await expect(items.locator('[data-testid="key-item"][data-id="alice"]')).toHaveCount(0)
    expect(await redis(port, 'ZSCORE', 'scores', 'alice')).toBe('null')

    // List of 200,000: loads in pages of 500; Cancel stops further requests.
    await page.getByTestId('key-type-filter').selectOption('list')
    await scanToEnd(page)
    await keyRow(page, 'biglist').click()
    const progress = page.getByTestId('key-items-progress')
    await expect(page.getByTestId('key-value-length')).toHaveText(`${BIG_LIST} items`)
    await expect.poll(async () => Number(await progress.getAttribute('data-loaded'))).toBeGreaterThanOrEqual(1000)
    await page.getByTestId('key-items-cancel').click()
    await expect(items).toHaveAttribute('data-state', 'cancelled')
    const loadedAtCancel = Number(await progress.getAttribute('data-loaded'))
    await page.waitForTimeout(800)
    const loadedLater = Number(await progress.getAttribute('data-loaded'))
    console.log(`big list: ${loadedAtCancel} of ${BIG_LIST} loaded when cancelled, ${loadedLater} after 800 ms`)
    // At most the page already in flight lands after Cancel.
    expect(loadedLater - loadedAtCancel).toBeLessThanOrEqual(500)
    expect(loadedLater).toBeLessThan(BIG_LIST)
    await expect(progress).toContainText('cancelled')
    await saveScreenshot(page, 'keys-list-cancelled.png')
    // List edit: push at the head, visible as element 0 and on the server.
    await page.getByTestId('key-item-value-input').fill('first!')
    await page.getByTestId('key-item-end').selectOption('head')
    await page.getByTestId('key-item-submit').click()
    await expect(items.locator('[data-testid="key-item"][data-id="0"]').getByTestId('key-item-value')).toHaveText('first!')
    expect(await redis(port, 'LINDEX', 'biglist', '0')).toBe('first!')

    // Delete asks first: Cancel keeps the key, Delete removes it.
    await page.getByTestId('key-delete').click()
    await expect(page.getByTestId('key-delete-question')).toContainText('biglist')
    await saveScreenshot(page, 'keys-delete-confirm.png')
    await page.getByTestId('key-delete-cancel').click()
    expect(await redis(port, 'EXISTS', 'biglist')).toBe('1')
    await page.getByTestId('key-delete').click()
    await page.getByTestId('key-delete-confirm').click()
    await expect(keyRow(page, 'biglist')).toHaveCount(0)
    await expect(page.getByTestId('key-value')).toHaveCount(0)
    expect(await redis(port, 'EXISTS', 'biglist')).toBe('0')
  } finally {
    await removeNodes(page, [NODE])
  }
})
