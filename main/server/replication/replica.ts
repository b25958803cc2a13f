/**
 * The replica side of replication (see replication.ts for the contract).
 * Placeholder until the replica side lands: never a replica.
 */
import type { ReplicaSide, Replication } from './replication'
import { error, NO_REPLY } from '../protocol/replies'

export function createReplicaSide(replication: Replication): ReplicaSide {
  void replication
  return {
    isReplica: false,
    replicaof: () => error('ERR replication is not available yet'),
    getack: () => NO_REPLY,
    start: () => {},
    infoLines: () => [],
    roleReply: () => ({ t: 'array', v: [] }),
    refuse: () => undefined,
    cron: () => {},
    close: () => {},
  }
}
