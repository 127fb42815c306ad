/**
 * The runs each ring property gets: a small fixed budget inside `npm test`, and
 * NICDL_PROP_RUNS for long runs (`npm run test:props:long` sets it to 100 000).
 * NICDL_PROP_SEED fixes the seed (the suite prints it with every failure).
 */
export function propRuns(defaultRuns: number): number {
  const n = Number(process.env.NICDL_PROP_RUNS);
  return Number.isInteger(n) && n > 0 ? n : defaultRuns;
}

export function propSeed(fallback: number): number {
  const n = Number(process.env.NICDL_PROP_SEED);
  return Number.isInteger(n) ? n : fallback;
}
