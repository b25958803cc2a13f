/**
 * tandem-server's accept loop and client lifecycle. cli.ts builds the config
 * and logger and calls `createTandemServer`; everything else starts here.
 */
import type { ConfigView, Logger } from './context'

export interface TandemServerOptions {
  config: ConfigView & { set?(...args: never[]): unknown }
  log: Logger
  /** Called after SHUTDOWN (or a fatal error) once clients are closed; the cli exits the process. */
  onShutdown?: (reason: string) => void
}

export interface TandemServer {
  listen(): Promise<void>
  close(): Promise<void>
  readonly port: number
}

export function createTandemServer(options: TandemServerOptions): TandemServer {
  const port = options.config.number('port')
  return {
    port,
    async listen() {
      throw new Error('tandem-server core not implemented yet')
    },
    async close() {},
  }
}
