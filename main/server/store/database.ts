/**
 * PLACEHOLDER written by the lead so server.ts and the commands can type-check
 * against one shape; the store owner replaces the body. Keep these members.
 */
export interface Database {
  readonly index: number
  /** Keys, counting ones logically expired but not yet reclaimed is NOT allowed: expire lazily first. */
  size(): number
  /** Keys that carry a TTL (INFO keyspace `expires=`). */
  expiresSize(): number
  /** Average remaining TTL in ms of keys with one, 0 when none (INFO keyspace `avg_ttl=`). */
  avgTtl(): number
  /** Remove every key. */
  flush(): void
  /**
   * Active expiry: sample keys with a TTL and delete expired ones, at most
   * `budgetMs` of work. Returns how many were deleted.
   */
  activeExpireCycle(now: number, budgetMs: number): number
}
