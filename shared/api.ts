/**
 * The one contract between the renderer and the main process.
 *
 * Both transports carry exactly these shapes: Electron IPC (through the
 * preload's `window.tandem`) and web mode's WebSocket. Everything here is plain
 * JSON-serialisable data; no Node, Electron or DOM types.
 */
import type {
  NodeView,
  ConsoleReply,
  NodeCreateRequest,
  PersistenceActionResult,
  ReplicationGroupRequest,
  ReplicationGroup,
  AddReplicaRequest,
  ReplicaOfRequest,
  AttachExternalRequest,
  LagHistory,
  FailoverPlan,
  FailoverRunRequest,
  FailoverRecord,
  AutoFailoverSettings,
  AutoFailoverRequest,
  NodeMetricsHistory,
  SlowlogEntry,
  ClientEntry,
  ClientKillRequest,
  CommandDoc,
  ConsoleStreamStart,
  ConsoleStreamBatch,
  NodeConfigSnapshot,
  ConfigApplyRequest,
  ConfigApplyResult,
  KeyScanRequest,
  KeyScanPage,
  KeyRef,
  KeyDetail,
  KeyItemsRequest,
  KeyItemsPage,
  KeyEditRequest,
  KeyEditResult,
} from './types'

/** Request/response calls: `method` → params and result. */
export interface ApiMethods {
  /** Every node the user defined, with its latest status. */
  'fleet.list': { params: Record<string, never>; result: NodeView[] }
  /** Create a local node (port chosen automatically when omitted) and start it. */
  'node.create': { params: NodeCreateRequest; result: NodeView }
  'node.start': { params: { id: string }; result: NodeView }
  'node.stop': { params: { id: string }; result: NodeView }
  /** Stops the node if it runs and forgets it (its folder is deleted). */
  'node.remove': { params: { id: string }; result: { removed: true } }
  /** Run one command (already split into arguments) against a node. */
  'console.exec': { params: { id: string; argv: string[] }; result: ConsoleReply }
  /** BGSAVE on the node (local or external); the server's refusal (save already running…) is the error. */
  'node.save': { params: { id: string }; result: PersistenceActionResult }
  /** BGREWRITEAOF on the node; "scheduled" when a BGSAVE is running, as in Redis. */
  'node.rewriteAof': { params: { id: string }; result: PersistenceActionResult }
  /** One master and N replicas (local nodes on free ports, replicas started with `replicaof`), in one action. */
  'replication.createGroup': { params: ReplicationGroupRequest; result: ReplicationGroup }
  /** A new local node replicating from any node (local or external; a replica makes a chain). */
  'replication.addReplica': { params: AddReplicaRequest; result: NodeView }
  /** REPLICAOF host port on the node; a local node keeps the choice across restarts. */
  'replication.replicaOf': { params: ReplicaOfRequest; result: NodeView }
  /** REPLICAOF NO ONE: the node becomes a master keeping its data; a local node keeps that across restarts. */
  'replication.detach': { params: { id: string }; result: NodeView }
  /** Recent lag of every replica (or of node `id` only), for the lag chart. */
  'replication.history': { params: { id?: string }; result: LagHistory[] }
  /**
   * Watch a running server the app does not run (connection checked first; a
   * failure is the error, in one line). node.start/stop refuse it; node.remove
   * only forgets it, never shuts it down.
   */
  'node.attachExternal': { params: AttachExternalRequest; result: NodeView }
  /** SIGKILL a local node's process (to try the crash case); its status becomes 'crashed'. External nodes are refused. */
  'node.kill': { params: { id: string }; result: NodeView }
  /** Stop (if running or crashed) and start a local node; after a failover it boots as a replica of the new master. */
  'node.restart': { params: { id: string }; result: NodeView }
  /**
   * What a failover of the group whose master is `groupMasterId` would do now:
   * mode (master answers → coordinated, else master-down), every replica with
   * its link, offset, lag and priority, the chosen one and why. Touches nothing.
   */
  'failover.plan': { params: { groupMasterId: string }; result: FailoverPlan }
  /**
   * Runs the failover (one at a time per group); resolves with the finished
   * record (outcome 'succeeded' or 'failed' — a failed run resolves, it does
   * not throw, so the steps up to the failure stay visible). Each step is also
   * pushed as it happens in 'failover.progress'.
   */
  'failover.run': { params: FailoverRunRequest; result: FailoverRecord }
  /** Past and running failovers, newest first; with groupMasterId only those whose old or new master it is. */
  'failover.timeline': { params: { groupMasterId?: string }; result: FailoverRecord[] }
  /** The group's automatic failover setting (defaults when never set: disabled, 5000 ms, 60000 ms). */
  'failover.getAuto': { params: { groupMasterId: string }; result: AutoFailoverSettings }
  /** Turns automatic failover of the group on or off (omitted durations keep their current value). */
  'failover.setAuto': { params: AutoFailoverRequest; result: AutoFailoverSettings }
  // Dashboard (issue 7)
  /** Recent metrics samples of the given nodes (every node when omitted), from the monitor's INFO polls. */
  'metrics.history': { params: { ids?: string[] }; result: NodeMetricsHistory[] }
  /** SLOWLOG GET [count] on the node (default 128), newest first, over a connection of its own. */
  'slowlog.get': { params: { id: string; count?: number }; result: SlowlogEntry[] }
  /** SLOWLOG RESET on the node. */
  'slowlog.reset': { params: { id: string }; result: { reset: true } }
  /** CLIENT LIST on the node, parsed (the app's own connections included, as the server lists them). */
  'clients.list': { params: { id: string }; result: ClientEntry[] }
  /** CLIENT KILL ID <clientId> on the node; the server's "No such client" is the error. */
  'clients.kill': { params: ClientKillRequest; result: { killed: number } }
  // Console (issue 7)
  /** The node's commands from COMMAND DOCS + COMMAND (so attached real Redis works too); cached per node. */
  'console.commands': { params: { id: string }; result: CommandDoc[] }
  /** Opens a dedicated connection running a streaming command; messages arrive as 'console.stream' events. */
  'console.streamStart': { params: ConsoleStreamStart; result: { streamId: string } }
  /** Closes a streaming session's connection (a last 'console.stream' with `ended` follows). */
  'console.streamStop': { params: { streamId: string }; result: { stopped: boolean } }
  // Config editor (issue 7): everything goes over the wire (CONFIG GET/SET/REWRITE), so attached servers work too.
  /** CONFIG GET * of the node, its config file when Tandem can read it, and what waits for a restart. */
  'config.get': { params: { id: string }; result: NodeConfigSnapshot }
  /**
   * mode 'apply': CONFIG SET of runtime-settable directives (others refused).
   * mode 'save': CONFIG SET of the runtime ones + CONFIG REWRITE (comments and
   * order kept), and the non-runtime ones written into the node's config file,
   * marked restart-required until the node restarts. Values are checked first.
   */
  'config.apply': { params: ConfigApplyRequest; result: ConfigApplyResult }
  // Key browser (issue 7): SCAN-based, over the wire (local and attached nodes alike).
  /** One page of SCAN with MATCH/TYPE, each key with its type and PTTL, and DBSIZE. */
  'keys.scan': { params: KeyScanRequest; result: KeyScanPage }
  /** TYPE, PTTL, length and (strings) the value of one key; type 'none' when it does not exist. */
  'keys.get': { params: KeyRef; result: KeyDetail }
  /** One page of a list/hash/set/zset's items; the renderer asks page after page (and stops on Cancel). */
  'keys.items': { params: KeyItemsRequest; result: KeyItemsPage }
  /** One change (set a string, add/remove items, TTL, delete); the key's detail afterwards. */
  'keys.edit': { params: KeyEditRequest; result: KeyEditResult }
}

