/**
 * The V8 flags tandem-server runs with: the app's launchers pass them as
 * execArgv and the `tandem-server` bin's shebang names them (a test keeps
 * the two equal and reads them back from a running server).
 *
 * Why: a server's heap is mostly long-lived small objects (keys and values),
 * and under a write load much of what a write allocates survives, so a
 * scavenge's pause grows with the young generation. Measured with
 * `npm run bench` on a 2-core machine: with Node's default young generation
 * (up to 16 MiB per semi-space) the replica's scavenges paused 10-20 ms about
 * three times a second — its p99 lag (~3x Redis's) — and the master's longest
 * PING during a 1M-key full sync was 40-45 ms; with 2 MiB semi-spaces the
 * lag's p99 is 1.4-3.0x Redis's (median ~2.2x) and that PING 19-22 ms, the full sync as fast.
 * Tried and left out: `--no-parallel-scavenge` (steadier lag, but PING stalls
 * of 105-112 ms during a full sync) and `--single-threaded-gc` (full sync
 * load ~50 % slower).
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2']
