/** Small deterministic PRNG (an LCG) for property tests, so a failure reproduces from its seed. */
export function prng(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed / 2 ** 32
  }
}
