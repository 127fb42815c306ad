/**
 * "Did you mean …?": the closest known name to a misspelt one, by edit distance
 * (Damerau: a swap of two neighbours counts as one edit). A difference of case alone is
 * the closest of all. Names further than about a third of their length are not offered.
 */
/** A name that differs only in case is nearer than any real edit. */
const CASE_ONLY = 0.5;
const CASE_TIE_BREAK = 0.01;

export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = name.toLowerCase();
  for (const c of candidates) {
    if (c === name) continue;
    if (Math.abs(c.length - name.length) > limit) continue;
    // Case-blind distance, with a small tie-break towards the candidate spelt in the same case.
    const blind = editDistance(lower, c.toLowerCase());
    const score =
      blind === 0 ? CASE_ONLY : blind + (editDistance(name, c) > blind ? CASE_TIE_BREAK : 0);
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const c = closest(name, candidates);
  return c === undefined ? undefined : `did you mean '${c}'?`;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[n];
}
