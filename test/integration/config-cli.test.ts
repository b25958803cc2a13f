/**
 * The built tandem-server's command line: fatal config errors, -v/-h, stdin
 * config, and CONFIG GET/SET over the wire compared with what a user sees.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TANDEM_SERVER_JS, freePort, startTandem, tempDir, waitForPort, type RunningServer } from '../helpers/processes'

const running: RunningServer[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function runCli(args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TANDEM_SERVER_JS, ...args], { input, encoding: 'utf8', timeout: 15_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** redis-cli (not on a tty) prints an error reply followed by an empty line. */
const errorLine = (text: string): string => `${text}\n\n`

function redisCli(port: number, ...args: string[]): string {
  const r = spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', timeout: 10_000 })
  return r.stdout
}

describe('tandem-server command line', () => {
  it('a bad config file stops it with exit code 1 and names file and line on stderr', () => {
    const dir = tempDir()
    dirs.push(dir)
    const file = join(dir, 'bad.conf')
    writeFileSync(file, '# comment\nport 7000\ndaemonize maybe\n')
    const r = runCli([file])
    expect(r.status).toBe(1)
    expect(r.stderr).toBe(
      `\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file ${file}, at line 3\n>>> 'daemonize maybe'\nargument must be 'yes' or 'no'\n`,
    )
  })

  it('an unknown directive on the command line is fatal too', () => {
    const r = runCli(['--no-such-thing', 'x'])
    expect(r.status).toBe(1)
    // Exactly what redis-server prints: the options follow an empty first line.
    expect(r.stderr).toBe(
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'no-such-thing \"x\"'\nBad directive or wrong number of arguments\n",
    )
  })

  it('a missing config file is fatal', () => {
    const r = runCli(['/nonexistent/tandem.conf'])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/# Fatal error, can't open config file '\/nonexistent\/tandem.conf': No such file or directory/)
  })

  it('prints its version and usage', () => {
    const v = runCli(['-v'])
    expect(v.status).toBe(0)
    expect(v.stdout).toMatch(/^Redis server v=7\.0\.15 .* tandem=\d+\.\d+\.\d+\n$/)
    const h = runCli(['--help'])
    expect(h.status).toBe(0)
    expect(h.stdout).toContain('[/path/to/redis.conf] [options] [-]')
  })

  it('runs as an executable, as `npx tandem-server` does through the package bin', () => {
    // No `node` in front: the kernel must find the #! line and the execute bit.
    const r = spawnSync(TANDEM_SERVER_JS, ['--version'], { encoding: 'utf8', timeout: 15_000 })
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^Redis server v=7\.0\.15 .* tandem=\d+\.\d+\.\d+\n$/)
  })

  it('reads its config from stdin with -', async () => {
    const port = await freePort()
    const child = spawn(process.execPath, [TANDEM_SERVER_JS, '-'], { stdio: ['pipe', 'pipe', 'pipe'] })
    child.stdin.end(`port ${port}\nsave ""\nmaxmemory 2mb\n`)
    try {
      await waitForPort(port)
      expect(redisCli(port, 'config', 'get', 'maxmemory')).toBe('maxmemory\n2097152\n')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('serves CONFIG GET / SET / HELP / RESETSTAT / REWRITE as Redis does', async () => {
    const s = await startTandem(['--save', '', '--Timeout', '42'])
    running.push(s)
    expect(redisCli(s.port, 'config', 'get', 'timeout')).toBe('timeout\n42\n')
    expect(redisCli(s.port, 'config', 'get', 'save')).toBe('save\n\n')
    expect(redisCli(s.port, 'config', 'set', 'maxmemory', '1gb', 'hz', '1000')).toBe('OK\n')
    expect(redisCli(s.port, 'config', 'get', 'maxmemory', 'hz')).toMatch(/^(maxmemory\n1073741824\nhz\n500\n|hz\n500\nmaxmemory\n1073741824\n)$/)
    expect(redisCli(s.port, 'config', 'set', 'daemonize', 'yes')).toBe(
      errorLine("ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"),
    )
    expect(redisCli(s.port, 'config', 'set', 'foo', 'bar')).toBe(errorLine("ERR Unknown option or number of arguments for CONFIG SET - 'foo'"))
    expect(redisCli(s.port, 'config', 'set', 'port')).toBe(errorLine("ERR wrong number of arguments for 'config|set' command"))
    expect(redisCli(s.port, 'config', 'set', 'a', 'b', 'c')).toBe(errorLine('ERR syntax error'))
    expect(redisCli(s.port, 'config', 'rewrite')).toBe(errorLine('ERR The server is running without a config file'))
    expect(redisCli(s.port, 'config', 'resetstat')).toBe('OK\n')
    expect(redisCli(s.port, 'config', 'help').split('\n')[0]).toBe('CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:')
    expect(redisCli(s.port, 'config', 'foo')).toBe(errorLine("ERR unknown subcommand 'foo'. Try CONFIG HELP."))
  })

  it('applies a runtime requirepass at once', async () => {
    const s = await startTandem(['--save', ''])
    running.push(s)
    expect(redisCli(s.port, 'config', 'set', 'requirepass', 'sekret')).toBe('OK\n')
    expect(redisCli(s.port, 'ping')).toBe(errorLine('NOAUTH Authentication required.'))
    expect(redisCli(s.port, '--no-auth-warning', '-a', 'sekret', 'ping')).toBe('PONG\n')
  })
})
