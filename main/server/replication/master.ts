/**
 * The master side of replication (see replication.ts for the contract).
 * Placeholder until the master side lands: refuses to serve replicas.
 */
import type { MasterSide, Replication } from './replication'
import { error } from '../protocol/replies'

export function createMasterSide(replication: Replication): MasterSide {
  void replication
  return {
    sync: () => error('ERR replication is not available yet'),
    replconfOption: () => undefined,
    wait: () => ({ t: 'int', v: 0 }),
    sendToReplicas: () => {},
    disconnectReplicas: () => {},
    replicaCount: 0,
    infoLines: () => ['connected_slaves:0'],
    roleReplicas: () => [],
    refuse: () => undefined,
    cron: () => {},
  }
}
