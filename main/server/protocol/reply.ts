/**
 * The reply model: handlers return values of this shape and the reply writer
 * encodes them for the client's protocol (RESP2, or RESP3 after `HELLO 3`).
 * Keeping the choice of RESP2/RESP3 wire form out of handlers is what lets one
 * handler serve both protocols exactly as Redis 7 does.
 *
 * RESP2 folds: map → flat array, set → array, double → bulk string,
 * bool → integer 0/1, null → `$-1` (nullBulk) or `*-1` (nullArray),
 * verbatim → bulk string, push → array, bignum → bulk string.
 */
export type Reply =
  | { readonly t: 'simple'; readonly v: string }
  | { readonly t: 'error'; readonly v: string }
  | { readonly t: 'int'; readonly v: number | bigint }
  | { readonly t: 'bulk'; readonly v: Buffer | string }
  | { readonly t: 'nullBulk' }
  | { readonly t: 'nullArray' }
  | { readonly t: 'array'; readonly v: readonly Reply[] }
  | { readonly t: 'map'; readonly v: readonly (readonly [Reply, Reply])[] }
  | { readonly t: 'set'; readonly v: readonly Reply[] }
  /** `text` is the exact RESP3 `,` payload / RESP2 bulk payload (Redis formats doubles per command). */
  | { readonly t: 'double'; readonly v: number; readonly text?: string }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'verbatim'; readonly format: string; readonly v: string }
  | { readonly t: 'bignum'; readonly v: string }
  | { readonly t: 'push'; readonly v: readonly Reply[] }
  /** Bytes already encoded (identical in both protocols), e.g. a cached reply. */
  | { readonly t: 'raw'; readonly v: Buffer }
  /** The command produced no reply (REPLCONF ACK, a blocked client, QUIT's close). */
  | { readonly t: 'none' }
  /** Several replies written one after another (SUBSCRIBE a b answers once per channel). */
  | { readonly t: 'multi'; readonly v: readonly Reply[] }
