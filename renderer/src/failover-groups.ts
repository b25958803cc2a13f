/**
 * Which nodes form a replication group a Failover button acts on: a fleet
 * node at the top of the replication tree with at least one replica under it
 * (replicas of replicas included). Read from the same tree the topology draws,
 * so the button sits where the user sees the group, and a master that went
 * down keeps its group (its replicas still name it, with their link down).
 */
import type { NodeView } from '../../shared/types'
import { buildTopology, type TopologyNode } from './topology'

export interface ReplicationGroupView {
  master: NodeView
  /** Every node replicating from the master, directly or through a chain, in tree order. */
  members: NodeView[]
}

function descendants(branch: TopologyNode): NodeView[] {
  const found: NodeView[] = []
  for (const child of branch.children) {
    if (child.view) found.push(child.view)
    found.push(...descendants(child))
  }
  return found
}

export function replicationGroups(nodes: readonly NodeView[]): ReplicationGroupView[] {
  const groups: ReplicationGroupView[] = []
  /** Node id → the group it is in (as master or member). */
  const groupOfId = new Map<string, ReplicationGroupView>()
  for (const root of buildTopology(nodes)) {
    if (!root.view) continue
    const group = { master: root.view, members: descendants(root) }
    groups.push(group)
    for (const view of [group.master, ...group.members]) groupOfId.set(view.spec.id, group)
  }
  // A node that is down but stored as a replica (an old master fenced by a
  // failover, a crashed replica) comes back under that master: it stays in
  // the group meanwhile, so a pair that lost its master keeps its panel and timeline.
  for (const view of nodes) {
    const followed = view.spec.replicaOf?.nodeId
    if (view.status.live || followed === undefined) continue
    const own = groupOfId.get(view.spec.id)
    const target = groupOfId.get(followed)
    if (!own || !target || own === target || own.master !== view || own.members.length > 0) continue
    target.members.push(view)
    groupOfId.set(view.spec.id, target)
  }
  return groups.filter((g) => g.members.length > 0)
}

/** The group node `id` belongs to (as its master or as any replica), or null when it is in none. */
export function groupOf(id: string, nodes: readonly NodeView[]): ReplicationGroupView | null {
  for (const group of replicationGroups(nodes)) {
    if (group.master.spec.id === id || group.members.some((m) => m.spec.id === id)) return group
  }
  return null
}
