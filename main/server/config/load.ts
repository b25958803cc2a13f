/**
 * Loading redis.conf the way Redis 7.0 does (config.c loadServerConfig):
 * the file, then stdin (`-`), then the command-line options as extra lines;
 * directive names case-insensitive; arguments split like sdssplitargs;
 * `include` read recursively (relative paths against the cwd); the first
 * `save` line replaces the defaults and later ones add to it; the first error
 * stops everything with Redis's FATAL CONFIG FILE ERROR block.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { DEPRECATED_DIRECTIVES, findDirective } from '../../../shared/config-directives'
import { quoteArg, splitArgs } from '../../../shared/split-args'
import { Config } from './config'
import { globMatch } from './glob'

export const REDIS_VERSION = '7.0.15'

/** A bad line: Redis's fatal block, plus the file it came from. */
export class ConfigFileError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string | undefined,
    readonly line: number,
    readonly lineText: string,
  ) {
    super(reason)
  }

  /** What goes to stderr before exit(1). */
  format(): string {
    const where = this.file ? `Reading the configuration file ${this.file}, at line ${this.line}` : `Reading the configuration file, at line ${this.line}`
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n${where}\n>>> '${this.lineText}'\n${this.reason}\n`
  }
}

/** A config file that cannot be read: Redis logs this as a warning line, then exits 1. */
export class ConfigOpenError extends Error {
  constructor(readonly file: string, cause: string) {
    super(`Fatal error, can't open config file '${file}': ${cause}`)
  }
}

export interface CommandLine {
  configFile?: string
  fromStdin: boolean
  /** The options as config lines, exactly as Redis builds them (one directive per line). */
  options: string
}

export { quoteArg }

/**
 * server.c main(): `[config-file] [-] [--name value ...] [-]`. Each `--name`
 * starts a new line and the following words are its arguments, so
 * `--save 900 1 --port 7000` works; `--save` with nothing after it means `save ""`.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let j = 0
  let configFile: string | undefined
  let fromStdin = false
  if (argv.length > 0 && !argv[0].startsWith('-')) {
    configFile = argv[0]
    j = 1
  }
  let options = ''
  let lastWasName = true
  for (; j < argv.length; j++) {
    const arg = argv[j]
    if (arg === '-' && (j === 0 || j === argv.length - 1)) {
      fromStdin = true
    } else if (lastWasName && arg.startsWith('--')) {
      if (options.length > 0) options += '\n'
      options += `${arg.slice(2)} `
      const words = splitArgs(arg) ?? []
      if (words.length === 1) {
        lastWasName = false
        const isSave = arg.toLowerCase() === '--save'
        if (isSave && (j === argv.length - 1 || argv[j + 1].startsWith('--'))) {
          options += '""'
          lastWasName = true
        }
      } else {
        // "--port 6380" as one word: name and value together.
        lastWasName = true
      }
    } else {
      options += `${quoteArg(arg)} `
      lastWasName = true
    }
  }
  return { configFile, fromStdin, options }
}

function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  switch (code) {
    case 'ENOENT':
      return 'No such file or directory'
    case 'EACCES':
      return 'Permission denied'
    case 'EISDIR':
      return 'Is a directory'
    case 'ENOTDIR':
      return 'Not a directory'
    default:
      return e instanceof Error ? e.message : String(e)
  }
}

function readConfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigOpenError(path, strerror(e))
  }
}

/** `include` with wildcards: matching files in name order; none is fine (an empty conf.d). */
function expandInclude(path: string): string[] {
  if (!/[*?[]/.test(path)) return [path]
  const dir = dirname(path)
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((n) => globMatch(basename(path), n))
    .sort()
    .map((n) => join(dir, n))
}

interface LoadState {
  saveSeen: boolean
  /** Include depth guard: a file including itself would otherwise never end. */
  depth: number
}

interface Source {
  /** Shown in error messages; undefined for text with no file. */
  file: string | undefined
  /** Lines after this one belong to the command line, not to `file`. */
  fileLines: number
}

/** Applies config text to `config`; throws ConfigFileError on the first bad line. */
export function loadConfigText(config: Config, text: string, source: Source = { file: undefined, fileLines: 0 }, state: LoadState = { saveSeen: false, depth: 0 }): void {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
    if (line === '' || line.startsWith('#')) continue
    const fail = (reason: string): never => {
      throw new ConfigFileError(reason, i < source.fileLines ? source.file : undefined, i + 1, line)
    }
    const argv = splitArgs(line)
    if (argv === null) fail('Unbalanced quotes in configuration line')
    if (argv === null || argv.length === 0) continue
    const name = argv[0].toLowerCase()
    const spec = findDirective(name)
    const args = spec?.multiArg && !spec.fileOnly ? splitLoneArgument(argv.slice(1)) : argv.slice(1)

    if (spec && !spec.fileOnly) {
      if (!spec.multiArg && args.length !== 1) fail('wrong number of arguments')
      if (spec.name === 'save') {
        applySaveLine(config, args, state, fail)
        continue
      }
      const error = config.applyFileLine(spec, args)
      if (error !== null) fail(error)
      continue
    }
    if (DEPRECATED_DIRECTIVES.includes(name) && args.length === 1) continue

    if (name === 'include' && args.length === 1) {
      if (state.depth > 32) fail('Too many nested includes')
      for (const path of expandInclude(args[0])) {
        const included = readConfigFile(path)
        loadConfigText(config, included, { file: resolve(path), fileLines: Number.MAX_SAFE_INTEGER }, { ...state, depth: state.depth + 1 })
      }
    } else if (name === 'rename-command' && args.length === 2) {
      config.renamedCommands.push([args[0], args[1]])
      config.acceptedWithoutEffect('rename-command')
    } else if ((name === 'user' || name === 'loadmodule') && args.length >= 1) {
      config.acceptedWithoutEffect(name)
    } else if (name.includes('.')) {
      if (args.length !== 1) fail('Module config specified without value')
    } else if (name === 'sentinel') {
      if (args.length !== 0) fail('sentinel directive while not in sentinel mode')
    } else {
      fail('Bad directive or wrong number of arguments')
    }
  }
}

