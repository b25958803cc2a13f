/**
 * tandem-server runs with SERVER_NODE_FLAGS however it is started: by the
 * app's fork launcher (execArgv) and as the `tandem-server` bin (its shebang).
 * Read back from /proc/<pid>/cmdline, so Linux only.
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { forkLauncher, type ServerChild } from '../../main/control/server-launcher'
import { SERVER_NODE_FLAGS } from '../../shared/server-node-flags'
import { TANDEM_SERVER_JS, freePort, tempDir, waitForPort } from '../helpers/processes'

const canRead = process.platform === 'linux' && existsSync(TANDEM_SERVER_JS)

function commandLine(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
}

describe.skipIf(!canRead)('tandem-server node flags', () => {
  const stops: (() => void)[] = []
  afterEach(() => {
    for (const stop of stops.splice(0)) stop()
  })

  it('the bin script names the flags on its shebang line', () => {
    const shebang = readFileSync(TANDEM_SERVER_JS, 'utf8').split('\n', 1)[0]
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`)
  })

  it('runs with them when executed as a bin', async () => {
    const port = await freePort()
    const child = spawn(TANDEM_SERVER_JS, ['--port', String(port), '--dir', tempDir('tandem-flags-'), '--save', ''], { stdio: 'ignore' })
    stops.push(() => child.kill('SIGKILL'))
    await waitForPort(port)
    const argv = commandLine(child.pid as number)
    expect(argv.slice(1, 1 + SERVER_NODE_FLAGS.length)).toEqual(SERVER_NODE_FLAGS)
  })

  it('runs with them when the app forks it', async () => {
    const port = await freePort()
    const dir = tempDir('tandem-flags-')
    writeFileSync(join(dir, 'node.conf'), `port ${port}\nsave ""\n`)
    const child: ServerChild = forkLauncher(TANDEM_SERVER_JS)(join(dir, 'node.conf'), { cwd: dir })
    stops.push(() => child.kill(true))
    await waitForPort(port)
    expect(commandLine(child.pid as number)).toEqual(expect.arrayContaining([...SERVER_NODE_FLAGS]))
  })
})
