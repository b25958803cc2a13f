/// <reference lib="dom" />
/**
 * The app shell: light/dark themes (system-following, with an override kept
 * across reloads), keyboard shortcuts between a node's tabs that leave typing
 * alone, and a layout without horizontal scrolling on a laptop screen.
 */
import { expect, test, type Page } from '@playwright/test'
import { callApi, nodeRow, openApp, removeNodes, saveScreenshot } from './app'

const NODE = 'e2e-shell'

/** Relative luminance (0 black … 1 white) of a CSS rgb() colour. */
function luminance(color: string): number {
  const [r, g, b] = (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number)
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255
}

async function pageBackground(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
}

async function panelBackground(page: Page): Promise<string> {
  return page.locator('.fleet-panel').evaluate((element) => getComputedStyle(element).backgroundColor)
}

/** Creates the spec's node over the API and selects it in the table. */
async function selectFreshNode(page: Page): Promise<void> {
  await removeNodes(page, [NODE])
  await callApi(page, 'node.create', { name: NODE })
  const row = nodeRow(page, NODE)
  await expect(row.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  await row.getByTestId('node-name').click()
  await expect(page.getByTestId('node-workspace')).toHaveAttribute('data-node-name', NODE)
}

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage()
  await openApp(page)
  await removeNodes(page, [NODE])
  await page.close()
})

test.describe('system dark', () => {
  test.use({ colorScheme: 'dark' })

  test('the dark theme follows the system: dark page and panels, light text', async ({ page }) => {
    await openApp(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(luminance(await pageBackground(page))).toBeLessThan(0.2)
    expect(luminance(await panelBackground(page))).toBeLessThan(0.2)
    const text = await page.locator('.fleet-panel h2').evaluate((element) => getComputedStyle(element).color)
    expect(luminance(text)).toBeGreaterThan(0.7)
    await saveScreenshot(page, 'shell-dark.png')
  })
})

test.describe('system light', () => {
  test.use({ colorScheme: 'light' })

  test('the light theme follows the system, and a manual Dark survives a reload until System is chosen again', async ({ page }) => {
    await openApp(page)
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    expect(luminance(await pageBackground(page))).toBeGreaterThan(0.8)

    await page.getByTestId('theme-dark').click()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    expect(luminance(await panelBackground(page))).toBeLessThan(0.2)
    await page.reload()
    await expect(page.getByTestId('connection-state')).toHaveText('Connected')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    await expect(page.getByTestId('theme-dark')).toHaveAttribute('aria-checked', 'true')
    expect(luminance(await pageBackground(page))).toBeLessThan(0.2)

    await page.getByTestId('theme-system').click()
    await page.reload()
    await expect(page.getByTestId('connection-state')).toHaveText('Connected')
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  })
})

test('shortcuts switch the node tabs and focus the console, but typing in a field stays typing', async ({ page }) => {
  await openApp(page)
  await selectFreshNode(page)
  const tab = (id: string) => page.locator(`[data-testid="node-tab"][data-tab="${id}"]`)
  const panel = page.getByTestId('node-tab-panel')
  await expect(tab('overview')).toHaveAttribute('aria-selected', 'true')
  await page.locator('body').click({ position: { x: 5, y: 5 } })

  await page.keyboard.press('Control+2')
  await expect(tab('console')).toHaveAttribute('aria-selected', 'true')
  await expect(panel).toHaveAttribute('data-tab', 'console')
  await page.keyboard.press('Control+1')
  await expect(panel).toHaveAttribute('data-tab', 'overview')
  await expect(page.getByTestId('replication-panel')).toBeVisible()
  // Alt+digit as well, for browsers that keep Ctrl+digit for their own tabs.
  await page.keyboard.press('Alt+3')
  await expect(panel).toHaveAttribute('data-tab', 'config')
  await page.keyboard.press('Alt+5')
  await expect(panel).toHaveAttribute('data-tab', 'keys')

  // Ctrl+` puts the cursor in the console; single keys typed there are text, not shortcuts.
  await page.keyboard.press('Control+`')
  const input = page.getByTestId('console-input')
  await expect(input).toBeFocused()
  await page.keyboard.type('n?jk')
  await expect(input).toHaveValue('n?jk')
  await expect(page.getByTestId('shortcut-help')).toHaveCount(0)
  await expect(page.getByTestId('create-name')).not.toBeFocused()
  await input.fill('')

  // Outside a field: ? lists the shortcuts, Esc closes; n goes to the new-node name field.
  await page.locator('body').click({ position: { x: 5, y: 5 } })
  await page.keyboard.press('?')
  await expect(page.getByTestId('shortcut-help')).toContainText('Ctrl+1')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('shortcut-help')).toHaveCount(0)
  await page.keyboard.press('n')
  await expect(page.getByTestId('create-name')).toBeFocused()
  await expect(page.getByTestId('create-name')).toHaveValue('')
})

for (const size of [
  { width: 1280, height: 800 },
  { width: 1024, height: 700 },
]) {
  test(`at ${size.width}x${size.height} nothing scrolls sideways, with a node open`, async ({ page }) => {
    await page.setViewportSize(size)
    await openApp(page)
    await selectFreshNode(page)
    for (const id of ['overview', 'console']) {
      await page.locator(`[data-testid="node-tab"][data-tab="${id}"]`).click()
      const overflow = await page.evaluate(() => {
        const scrollers = [document.documentElement, document.querySelector('main.fleet-view')].filter((e): e is Element => !!e)
        return scrollers.map((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }))
      })
      for (const { scroll, client } of overflow) expect(scroll, `${id} tab: content ${scroll}px in ${client}px`).toBeLessThanOrEqual(client)
    }
    // The node table's action buttons are reachable (inside the table's own scroller at worst).
    await expect(nodeRow(page, NODE).getByTestId('node-remove')).toBeAttached()
    if (size.width === 1280) await saveScreenshot(page, 'shell-1280x800.png')
  })
}
