/**
 * THE orphans test: web mode is SIGKILLed (nothing in it can run on the way
 * out) and every tandem-server it started must still go away by itself, via
 * the fork IPC lifeline.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { ConsoleReply, NodeView } from '../../shared/types'
import { TANDEM_SERVER_JS, tempDir } from '../helpers/processes'
import { ApiClient, TOKEN, startWebMode, webModeBuilt, type WebMode } from '../helpers/web-mode'

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // Reparented children may linger as zombies where PID 1 does not reap: dead all the same.
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

/** Live processes whose command line mentions the folder (the servers get their conf path from it). */
function processesMentioning(folder: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((line) => line.includes(folder) && line.includes('cli.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter(isAlive)
}

describe.skipIf(!webModeBuilt || !existsSync(TANDEM_SERVER_JS))('no orphans', () => {
  const dataDir = tempDir('tandem-orphans-')
  let web: WebMode | undefined
  const serverPids: number[] = []

  afterAll(() => {
    web?.process.kill('SIGKILL')
    for (const pid of serverPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('kill -9 of web mode takes every tandem-server with it within seconds', async () => {
    web = await startWebMode(dataDir)
    const api = await ApiClient.connect(web.base.replace('http:', 'ws:') + '/api?token=' + TOKEN)
    for (const name of ['first', 'second']) {
      const node = await api.call<NodeView>('node.create', { name })
      expect(node.status.processState).toBe('running')
      const info = await api.call<ConsoleReply>('console.exec', { id: node.spec.id, argv: ['INFO', 'server'] })
      const pid = Number(/process_id:(\d+)/.exec(info.type === 'bulk' || info.type === 'verbatim' ? info.value : '')?.[1])
      expect(pid).toBeGreaterThan(0)
      serverPids.push(pid)
    }
    api.close()
    expect(serverPids.every(isAlive)).toBe(true)
    expect(processesMentioning(dataDir).sort()).toEqual([...serverPids].sort())

    const webPid = web.process.pid!
    const exited = new Promise((r) => web!.process.once('exit', r))
    process.kill(webPid, 'SIGKILL')
    await exited

    const deadline = Date.now() + 5000
    while (serverPids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(serverPids.filter(isAlive)).toEqual([])
    expect(processesMentioning(dataDir)).toEqual([])
  })
})
