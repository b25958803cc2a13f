/**
 * The start-up log's last line is what scripts and supervisors wait for
 * (`grep 'Ready to accept connections'`): tandem-server prints the same
 * text as Redis 7.0.15, on a line of its own.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()))
})

/** The message part of each log line (after `pid:role date time level `). */
function messages(output: string): string[] {
  return output
    .split('\n')
    .map((line) => /^\d+:[A-Z] \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d\.\d{3} [.\-*#] (.*)$/.exec(line)?.[1])
    .filter((m): m is string => m !== undefined)
}

async function readyLine(start: () => Promise<RunningServer>): Promise<string | undefined> {
  const server = await start()
  running.push(server)
  const deadline = Date.now() + 5000
  while (!server.output().includes('Ready to accept') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  return messages(server.output()).find((m) => m.startsWith('Ready to accept'))
}

describe('start-up log', () => {
  it('says "Ready to accept connections" exactly as Redis 7.0 does', async () => {
    expect(await readyLine(() => startTandem(['--save', '']))).toBe('Ready to accept connections')
  })

  it.runIf(hasRealRedis())('and real Redis 7.0 prints that very line', async () => {
    expect(await readyLine(() => startRedis(['--save', '']))).toBe('Ready to accept connections')
  })
})
