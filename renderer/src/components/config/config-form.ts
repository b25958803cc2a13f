/**
 * What the config editor shows, derived from the directive table in shared/
 * (names, types, defaults, groups, descriptions: one source of truth) and
 * what the node answered to CONFIG GET *: sections, search, pending changes
 * and the import plan of a redis.conf file. Pure: unit-tested without a page.
 */
import { DIRECTIVES, findDirective, type DirectiveGroup, type DirectiveSpec } from '../../../../shared/config-directives'
import { checkDirectiveValue, parseConfText, reprArg, sameValue } from '../../../../shared/config-edit'
import type { NodeView } from '../../../../shared/types'

/** Section titles, in the order a redis.conf reader expects them. */
export const GROUP_LABELS: Readonly<Record<DirectiveGroup, string>> = {
  network: 'Network',
  general: 'General',
  persistence: 'Persistence (RDB)',
  'append-only': 'Append only file',
  replication: 'Replication',
  security: 'Security',
  clients: 'Clients (limits)',
  memory: 'Memory (limits)',
  lazyfree: 'Lazy freeing',
  threads: 'Threads',
  kernel: 'Kernel',
  tls: 'TLS',
  scripting: 'Scripting',
  cluster: 'Cluster',
  monitoring: 'Monitoring',
  notifications: 'Notifications',
  advanced: 'Advanced',
  defrag: 'Active defragmentation',
}

export interface ConfigSection {
  group: DirectiveGroup
  label: string
  directives: DirectiveSpec[]
}

/**
 * The sections to show: every directive the node reports (so a real Redis
 * and tandem-server both show what they know), filtered by a name search
 * (aliases and descriptions match too), empty sections dropped.
 */
export function configSections(values: Readonly<Record<string, string>>, search: string): ConfigSection[] {
  const q = search.trim().toLowerCase()
  const matches = (spec: DirectiveSpec): boolean =>
    q === '' || spec.name.includes(q) || spec.aliases.some((a) => a.includes(q)) || spec.description.toLowerCase().includes(q)
  return (Object.keys(GROUP_LABELS) as DirectiveGroup[])
    .map((group) => ({
      group,
      label: GROUP_LABELS[group],
      directives: DIRECTIVES.filter((spec) => spec.group === group && !spec.fileOnly && Object.hasOwn(values, spec.name) && matches(spec)),
    }))
    .filter((section) => section.directives.length > 0)
}

/** One pending edit as the diff shows it. */
export interface PendingChange {
  name: string
  from: string
  to: string
  runtime: boolean
  /** Why the value cannot be sent, when it cannot. */
  error?: string
}

/** The edits that differ from what the server has now, each checked. */
export function pendingChanges(values: Readonly<Record<string, string>>, edits: Readonly<Record<string, string>>): PendingChange[] {
  const out: PendingChange[] = []
  for (const [name, to] of Object.entries(edits)) {
    const spec = findDirective(name)
    if (!spec) continue
    const from = values[spec.name] ?? ''
    const check = checkDirectiveValue(spec, to)
    if (check.ok && sameValue(spec, from, check.value)) continue
    out.push({ name: spec.name, from, to, runtime: spec.runtime, ...(check.ok ? {} : { error: check.message }) })
  }
  return out
}

/** What Apply would refuse before sending anything; null when it may go. */
export function applyBlocker(changes: readonly PendingChange[], mode: 'apply' | 'save'): string | null {
  if (changes.length === 0) return 'No pending changes.'
  const invalid = changes.find((c) => c.error)
  if (invalid) return `${invalid.name}: ${invalid.error}`
  const fileOnly = changes.filter((c) => !c.runtime)
  if (mode === 'apply' && fileOnly.length > 0) return `${fileOnly.map((c) => c.name).join(', ')} cannot change while the server runs: use Save to file (restart required).`
  return null
}

/* ---------------------------------------------------------------- */
/* Import of a redis.conf                                            */
/* ---------------------------------------------------------------- */

/** Directives a node created by Tandem gets from Tandem (its folder, log, address), not from the file. */
const TANDEM_OWNED: Readonly<Record<string, string>> = {
  port: 'used as the node\'s port',
  bind: 'Tandem binds local nodes to 127.0.0.1',
  dir: 'the node gets its own folder',
  logfile: 'the log goes to the node\'s folder',
  daemonize: 'Tandem runs and watches the process itself',
  pidfile: 'points outside the node\'s folder',
  include: 'included files are not imported',
}

export interface ImportPlan {
  name: string
  /** The file's port; undefined when none. */
  port?: number
  /** Directives for node.create (CONFIG SET form values). */
  config: Record<string, string>
  /** Directives left out and why. */
  skipped: { name: string; reason: string }[]
  /** Lines that would make the server refuse to start: the import is refused while any remain. */
  problems: string[]
  /** The master the file's replicaof/slaveof names, when it does. */
  master?: { host: string; port: number; nodeId?: string; nodeName?: string }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])
const sameHost = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase() || (LOOPBACK.has(a.toLowerCase()) && LOOPBACK.has(b.toLowerCase()))

/** Reads a redis.conf into what node.create needs, matching `slaveof host port` to a fleet node. */
export function importPlan(text: string, fileName: string, fleet: readonly NodeView[]): ImportPlan {
  const { directives, problems } = parseConfText(text)
  const plan: ImportPlan = {
    name: fileName.replace(/\.conf$/i, '').replace(/[^A-Za-z0-9_.-]+/g, '-') || 'imported',
    config: {},
    skipped: [],
    problems: problems.map((p) => `line ${p.line}: ${p.message}`),
  }
  for (const d of directives.values()) {
    const spec = findDirective(d.name)
    if (!spec) continue
    const check = checkDirectiveValue(spec, d.value)
    if (!check.ok) {
      plan.problems.push(`line ${d.line}: ${d.name}: ${check.message}`)
      continue
    }
    if (spec.name === 'port') plan.port = Number(check.value)
    if (Object.hasOwn(TANDEM_OWNED, spec.name)) {
      plan.skipped.push({ name: spec.name, reason: TANDEM_OWNED[spec.name] })
      continue
    }
    if (spec.name === 'replicaof') {
      const [host, port] = check.value.split(' ')
      if (host === undefined || port === undefined) continue
      const node = fleet.find((n) => Number(n.spec.port) === Number(port) && sameHost(n.spec.host, host))
      plan.master = { host, port: Number(port), ...(node ? { nodeId: node.spec.id, nodeName: node.spec.name } : {}) }
    }
    plan.config[spec.name] = spec.type === 'string' && /[\s"]/.test(check.value) ? reprArg(check.value) : check.value
  }
  return plan
}
