/**
 * fast-check settings shared by the generator property tests: NICDL_PROP_RUNS sets the
 * number of runs, NICDL_PROP_SEED replays a failure (fast-check prints the seed and path).
 */
import type { Parameters } from 'fast-check';

export function propParams<T>(defaultRuns: number): Parameters<T> {
  const runs = Number(process.env.NICDL_PROP_RUNS ?? defaultRuns);
  const seed = process.env.NICDL_PROP_SEED;
  return { numRuns: runs, ...(seed !== undefined ? { seed: Number(seed) } : {}) };
}
