/**
 * The walking skeleton as a user drives it: create a node in the page, wait
 * for it to run, talk to it in the console as with redis-cli, remove it.
 */
import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { ARTIFACTS, openApp, typeCommand } from './app'

test('a bad port is refused in the form before anything is sent', async ({ page }) => {
  await openApp(page)
  const rowsBefore = await page.getByTestId('node-row').count()
  for (const bad of ['70000', '0', 'abc', '12.5']) {
    await page.getByTestId('create-port').fill(bad)
    await page.getByTestId('create-submit').click()
    await expect(page.getByTestId('create-error')).toHaveText(/whole number from 1 to 65535/)
  }
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'create-error.png') })
  // Typing again clears the message; nothing was created.
  await page.getByTestId('create-port').fill('')
  await expect(page.getByTestId('create-error')).toHaveCount(0)
  await expect(page.getByTestId('node-row')).toHaveCount(rowsBefore)
})

test('create a node, run commands in its console like redis-cli, then remove it', async ({ page }) => {
  await openApp(page)

  await page.getByTestId('create-name').fill('e2e-node')
  await page.getByTestId('create-submit').click()
  const row = page.locator('[data-testid="node-row"][data-node-name="e2e-node"]')
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('node-state')).toHaveText('running', { timeout: 30_000 })
  await expect(row.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  await expect(row.getByTestId('node-role')).toHaveText('master')
  const port = (await row.getByTestId('node-port').innerText()).trim()
  expect(Number(port)).toBeGreaterThan(0)

  await row.getByTestId('node-console').click()
  const console = page.getByTestId('console')
  await expect(console.getByTestId('console-prompt')).toHaveText(`127.0.0.1:${port}>`)
  const replies = console.getByTestId('console-reply')

  await typeCommand(page, 'SET user.1.name Zhangsan')
  await expect(replies.last()).toHaveText('OK')
  await typeCommand(page, 'GET user.1.name')
  await expect(replies.last()).toHaveText('"Zhangsan"')
  await expect(console.getByTestId('console-command').last()).toHaveText(`127.0.0.1:${port}> GET user.1.name`)

  // redis-cli's quoting: a quoted argument with a space is one argument.
  await typeCommand(page, 'SET "my key" "b c"')
  await expect(replies.last()).toHaveText('OK')
  await typeCommand(page, "MGET 'my key' user.1.name nosuch")
  await expect(replies.last()).toHaveText('1) "b c"\n2) "Zhangsan"\n3) (nil)')
  await typeCommand(page, 'SET "unbalanced')
  await expect(replies.last()).toHaveText('Invalid argument(s)')
  await typeCommand(page, 'NOSUCHCOMMAND')
  await expect(replies.last()).toHaveText(/^\(error\) ERR unknown command 'NOSUCHCOMMAND'/)

  // The monitor sees the keys the console wrote.
  await expect(row.getByTestId('node-keys')).toHaveText('2', { timeout: 15_000 })

  // ↑ walks back through history, ↓ forward again, then back to the empty line.
  const input = console.getByTestId('console-input')
  await input.press('ArrowUp')
  await expect(input).toHaveValue('NOSUCHCOMMAND')
  await input.press('ArrowUp')
  await expect(input).toHaveValue('SET "unbalanced')
  await input.press('ArrowUp')
  await input.press('ArrowUp')
  await input.press('ArrowUp')
  await expect(input).toHaveValue('GET user.1.name')
  await input.press('ArrowDown')
  await expect(input).toHaveValue('SET "my key" "b c"')
  await input.press('ArrowUp')
  await input.press('Enter')
  await expect(replies.last()).toHaveText('"Zhangsan"')

  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, 'console.png') })

  // Remove asks first; Cancel keeps the node.
  await row.getByTestId('node-remove').click()
  await row.getByTestId('node-remove-cancel').click()
  await expect(row).toHaveCount(1)
  await row.getByTestId('node-remove').click()
  await row.getByTestId('node-remove-confirm').click()
  await expect(row).toHaveCount(0)
  await expect(page.getByTestId('console')).toHaveCount(0)
})
