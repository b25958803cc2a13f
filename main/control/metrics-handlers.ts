/**
 * The dashboard's API handlers (metrics history, SLOWLOG, CLIENT LIST/KILL),
 * kept out of control-plane.ts: it only hands over how to find a node and
 * how to run one command on it, and registers these.
 */
import type { ApiResult } from '../../shared/api'
import type { ConsoleReply, NodeSpec } from '../../shared/types'
import { clientKillRequest, clientListFromReply, failIfError, killedFromReply, parseSlowlog, slowlogGetRequest } from './metrics-commands'
import type { MetricsHistoryStore } from './metrics'
import { ApiError, nodeId } from './validate'

export interface DashboardDeps {
  history: MetricsHistoryStore
  /** The node, or an ApiError naming the unknown id. */
  mustGet(id: string): NodeSpec
  /** Whether the node can be asked anything now (running local node, or external). */
  answers(spec: NodeSpec): boolean
  /** One command on a connection of its own; the server's error comes back as an error reply. */
  run(spec: NodeSpec, argv: string[]): Promise<ConsoleReply>
}

type DashboardMethod = 'metrics.history' | 'slowlog.get' | 'slowlog.reset' | 'clients.list' | 'clients.kill'
export type DashboardHandlers = { [M in DashboardMethod]: (params: unknown) => Promise<ApiResult<M>> }

function idList(params: unknown): string[] | undefined {
  if (params === undefined || params === null) return undefined
  if (typeof params !== 'object' || Array.isArray(params)) throw new ApiError('metrics.history: params must be an object')
  const ids = (params as { ids?: unknown }).ids
  if (ids === undefined || ids === null) return undefined
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string' || id === '')) throw new ApiError('metrics.history: "ids" must be a list of node ids')
  return ids as string[]
}

export function dashboardHandlers(deps: DashboardDeps): DashboardHandlers {
  function liveNode(id: string): NodeSpec {
    const spec = deps.mustGet(id)
    if (!deps.answers(spec)) throw new ApiError(`node "${spec.name}" is not running: start it first`)
    return spec
  }

  return {
    async 'metrics.history'(params) {
      const ids = idList(params)
      if (ids) for (const id of ids) deps.mustGet(id)
      return deps.history.histories(ids)
    },

    async 'slowlog.get'(params) {
      const { id, count } = slowlogGetRequest(params)
      return parseSlowlog(await deps.run(liveNode(id), ['SLOWLOG', 'GET', String(count)]))
    },

    async 'slowlog.reset'(params) {
      const reply = await deps.run(liveNode(nodeId(params, 'slowlog.reset')), ['SLOWLOG', 'RESET'])
      failIfError('SLOWLOG RESET', reply)
      return { reset: true }
    },

    async 'clients.list'(params) {
      return clientListFromReply(await deps.run(liveNode(nodeId(params, 'clients.list')), ['CLIENT', 'LIST']))
    },

    async 'clients.kill'(params) {
      const { id, clientId } = clientKillRequest(params)
      return { killed: killedFromReply(clientId, await deps.run(liveNode(id), ['CLIENT', 'KILL', 'ID', clientId])) }
    },
  }
}
