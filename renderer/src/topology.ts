/**
 * The replication tree as the nodes themselves report it: each replica names
 * its master by host and port (INFO's master_host/master_port), and the tree
 * is rebuilt from those names on every status push, so it follows role
 * changes as soon as the monitor sees them.
 */
import type { NodeView } from '../../shared/types'

export interface TopologyNode {
  /** The fleet node, or null for a master the fleet does not know (shown by its address only). */
  view: NodeView | null
  /** `host:port` as the tree shows it. */
  address: string
  children: TopologyNode[]
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '0:0:0:0:0:0:0:1'])

/** One spelling per server: every loopback name is the same machine. */
export function addressKey(host: string, port: number): string {
  const normal = LOOPBACK.has(host.toLowerCase()) ? '127.0.0.1' : host.toLowerCase()
  return `${normal}:${port}`
}

/**
 * Where a node's replication link points, if it is a replica that names a
 * master: the control plane's match to a fleet node when it made one (the
 * address a replica reports can be a name the fleet spells otherwise), else
 * the address itself.
 */
export function masterKeyOf(view: NodeView, addressOfId: ReadonlyMap<string, string>): string | null {
  const { role, masterHost, masterPort, replication } = view.status
  if (role !== 'replica') return null
  const link = replication?.link
  const matched = link?.masterNodeId === undefined ? undefined : addressOfId.get(link.masterNodeId)
  if (matched !== undefined) return matched
  const host = link?.masterHost ?? masterHost
  const port = link?.masterPort ?? masterPort
  if (!host || port === undefined) return null
  return addressKey(host, port)
}

function addressIndex(nodes: readonly NodeView[]): Map<string, string> {
  return new Map(nodes.map((n) => [n.spec.id, addressKey(n.spec.host, n.spec.port)]))
}

/**
 * Roots first (masters, nodes whose role is not known yet, and masters
 * outside the fleet that some replica follows), each with its replicas and
 * their sub-replicas. Every fleet node appears exactly once, even in a loop
 * of replicas (possible for a moment while roles change): the loop is cut
 * where it was entered.
 */
export function buildTopology(nodes: readonly NodeView[]): TopologyNode[] {
  const byAddress = new Map<string, NodeView>()
  for (const view of nodes) byAddress.set(addressKey(view.spec.host, view.spec.port), view)
  const addressOfId = addressIndex(nodes)

  const childrenOf = new Map<string, NodeView[]>()
  for (const view of nodes) {
    const master = masterKeyOf(view, addressOfId)
    if (master === null) continue
    const list = childrenOf.get(master)
    if (list) list.push(view)
    else childrenOf.set(master, [view])
  }

  const placed = new Set<string>()
  function grow(view: NodeView | null, address: string): TopologyNode {
    if (view) placed.add(view.spec.id)
    const children: TopologyNode[] = []
    for (const child of childrenOf.get(address) ?? []) {
      if (placed.has(child.spec.id)) continue
      children.push(grow(child, addressKey(child.spec.host, child.spec.port)))
    }
    return { view, address, children }
  }

  const roots: TopologyNode[] = []
  for (const view of nodes) {
    const master = masterKeyOf(view, addressOfId)
    // A replica whose master is not in the fleet is placed under that address below.
    if (master === null) roots.push(grow(view, addressKey(view.spec.host, view.spec.port)))
  }
  // Replicas of a server the fleet does not know hang under that server's address.
  const outside = [...childrenOf.keys()].filter((address) => !byAddress.has(address))
  for (const address of outside) roots.push(grow(null, address))
  // Whatever is left sits in a loop of replicas: enter it anywhere.
  for (const view of nodes) {
    if (!placed.has(view.spec.id)) roots.push(grow(view, addressKey(view.spec.host, view.spec.port)))
  }
  return roots
}

/** The fleet node a replica follows, when the fleet has it. */
export function masterOf(view: NodeView, nodes: readonly NodeView[]): NodeView | null {
  const key = masterKeyOf(view, addressIndex(nodes))
  if (key === null) return null
  return nodes.find((n) => addressKey(n.spec.host, n.spec.port) === key) ?? null
}