/** The first `save` line replaces the defaults, later ones add to it, and `save ""` clears. */
/**
 * Redis 7.0 re-splits a multi-argument directive given as one non-empty
 * argument, so `--save "3600 1"` and `save "3600 1 300 10"` mean two
 * points; unbalanced quotes inside leave no arguments, as sdssplitargs does.
 */
function splitLoneArgument(args: string[]): string[] {
  if (args.length !== 1 || args[0] === '') return args
  return splitArgs(args[0]) ?? []
}

function applySaveLine(config: Config, args: string[], state: LoadState, fail: (reason: string) => never): void {
  const spec = findDirective('save')
  if (!spec) return
  const before = state.saveSeen ? (config.get('save') ?? '') : ''
  const error = config.applyFileLine(spec, args)
  if (error !== null) fail(error)
  state.saveSeen = true
  const added = config.get('save') ?? ''
  const cleared = args.length === 1 && args[0] === ''
  config.setLoaded('save', cleared ? '' : [before, added].filter((s) => s !== '').join(' '))
}

export interface LoadOptions {
  /** Read when the command line says `-`. */
  readStdin?: () => string
  /** The start-up working directory (default `dir`). */
  cwd?: string
  /** Told once per directive that is accepted without effect. */
  onUnimplemented?: (name: string) => void
}

/** Builds the start-up Config from a parsed command line. Throws ConfigFileError / ConfigOpenError. */
export function loadConfig(cmd: CommandLine, options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd()
  const config = new Config(cwd)
  config.onUnimplemented = options.onUnimplemented
  let text = ''
  let file: string | undefined
  if (cmd.configFile !== undefined) {
    file = resolve(cwd, cmd.configFile)
    config.configFile = file
    text = readConfigFile(file)
  }
  if (cmd.fromStdin) text += (options.readStdin ?? (() => readFileSync(0, 'utf8')))()
  // Lines up to here belong to the file (stdin text is reported without a name, as Redis does).
  const fileLines = cmd.configFile !== undefined && !cmd.fromStdin ? text.split('\n').length - (text.endsWith('\n') ? 1 : 0) : 0
  if (cmd.options !== '') text += `\n${cmd.options}`
  loadConfigText(config, text, { file, fileLines })
  return config
}