export type ApiMethod = keyof ApiMethods

/** Every method name; typed as a record so the compiler rejects a name missing from, or absent in, ApiMethods. */
const METHOD_NAMES: Record<ApiMethod, true> = {
  'fleet.list': true,
  'node.create': true,
  'node.start': true,
  'node.stop': true,
  'node.remove': true,
  'console.exec': true,
  'node.save': true,
  'node.rewriteAof': true,
  'replication.createGroup': true,
  'replication.addReplica': true,
  'replication.replicaOf': true,
  'replication.detach': true,
  'replication.history': true,
  'node.attachExternal': true,
  'node.kill': true,
  'node.restart': true,
  'failover.plan': true,
  'failover.run': true,
  'failover.timeline': true,
  'failover.getAuto': true,
  'failover.setAuto': true,
  'metrics.history': true,
  'slowlog.get': true,
  'slowlog.reset': true,
  'clients.list': true,
  'clients.kill': true,
  'console.commands': true,
  'console.streamStart': true,
  'console.streamStop': true,
  'config.get': true,
  'config.apply': true,
  'keys.scan': true,
  'keys.get': true,
  'keys.items': true,
  'keys.edit': true,
}
export const API_METHODS = Object.keys(METHOD_NAMES) as readonly ApiMethod[]

export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(METHOD_NAMES, name)
}
export type ApiParams<M extends ApiMethod> = ApiMethods[M]['params']
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result']

/** Events pushed from main to every connected renderer. */
export interface ApiEvents {
  /** The fleet or any node's status changed: the whole list, cheap enough at desktop scale. */
  'fleet.changed': NodeView[]
  /** A failover (manual or automatic) started, gained a step or ended: the whole record so far. */
  'failover.progress': FailoverRecord
  /** Messages of a console streaming session (SUBSCRIBE, MONITOR …), batched. */
  'console.stream': ConsoleStreamBatch
}
export type ApiEvent = keyof ApiEvents

/** Every event, checked against ApiEvents by the compiler: the web and Electron faces forward exactly these. */
const EVENT_NAMES: Record<ApiEvent, true> = {
  'fleet.changed': true,
  'failover.progress': true,
  'console.stream': true,
}
export const API_EVENTS = Object.keys(EVENT_NAMES) as ApiEvent[]

/** What a renderer can call: implemented by main/control, exposed by main/app (IPC) and main/web (WebSocket). */
export interface TandemApi {
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void
}

/** Wire frames of the WebSocket transport (IPC uses the same method/params/result). */
export type WireRequest = { kind: 'call'; id: number; method: ApiMethod; params: unknown }
export type WireResponse =
  | { kind: 'result'; id: number; ok: true; result: unknown }
  | { kind: 'result'; id: number; ok: false; error: string }
  | { kind: 'event'; event: ApiEvent; payload: unknown }

/** Electron IPC channel names, derived so they cannot drift from the contract. */
export const IPC_CALL_CHANNEL = 'tandem:call'
export const IPC_EVENT_CHANNEL = 'tandem:event'
