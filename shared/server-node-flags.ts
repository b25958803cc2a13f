/**
 * The V8 flags tandem-server runs with: the app's launchers pass them as
 * execArgv and the `tandem-server` bin's shebang names them (a test keeps
 * the two equal and reads them back from a running server).
 *
 * Why: a server's heap is mostly long-lived small objects (keys and values),
 * and under a write load much of what a write allocates survives, so a
 * scavenge's pause grows with the young generation. Measured on the replica
 * of the replica-lag benchmark (2-core machine, `npm run bench`): with Node's
 * default young generation (up to 16 MiB per semi-space) scavenges paused
 * 10-20 ms about three times a second, and those pauses were the replica's
 * p99 lag (3x Redis's); with 2 MiB they pause 2-7 ms (p99 1.3-2.3x Redis's).
 * Scavenging on the main thread only: with every core busy (clients, a master
 * and its replicas side by side), parallel scavenge tasks left the main
 * thread waiting for helper threads that were not scheduled. The price, also
 * measured: a 1M-key full sync's load on the replica takes 10-20 % longer
 * (more of the loaded objects are copied by a single thread).
 * Not `--single-threaded-gc`: it also serialises marking and made that load
 * ~50 % slower.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--no-parallel-scavenge']
