/**
 * A set of keys with a SCAN cursor and uniform random picks: a Dict (dict.ts)
 * without values, kept beside the JS Map of a big set, hash or sorted set,
 * which answers the lookups.
 */
import { Dict } from './dict'

export class ScanTable extends Dict<true> {
  /** Adds a key the caller knows is absent. */
  override add(key: string): void {
    super.add(key, true)
  }
}
