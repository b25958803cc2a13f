#!/usr/bin/env node
/**
 * `npm test`: the whole suite in order — lint, type-check, build, vitest
 * (unit + integration), Playwright — stopping at the first failing stage.
 * Whatever happens, it ends with one plain line CI reads:
 *   N passed, N failed[, N skipped]
 * summed over vitest and Playwright (a failing non-test stage counts as one
 * failure), and exits non-zero when anything failed.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const BIN = join(ROOT, 'node_modules', '.bin')
const reports = mkdtempSync(join(tmpdir(), 'tandem-test-reports-'))

/** Runs a command with the terminal attached; resolves with its exit code. */
function run(command, args, env = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } })
    child.on('error', (e) => {
      console.error(`cannot run ${command}: ${e.message}`)
      resolvePromise(127)
    })
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)))
  })
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

/** A stage that only passes or fails (no test counts of its own). */
function plainStage(id, name, command, args) {
  return { id, name, run: async () => ({ ok: (await run(command, args)) === 0 }) }
}

const vitestStage = {
  id: 'vitest',
  name: 'vitest (unit + integration)',
  async run() {
    const file = join(reports, 'vitest.json')
    const code = await run(join(BIN, 'vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`])
    const report = readJson(file)
    if (!report) return { ok: false, counts: { passed: 0, failed: 1, skipped: 0 }, note: `no JSON report (exit ${code})` }
    const counts = {
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      skipped: report.numPendingTests + report.numTodoTests,
    }
    // A file that fails to load has no failed test, but the run failed: count it.
    if (code !== 0 && counts.failed === 0) counts.failed = Math.max(1, report.numFailedTestSuites)
    return { ok: code === 0, counts }
  },
}

const playwrightStage = {
  id: 'playwright',
  name: 'playwright (e2e)',
  async run() {
    if (!existsSync(join(ROOT, 'playwright.config.ts'))) return { ok: false, counts: { passed: 0, failed: 1, skipped: 0 }, note: 'playwright.config.ts missing' }
    const file = join(reports, 'playwright.json')
    const code = await run(join(BIN, 'playwright'), ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_FILE: file })
    const report = readJson(file)
    if (!report?.stats) return { ok: false, counts: { passed: 0, failed: 1, skipped: 0 }, note: `no JSON report (exit ${code})` }
    const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats
    const counts = { passed: expected + flaky, failed: unexpected, skipped }
    if (code !== 0 && counts.failed === 0) counts.failed = 1
    return { ok: code === 0, counts }
  },
}

const STAGES = [
  plainStage('lint', 'eslint', join(BIN, 'eslint'), ['.']),
  plainStage('typecheck', 'type-check', 'npm', ['run', '--silent', 'typecheck']),
  plainStage('build', 'build', join(BIN, 'electron-vite'), ['build']),
  vitestStage,
  playwrightStage,
]

function selectedStages(argv) {
  const at = argv.indexOf('--stages')
  if (at < 0) return STAGES
  const ids = (argv[at + 1] ?? '').split(',').filter(Boolean)
  const unknown = ids.filter((id) => !STAGES.some((s) => s.id === id))
  if (unknown.length || ids.length === 0) throw new Error(`--stages takes a comma-separated list of ${STAGES.map((s) => s.id).join(', ')}`)
  return STAGES.filter((s) => ids.includes(s.id))
}

async function main() {
  const stages = selectedStages(process.argv.slice(2))
  const totals = { passed: 0, failed: 0, skipped: 0 }
  const lines = []
  let stopped = false
  for (const stage of stages) {
    if (stopped) {
      lines.push(`  -  ${stage.name}: not run (an earlier stage failed)`)
      continue
    }
    console.log(`\n=== ${stage.name} ===`)
    const started = Date.now()
    const result = await stage.run()
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    const counts = result.counts ?? { passed: 0, failed: result.ok ? 0 : 1, skipped: 0 }
    totals.passed += counts.passed
    totals.failed += counts.failed
    totals.skipped += counts.skipped
    const detail = result.counts ? ` — ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : ''
    lines.push(`  ${result.ok ? 'ok' : 'FAIL'}  ${stage.name} (${seconds} s)${detail}${result.note ? ` (${result.note})` : ''}`)
    if (!result.ok) stopped = true
  }
  rmSync(reports, { recursive: true, force: true })
  console.log(`\nSummary:\n${lines.join('\n')}\n`)
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : ''
  console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`)
  process.exitCode = totals.failed > 0 || stopped ? 1 : 0
}

main().catch((e) => {
  console.error(e)
  console.log('0 passed, 1 failed')
  process.exitCode = 1
})
