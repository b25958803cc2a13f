/**
 * The live configuration: every directive of the table in shared/ with its
 * current value in CONFIG GET form. Implements the ConfigView the server reads,
 * CONFIG GET pattern matching and CONFIG SET's all-or-nothing semantics, and
 * tells listeners about runtime changes so the server can react (requirepass,
 * maxclients, timeout, hz, loglevel …).
 */
import { DIRECTIVES, findDirective, type DirectiveSpec } from '../../../shared/config-directives'
import type { ConfigView } from '../context'
import { globMatch } from './glob'
import { parseDirectiveValue, parseMemory } from './values'

/**
 * Called after a CONFIG SET changed `name` (canonical). Throwing rejects the
 * whole CONFIG SET: every value is restored and the error message becomes the
 * reason in "CONFIG SET failed (possibly related to argument …) - <reason>".
 */
export type ConfigChangeListener = (name: string, value: string) => void

export interface SaveParam {
  readonly seconds: number
  readonly changes: number
}

/** hz is a hint: Redis accepts any value but runs between these. */
const MIN_HZ = 1
const MAX_HZ = 500

export class Config implements ConfigView {
  private readonly values = new Map<string, string>()
  private readonly listeners = new Set<ConfigChangeListener>()
  private readonly reportedUnimplemented = new Set<string>()
  /** `rename-command` lines in file order (applied by the command table, if at all). */
  readonly renamedCommands: [from: string, to: string][] = []
  /** The config file given on the command line, absolute; undefined when none (CONFIG REWRITE needs it). */
  configFile: string | undefined
  /** Told once per directive that is set but not implemented. */
  onUnimplemented: ((name: string) => void) | undefined

  constructor(startDir: string = process.cwd()) {
    for (const spec of DIRECTIVES) if (!spec.fileOnly) this.values.set(spec.name, spec.default)
    this.values.set('dir', startDir)
  }

  get(name: string): string | undefined {
    const spec = findDirective(name)
    return spec && !spec.fileOnly ? this.values.get(spec.name) : undefined
  }

  /** Parsed numbers by name and the raw text they came from: hot paths (every request's bulk limit) read them. */
  private readonly parsedNumbers = new Map<string, { readonly raw: string; readonly value: number }>()

  number(name: string): number {
    const cached = this.parsedNumbers.get(name)
    if (cached !== undefined && cached.raw === this.values.get(this.spec(name).name)) return cached.value
    const value = this.parseNumber(name)
    this.parsedNumbers.set(name, { raw: this.values.get(this.spec(name).name) ?? '', value })
    return value
  }

  private parseNumber(name: string): number {
    const spec = this.spec(name)
    const raw = this.values.get(spec.name) ?? ''
    if (spec.type === 'memory-percent' && raw.endsWith('%')) return -Number(raw.slice(0, -1))
    if (spec.type === 'octal') return parseInt(raw, 8)
    if (spec.type === 'memory' || spec.type === 'memory-percent') return Number(parseMemory(raw) ?? 0n)
    if (spec.type !== 'integer') throw new Error(`config directive '${name}' is not numeric`)
    return Number(raw)
  }

  bool(name: string): boolean {
    const spec = this.spec(name)
    if (spec.type !== 'bool') throw new Error(`config directive '${name}' is not yes/no`)
    return this.values.get(spec.name) === 'yes'
  }

