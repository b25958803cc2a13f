/**
 * tandem-server run by hand the classic way: a redis.conf with daemonize and
 * a pidfile, used with redis-cli and redis-benchmark; and started by an app
 * over IPC, where it must not outlive that app.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TANDEM_SERVER_JS, freePort, tempDir, waitForPort } from '../helpers/processes'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (check()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return check()
}

function redisCli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 }).stdout
}

describe('standalone tandem-server', () => {
  it('runs the classic master config: daemonized, pidfile, redis-cli and redis-benchmark', async () => {
    const dir = tempDir()
    const port = await freePort()
    const pidfile = join(dir, `redis_${port}.pid`)
    const conf = join(dir, 'master.conf')
    writeFileSync(
      conf,
      [
        'daemonize yes',
        `pidfile ${pidfile}`,
        `Port ${port}`,
        '#save 900 1',
        '#save 300 10',
        '#save 60 10000',
        'dbfilename dump.rdb',
        `dir ${dir}`,
        '',
      ].join('\n'),
    )
    let daemonPid = 0
    cleanups.push(() => {
      if (daemonPid && alive(daemonPid)) process.kill(daemonPid, 'SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    })

    // The foreground process returns once the daemon listens.
    const start = spawnSync(process.execPath, [TANDEM_SERVER_JS, conf], { encoding: 'utf8', timeout: 20_000 })
    expect(start.status, start.stderr).toBe(0)
    expect(existsSync(pidfile)).toBe(true)
    daemonPid = Number(readFileSync(pidfile, 'utf8').trim())
    expect(alive(daemonPid)).toBe(true)
    expect(daemonPid).not.toBe(start.pid)

    expect(redisCli(port, 'set', 'user.1.name', 'Zhangsan')).toBe('OK\n')
    expect(redisCli(port, 'get', 'user.1.name')).toBe('Zhangsan\n')

    const bench = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set,get', '-n', '100000', '-q'], {
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(bench.status, bench.stderr).toBe(0)
    expect(bench.stdout + bench.stderr).not.toMatch(/error/i)
    expect(bench.stdout).toMatch(/SET: [\d.]+ requests per second/)
    expect(bench.stdout).toMatch(/GET: [\d.]+ requests per second/)

    // SIGTERM: graceful exit, pidfile removed.
    process.kill(daemonPid, 'SIGTERM')
    expect(await waitUntil(() => !alive(daemonPid), 10_000)).toBe(true)
    expect(existsSync(pidfile)).toBe(false)
  }, 180_000)

  it('a daemon that cannot listen makes the foreground process fail', async () => {
    const dir = tempDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const port = await freePort()
    const blocker = spawn(process.execPath, [TANDEM_SERVER_JS, '--port', String(port), '--save', ''], { stdio: 'ignore' })
    cleanups.push(() => blocker.kill('SIGKILL'))
    await waitForPort(port)
    const r = spawnSync(process.execPath, [TANDEM_SERVER_JS, '--port', String(port), '--daemonize', 'yes', '--dir', dir], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/daemon failed to start: .*EADDRINUSE/)
  })

  it('a server forked by an app exits when the app is SIGKILLed', async () => {
    const port = await freePort()
    // The "app": forks tandem-server with an IPC channel and reports the child's pid once it is ready.
    const app = spawn(
      process.execPath,
      [
        '-e',
        `const { fork } = require('node:child_process');
         const child = fork(${JSON.stringify(TANDEM_SERVER_JS)}, ['--port', '${port}', '--save', ''], { stdio: 'ignore' });
         child.on('message', (m) => { if (m && m.type === 'ready') console.log('child ' + child.pid) });
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    cleanups.push(() => app.kill('SIGKILL'))
    const childPid = await new Promise<number>((res, rej) => {
      let out = ''
      app.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /child (\d+)/.exec(out)
        if (m) res(Number(m[1]))
      })
      app.once('exit', () => rej(new Error(`app exited early: ${out}`)))
    })
    cleanups.push(() => {
      if (alive(childPid)) process.kill(childPid, 'SIGKILL')
    })
    expect(redisCli(port, 'ping')).toBe('PONG\n')

    app.kill('SIGKILL')
    expect(await waitUntil(() => !alive(childPid), 5_000)).toBe(true)
  })
})
