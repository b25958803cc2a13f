import { rmSync } from 'node:fs'

/** Removes the data folder the config made for this run's web server. */
export default function globalTeardown(): void {
  const dir = process.env.TANDEM_E2E_DATA_DIR
  if (dir) rmSync(dir, { recursive: true, force: true })
}
