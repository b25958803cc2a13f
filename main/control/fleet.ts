/**
 * The nodes the user defined, persisted as one JSON file in the data folder,
 * plus each local node's own folder (`<data>/nodes/<id>/`) with its generated
 * redis.conf, data files and log.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NodeSpec } from '../../shared/types'
import { CONF_FILE_NAME, LOG_FILE_NAME, mergeRedisConf, quoteConfArg, renderRedisConf } from './redis-conf'

export const FLEET_FILE_NAME = 'fleet.json'

interface FleetFile {
  version: 1
  nodes: NodeSpec[]
  /** Nodes that were running when last saved: started again on the next launch. */
  running: string[]
  /** External nodes' passwords by node id: kept out of NodeSpec so they never reach the renderer. */
  passwords?: Record<string, string>
}

/** Directives a node's replicaOf replaces (masterauth/masteruser only when the fleet knows the master's credentials). */
const REPLICAOF_DIRECTIVES = ['replicaof', 'slaveof']
const MASTER_AUTH_DIRECTIVES = ['masterauth', 'masteruser']

export class FleetFileError extends Error {}

export class Fleet {
  private nodes = new Map<string, NodeSpec>()
  private running = new Set<string>()
  private passwords = new Map<string, string>()

  constructor(readonly dataDir: string) {
    mkdirSync(dataDir, { recursive: true })
    this.load()
  }

  get filePath(): string {
    return join(this.dataDir, FLEET_FILE_NAME)
  }

