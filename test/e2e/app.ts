/**
 * What every e2e spec does to drive the page: open it with the token,
 * create a node, type in the console, or call the API the page itself uses.
 */
import { expect, type Locator, type Page } from '@playwright/test'
import { join } from 'node:path'
import type { ApiMethod, ApiParams, ApiResult } from '../../shared/api'

export const ARTIFACTS = join(process.cwd(), 'artifacts', 'e2e')

export async function openApp(page: Page): Promise<void> {
  await page.goto(`/?token=${process.env.TANDEM_E2E_TOKEN}`)
  await expect(page.getByTestId('connection-state')).toHaveText('Connected')
}

export async function typeCommand(page: Page, line: string): Promise<void> {
  const input = page.getByTestId('console-input')
  await input.fill(line)
  await input.press('Enter')
}

export function nodeRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="node-row"][data-node-name="${name}"]`)
}

/** Creates a node with the page's form and waits until it runs and answers. */
export async function createNodeInForm(page: Page, name: string): Promise<Locator> {
  await page.getByTestId('create-name').fill(name)
  await page.getByTestId('create-submit').click()
  const row = nodeRow(page, name)
  await expect(row).toHaveCount(1)
  await expect(row.getByTestId('node-state')).toHaveText('running', { timeout: 30_000 })
  await expect(row.getByTestId('node-live')).toHaveAttribute('data-live', 'true', { timeout: 30_000 })
  return row
}

/**
 * A call over the page's own WebSocket API, for what the page does not offer
 * (extra redis.conf directives such as `appendonly yes`) and for cleanup.
 */
export async function callApi<M extends ApiMethod>(page: Page, method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const result = await page.evaluate(
    ({ method, params }) =>
      new Promise<unknown>((resolve, reject) => {
        // Runs in the page: its globals, typed here without the DOM library.
        const page = globalThis as unknown as {
          location: { host: string; search: string }
          WebSocket: new (url: string) => {
            onopen: (() => void) | null
            onerror: (() => void) | null
            onmessage: ((message: { data: unknown }) => void) | null
            send(data: string): void
            close(): void
          }
        }
        const token = new URLSearchParams(page.location.search).get('token') ?? ''
        const socket = new page.WebSocket(`ws://${page.location.host}/api?token=${encodeURIComponent(token)}`)
        socket.onopen = () => socket.send(JSON.stringify({ kind: 'call', id: 1, method, params }))
        socket.onerror = () => reject(new Error('API socket failed'))
        socket.onmessage = (message) => {
          const frame = JSON.parse(String(message.data)) as { kind: string; id?: number; ok?: boolean; result?: unknown; error?: string }
          if (frame.kind !== 'result' || frame.id !== 1) return
          socket.close()
          if (frame.ok) resolve(frame.result)
          else reject(new Error(`${method}: ${frame.error ?? 'failed'}`))
        }
      }),
    { method, params },
  )
  return result as ApiResult<M>
}

/** Removes the named nodes if they exist (a spec's cleanup, whatever point it reached). */
export async function removeNodes(page: Page, names: readonly string[]): Promise<void> {
  for (const view of await callApi(page, 'fleet.list', {})) {
    if (names.includes(view.spec.name)) await callApi(page, 'node.remove', { id: view.spec.id })
  }
}

/**
 * Writes `count` string keys (`key:0`… with `valueBytes`-byte values) straight
 * to a node over the wire, pipelined: a data set big enough to watch a full
 * sync, without DEBUG POPULATE (Redis refuses DEBUG unless enable-debug-command).
 */
export async function loadKeys(port: number, count: number, valueBytes = 64): Promise<void> {
  const { Redis } = await import('ioredis')
  const client = new Redis({ host: '127.0.0.1', port, protocol: 2, lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  try {
    const value = 'v'.repeat(valueBytes)
    const batch = 10_000
    for (let start = 0; start < count; start += batch) {
      const pipeline = client.pipeline()
      // MSET of 100 keys per command: fewer round trips and commands than one SET per key.
      for (let i = start; i < Math.min(start + batch, count); i += 100) {
        const args: string[] = []
        for (let k = i; k < Math.min(i + 100, count); k++) args.push(`key:${k}`, value)
        pipeline.mset(...args)
      }
      const results = await pipeline.exec()
      const failed = results?.find(([error]) => error)
      if (failed) throw failed[0]
    }
  } finally {
    client.disconnect()
  }
}

/** The node's entry in the topology tree (its own item, holding its replicas' items). */
export function topologyNode(scope: Page | Locator, name: string): Locator {
  return scope.locator(`[data-testid="topology-node"][data-node-name="${name}"]`)
}

/** A full-page screenshot kept under artifacts/e2e/. */
export async function saveScreenshot(page: Page, fileName: string): Promise<void> {
  const { mkdirSync } = await import('node:fs')
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, fileName), fullPage: true })
}
