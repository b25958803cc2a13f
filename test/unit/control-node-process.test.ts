import { EventEmitter } from 'node:events'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { NodeProcess, tailFile } from '../../main/control/node-process'
import { pickFreePort } from '../../main/control/ports'
import type { LaunchServer, ServerChild } from '../../main/control/server-launcher'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tandem-proc-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A child that never listens; the test decides when it prints and exits. */
function fakeChild() {
  const events = new EventEmitter()
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const kills: boolean[] = []
  const child: ServerChild = {
    pid: 4242,
    stdout,
    stderr,
    kill(force = false) {
      kills.push(force)
      setTimeout(() => events.emit('exit', null, force ? 'SIGKILL' : 'SIGTERM'), 5)
    },
    onExit(l) {
      events.on('exit', l)
    },
  }
  return { child, stdout, stderr, kills, exit: (code: number) => events.emit('exit', code, null) }
}

async function proc(launch: LaunchServer, startTimeoutMs = 400) {
  const port = await pickFreePort()
  return new NodeProcess({ id: 'x', port, confPath: join(dir, 'redis.conf'), cwd: dir, logPath: join(dir, 'server.log'), launch, startTimeoutMs })
}

describe('NodeProcess', () => {
  it('a server that dies at start reports its exit code and last log lines, which also land in the log', async () => {
    const fake = fakeChild()
    const p = await proc(() => {
      setTimeout(() => {
        fake.stderr.write('*** FATAL CONFIG FILE ERROR ***\nBad directive or wrong number of arguments\n')
        setTimeout(() => fake.exit(1), 10)
      }, 10)
      return fake.child
    })
    await expect(p.start()).rejects.toThrow(/exited before answering PING \(exit code 1\) — last log lines:\n\*\*\* FATAL CONFIG FILE ERROR \*\*\*\nBad directive/)
    expect(p.state).toBe('crashed')
    expect(readFileSync(join(dir, 'server.log'), 'utf8')).toContain('Bad directive or wrong number of arguments')
  })

  it('a server that never answers PING is killed after the start timeout', async () => {
    const fake = fakeChild()
    const p = await proc(() => fake.child, 300)
    await expect(p.start()).rejects.toThrow(/did not answer PING on port \d+ within 300 ms/)
    expect(fake.kills).toEqual([true])
    expect(p.state).toBe('crashed')
  })

  it('stop during start ends as stopped, not crashed', async () => {
    const fake = fakeChild()
    const p = await proc(() => fake.child, 5000)
    const starting = p.start()
    await new Promise((r) => setTimeout(r, 50))
    await p.stop()
    await expect(starting).rejects.toThrow('stopped before it answered PING')
    expect(p.state).toBe('stopped')
    expect(fake.kills[0]).toBe(false)
  })
})

describe('tailFile', () => {
  it('returns the last non-empty lines, or nothing for a missing file', () => {
    const path = join(dir, 'log')
    writeFileSync(path, Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n') + '\n\n')
    expect(tailFile(path, 3)).toEqual(['line 47', 'line 48', 'line 49'])
    expect(tailFile(join(dir, 'missing'))).toEqual([])
  })
})
