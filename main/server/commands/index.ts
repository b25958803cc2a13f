/** The command table: every family's declarations, assembled once. */
import type { CommandSpec } from './types'
import { connectionCommands } from './connection'
import { serverAdminCommands } from './server-admin'
import { configCommands } from './config'
import { stringCommands } from './strings'
import { keyCommands } from './keys'
import { zsetCommands } from './zsets'
import { keyspaceExtraCommands } from './keyspace-extra'
import { dumpCommands } from './dump'
import { objectCommands } from './object'
import { debugCommands } from './debug'
import { sortCommands } from './sort'
import { hashCommands } from './hashes'
import { setCommands } from './sets'
import { listCommands } from './lists'
import { transactionCommands } from './transactions'
import { pubsubCommands } from './pubsub'
import { slowlogCommands } from './slowlog'
import { memoryCommands } from './memory'
import { clientControlCommands } from './client-control'
import { aofCommands } from './aof'
import { persistenceCommands } from './persistence'
import { bgsaveCommands } from './bgsave'
import { replicationCommands } from './replication'

export function allCommands(): CommandSpec[] {
  return [...connectionCommands, ...serverAdminCommands, ...stringCommands, ...keyCommands, ...configCommands, ...zsetCommands, ...keyspaceExtraCommands, ...dumpCommands, ...objectCommands, ...debugCommands, ...hashCommands, ...setCommands, ...sortCommands, ...listCommands, ...transactionCommands, ...pubsubCommands, ...memoryCommands, ...slowlogCommands, ...clientControlCommands, ...aofCommands, ...persistenceCommands, ...bgsaveCommands, ...replicationCommands]
}