  list(): NodeSpec[] {
    return [...this.nodes.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  get(id: string): NodeSpec | undefined {
    return this.nodes.get(id)
  }

  wasRunning(id: string): boolean {
    return this.running.has(id)
  }

  newId(): string {
    for (;;) {
      const id = 'n' + randomBytes(4).toString('hex')
      if (!this.nodes.has(id)) return id
    }
  }

  nodeDir(id: string): string {
    return join(this.dataDir, 'nodes', id)
  }

  confPath(id: string): string {
    return join(this.nodeDir(id), CONF_FILE_NAME)
  }

  logPath(id: string): string {
    return join(this.nodeDir(id), LOG_FILE_NAME)
  }

  /** Adds the node, creates its folder and config, saves the fleet. */
  add(spec: NodeSpec): void {
    if (this.nodes.has(spec.id)) throw new Error(`node ${spec.id} already exists`)
    this.nodes.set(spec.id, spec)
    if (spec.kind === 'local') this.writeConfig(spec)
    this.save()
  }

  /** Replaces a node's spec (same id) and saves; a local node's config is rewritten so its next start uses it. */
  update(spec: NodeSpec): void {
    if (!this.nodes.has(spec.id)) throw new Error(`node ${spec.id} does not exist`)
    this.nodes.set(spec.id, spec)
    if (spec.kind === 'local') this.writeConfig(spec)
    this.save()
  }

  password(id: string): string | undefined {
    return this.passwords.get(id)
  }

  /** Stores (or, with undefined, clears) an external node's password; saved with the next save(). */
  setPassword(id: string, password: string | undefined): void {
    if (password === undefined) this.passwords.delete(id)
    else this.passwords.set(id, password)
  }

  /**
   * The config a local node really starts with: its extra directives, and
   * when it replicates, `replicaof` resolved from its replicaOf (a fleet
   * node's current address) plus the master's credentials when it has some.
   */
  effectiveConfig(spec: NodeSpec): Record<string, string> {
    if (!spec.replicaOf) return spec.config
    const master = spec.replicaOf.nodeId ? this.nodes.get(spec.replicaOf.nodeId) : undefined
    const fleetAuth = master !== undefined && this.passwords.has(master.id)
    const config: Record<string, string> = {}
    for (const [name, value] of Object.entries(spec.config)) {
      const lower = name.toLowerCase()
      if (REPLICAOF_DIRECTIVES.includes(lower) || (fleetAuth && MASTER_AUTH_DIRECTIVES.includes(lower))) continue
      config[name] = value
    }
    const host = master?.host ?? spec.replicaOf.host
    const port = master?.port ?? spec.replicaOf.port
    config.replicaof = `${quoteConfArg(host)} ${port}`
    const password = master ? this.passwords.get(master.id) : undefined
    if (password !== undefined) config.masterauth = quoteConfArg(password)
    if (master?.username) config.masteruser = quoteConfArg(master.username)
    return config
  }

  /** Forgets the node and deletes its folder. */
  remove(id: string): void {
    this.nodes.delete(id)
    this.running.delete(id)
    this.passwords.delete(id)
    rmSync(this.nodeDir(id), { recursive: true, force: true })
    this.save()
  }

  setRunning(id: string, running: boolean): void {
    const changed = running ? !this.running.has(id) : this.running.has(id)
    if (!changed) return
    if (running) this.running.add(id)
    else this.running.delete(id)
    this.save()
  }

  /** (Re)writes a local node's redis.conf from its spec; returns its path. */
  writeConfig(spec: NodeSpec): string {
    const dir = this.nodeDir(spec.id)
    mkdirSync(dir, { recursive: true })
    const path = this.confPath(spec.id)
    const fresh = renderRedisConf({ port: spec.port, dir, name: spec.name, config: this.effectiveConfig(spec) })
    // The user's comments and order survive a restart, as they survive CONFIG REWRITE.
    writeFileSync(path, existsSync(path) ? mergeRedisConf(readFileSync(path, 'utf8'), fresh) : fresh)
    return path
  }

  /** Atomic save: a crash mid-write never leaves a truncated fleet file. */
  save(): void {
    const data: FleetFile = { version: 1, nodes: this.list(), running: [...this.running].filter((id) => this.nodes.has(id)) }
    if (this.passwords.size) data.passwords = Object.fromEntries([...this.passwords].filter(([id]) => this.nodes.has(id)))
    const tmp = this.filePath + '.tmp'
    // Owner-only: the file may hold external servers' passwords.
    writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n', { mode: 0o600 })
    renameSync(tmp, this.filePath)
  }

  private load(): void {
    if (!existsSync(this.filePath)) return
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(this.filePath, 'utf8'))
    } catch (e) {
      throw new FleetFileError(`cannot read ${this.filePath}: ${(e as Error).message}`)
    }
    const file = raw as Partial<FleetFile>
    if (!file || typeof file !== 'object' || !Array.isArray(file.nodes)) {
      throw new FleetFileError(`${this.filePath} is not a Tandem fleet file`)
    }
    for (const node of file.nodes) {
      if (isNodeSpec(node)) this.nodes.set(node.id, node)
    }
    for (const id of Array.isArray(file.running) ? file.running : []) {
      if (typeof id === 'string' && this.nodes.has(id)) this.running.add(id)
    }
    const passwords = file.passwords && typeof file.passwords === 'object' ? file.passwords : {}
    for (const [id, password] of Object.entries(passwords)) {
      if (typeof password === 'string' && this.nodes.has(id)) this.passwords.set(id, password)
    }
  }
}

function isNodeSpec(value: unknown): value is NodeSpec {
  const v = value as NodeSpec
  return (
    !!v &&
    typeof v.id === 'string' &&
    /^[A-Za-z0-9_-]+$/.test(v.id) &&
    typeof v.name === 'string' &&
    (v.kind === 'local' || v.kind === 'external') &&
    typeof v.host === 'string' &&
    typeof v.port === 'number' &&
    typeof v.config === 'object' &&
    v.config !== null &&
    typeof v.createdAt === 'number' &&
    (v.replicaOf === undefined || isReplicaOf(v.replicaOf))
  )
}

function isReplicaOf(value: unknown): boolean {
  const r = value as NodeSpec['replicaOf']
  return !!r && typeof r.host === 'string' && typeof r.port === 'number' && (r.nodeId === undefined || typeof r.nodeId === 'string')
}
