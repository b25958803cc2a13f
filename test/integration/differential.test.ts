/**
 * The differential test: every script test/differential/<family>.redis runs
 * against tandem-server and a real redis-server 7, once in RESP2 and once
 * after `HELLO 3`, on fresh servers each time, and every reply must match byte
 * for byte (or by shape where the output is inherently variable). A new
 * command family adds its script file; nothing here changes.
 */
import { appendFileSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { REPO_ROOT, hasRealRedis, startRedis, startTandem, type RunningServer } from '../helpers/processes'
import { formatMismatches, runScript, type PassResult, type Protocol } from '../differential/harness'
import { countCommands, parseScript } from '../differential/script'
import { RespConnection } from '../differential/resp-client'

const SCRIPT_DIR = 'test/differential'
const SCRIPT_FILES = readdirSync(join(REPO_ROOT, SCRIPT_DIR))
  .filter((f) => f.endsWith('.redis'))
  .sort()
  .map((f) => `${SCRIPT_DIR}/${f}`)
const PROTOCOLS: Protocol[] = [2, 3]
/** The issue asks for at least 200 commands in the core script and 100 for each data-type family. */
const minimumCommands = (file: string): number => (file.endsWith('/core.redis') ? 200 : 100)

/**
 * Fails with every differing line, readable as it stands (command, line,
 * both replies escaped). DIFFERENTIAL_REPORT=<file> also appends it there.
 */
function expectNoMismatches(
  result: PassResult,
  scriptFile: string,
  steps: ReturnType<typeof parseScript>,
  names: { subject: string; reference: string },
): void {
  const report = formatMismatches(result, scriptFile, names)
  if (report && process.env.DIFFERENTIAL_REPORT) appendFileSync(process.env.DIFFERENTIAL_REPORT, `${report}\n\n`)
  if (report) throw new Error(`${result.mismatches.length} of ${result.commands} replies differ (RESP${result.protocol}):\n\n${report}`)
  expect(result.commands).toBe(countCommands(steps))
}

const running: RunningServer[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()))
})

async function start(kind: 'tandem' | 'redis'): Promise<RunningServer> {
  const server = kind === 'tandem' ? await startTandem(['--save', '']) : await startRedis()
  running.push(server)
  return server
}

describe.runIf(hasRealRedis())('differential harness', () => {
  it('reports a server whose replies differ', async () => {
    const [a, b] = await Promise.all([start('redis'), start('redis')])
    const tamper = new RespConnection(a.port)
    await tamper.send([Buffer.from('SET'), Buffer.from('probe'), Buffer.from('tampered')])
    tamper.close()
    const probe = parseScript(Buffer.from('GET probe\n@unordered KEYS *\n@ttl-range 5 TTL probe\n'))
    const result = await runScript(probe, { name: 'a', port: a.port }, { name: 'b', port: b.port }, 3)
    expect(result.mismatches.map((m) => m.line)).toEqual([1, 2, 3])
    expect(formatMismatches(result, 'probe', { subject: 'a', reference: 'b' })).toContain('"$8\\r\\ntampered\\r\\n"')
  })
})

describe.runIf(hasRealRedis()).each(SCRIPT_FILES)('differential script %s', (scriptFile) => {
  const steps = parseScript(readFileSync(join(REPO_ROOT, scriptFile)))

  it('covers enough commands', () => {
    expect(countCommands(steps)).toBeGreaterThanOrEqual(minimumCommands(scriptFile))
  })

  // The script must be deterministic: two real Redis servers agree on every line.
  // If this fails, the script (not tandem-server) has a line that needs a directive.
  it.each(PROTOCOLS)('two real Redis servers agree on every line (RESP%i)', async (protocol) => {
    const [a, b] = await Promise.all([start('redis'), start('redis')])
    const result = await runScript(steps, { name: 'redis A', port: a.port }, { name: 'redis B', port: b.port }, protocol)
    expectNoMismatches(result, scriptFile, steps, { subject: 'redis A', reference: 'redis B' })
  })

  it.each(PROTOCOLS)('tandem-server replies exactly like Redis 7 (RESP%i)', async (protocol) => {
    const [tandem, redis] = await Promise.all([start('tandem'), start('redis')])
    const result = await runScript(steps, { name: 'tandem', port: tandem.port }, { name: 'redis', port: redis.port }, protocol)
    expectNoMismatches(result, scriptFile, steps, { subject: 'tandem', reference: 'redis' })
  })
})