  /** `save` as (seconds, changes) pairs, empty when snapshots are off. */
  saveParams(): SaveParam[] {
    const words = (this.values.get('save') ?? '').split(' ').filter((w) => w !== '')
    const out: SaveParam[] = []
    for (let i = 0; i + 1 < words.length; i += 2) out.push({ seconds: Number(words[i]), changes: Number(words[i + 1]) })
    return out
  }

  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** CONFIG GET: every directive matching any pattern, named as matched (aliases included). */
  getMatching(patterns: readonly string[]): [string, string][] {
    const found = new Map<string, string>()
    const taken = new Set<string>()
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const spec = findDirective(pattern)
        if (spec && !spec.fileOnly && !found.has(pattern)) found.set(pattern, this.values.get(spec.name) ?? '')
        continue
      }
      for (const spec of DIRECTIVES) {
        if (spec.fileOnly || spec.hidden) continue
        for (const name of [spec.name, ...spec.aliases]) {
          if (taken.has(name) || found.has(name) || !globMatch(pattern, name)) continue
          taken.add(name)
          found.set(name, this.values.get(spec.name) ?? '')
        }
      }
    }
    return [...found]
  }

  /**
   * Sets one directive from a config file line (`args` are the words after the
   * name). Returns Redis's error reason or null. No listeners: nothing runs yet.
   */
  applyFileLine(spec: DirectiveSpec, args: readonly string[]): string | null {
    const result = parseDirectiveValue(spec, args, { current: this.values.get(spec.name) ?? '', dir: this.values.get('dir') ?? '' })
    if (!result.ok) return result.error
    this.values.set(spec.name, this.clamp(spec, result.value))
    this.noteUnimplemented(spec)
    return null
  }

  /** Replaces a value the loader computed itself (save accumulation). */
  setLoaded(name: string, value: string): void {
    this.values.set(this.spec(name).name, value)
  }

  /** One directive, as CONFIG SET would: returns the error reply text or null. */
  set(name: string, value: string): string | null {
    return this.setMany([[name, value]])
  }

  /**
   * CONFIG SET with several pairs, all or nothing, with Redis 7.0's checks in
   * its order. Returns the full error reply text (`ERR …`) or null on success.
   */
  setMany(pairs: readonly (readonly [string, string])[], options: { localClient?: boolean } = {}): string | null {
    const specs: DirectiveSpec[] = []
    let unknownName: string | undefined
    let failure: { name: string; reason: string } | undefined
    for (const [name] of pairs) {
      const spec = findDirective(name)
      if (!spec || spec.fileOnly) {
        if (!unknownName && !failure) unknownName = name
        continue
      }
      if (unknownName || failure) continue
      if (!spec.runtime) failure = { name, reason: "can't set immutable config" }
      else if (spec.protected && !this.allowsProtected(options.localClient ?? false)) failure = { name, reason: "can't set protected config" }
      else if (specs.includes(spec)) failure = { name, reason: 'duplicate parameter' }
      specs.push(spec)
    }
    if (unknownName !== undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknownName}'`
    if (failure) return `ERR CONFIG SET failed (possibly related to argument '${failure.name}') - ${failure.reason}`

    const old = new Map(specs.map((s) => [s.name, this.values.get(s.name) ?? '']))
    const changed: DirectiveSpec[] = []
    for (let i = 0; i < pairs.length; i++) {
      const spec = specs[i]
      const args = spec.multiArg ? pairs[i][1].split(' ') : [pairs[i][1]]
      const result = parseDirectiveValue(spec, args, { current: this.values.get(spec.name) ?? '', dir: this.values.get('dir') ?? '' })
      if (!result.ok) {
        this.restore(old)
        return `ERR CONFIG SET failed (possibly related to argument '${spec.name}') - ${result.error}`
      }
      const value = this.clamp(spec, result.value)
      if (value !== old.get(spec.name)) changed.push(spec)
      this.values.set(spec.name, value)
    }
    for (const spec of changed) {
      try {
        for (const listener of this.listeners) listener(spec.name, this.values.get(spec.name) ?? '')
      } catch (e) {
        this.restore(old)
        for (const s of changed) for (const listener of this.listeners) this.notifyQuietly(listener, s.name)
        return `ERR CONFIG SET failed (possibly related to argument '${spec.name}') - ${e instanceof Error ? e.message : String(e)}`
      }
    }
    for (const spec of specs) this.noteUnimplemented(spec)
    return null
  }

  private notifyQuietly(listener: ConfigChangeListener, name: string): void {
    try {
      listener(name, this.values.get(name) ?? '')
    } catch {
      // Restoring the old value: nothing better to do than keep going, as Redis logs and continues.
    }
  }

  private restore(old: Map<string, string>): void {
    for (const [name, value] of old) this.values.set(name, value)
  }

  private allowsProtected(localClient: boolean): boolean {
    const mode = this.values.get('enable-protected-configs')
    return mode === 'yes' || (mode === 'local' && localClient)
  }

  private clamp(spec: DirectiveSpec, value: string): string {
    if (spec.name !== 'hz') return value
    return String(Math.min(MAX_HZ, Math.max(MIN_HZ, Number(value))))
  }

  private noteUnimplemented(spec: DirectiveSpec): void {
    // A directive left at its default changes nothing, implemented or not: not worth a log line.
    if (spec.implemented) return
    if (this.values.get(spec.name) === spec.default) return
    this.acceptedWithoutEffect(spec.name)
  }

  /** Reports (once per name) a directive tandem-server accepts but does not act on. */
  acceptedWithoutEffect(name: string): void {
    if (this.reportedUnimplemented.has(name)) return
    this.reportedUnimplemented.add(name)
    this.onUnimplemented?.(name)
  }

  private spec(name: string): DirectiveSpec {
    const spec = findDirective(name)
    if (!spec || spec.fileOnly) throw new Error(`unknown config directive '${name}'`)
    return spec
  }
}
