/**
 * Is a long-running process's memory growing? A least-squares line through (time, bytes)
 * samples over the second half of the run. The first half is left out because it holds
 * growth a long run does not repeat: V8 compiling the hot loop, the heap sizing its young
 * generation, lazily loaded modules. Shared by `nicdl load --serve` (its own samples) and
 * the QEMU soak bench (samples of /proc/PID/status in the guest).
 */

/** A straight line through samples; slope in y units per x unit. */
export interface LinearFit {
  slope: number;
  intercept: number;
  /** Standard error of the slope (how far noise alone moves it); null below 3 samples. */
  slopeStdErr: number | null;
  samples: number;
}

/** Growth of a byte count, in KiB per minute ("KB" below means 1024 bytes). */
export interface Growth {
  kbPerMin: number;
  /** Standard error of kbPerMin: a slope within ~2 of these of 0 is noise, not growth. */
  stdErrKbPerMin: number | null;
  /** Length of the window the line was fitted over, and the samples in it. */
  windowS: number;
  samples: number;
}

/** Fewer samples than this in the second half: no growth figure (a line through 2 points is any line). */
export const MIN_GROWTH_SAMPLES = 3;
const BYTES_PER_KB = 1024;
const S_PER_MIN = 60;

/** Least squares over xs[from..to) and ys[from..to); null with fewer than 2 distinct x. */
export function linearFit(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  from = 0,
  to = xs.length,
): LinearFit | null {
  const n = to - from;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (let i = from; i < to; i++) {
    sx += xs[i];
    sy += ys[i];
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = from; i < to; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  return {
    slope,
    intercept,
    slopeStdErr: slopeStdErr(xs, ys, from, to, slope, intercept, sxx),
    samples: n,
  };
}

/** sqrt(residual variance / Sxx), with n - 2 degrees of freedom. */
function slopeStdErr(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  from: number,
  to: number,
  slope: number,
  intercept: number,
  sxx: number,
): number | null {
  const n = to - from;
  if (n < 3) return null;
  let sse = 0;
  for (let i = from; i < to; i++) sse += (ys[i] - (intercept + slope * xs[i])) ** 2;
  return Math.sqrt(sse / (n - 2) / sxx);
}

/**
 * Growth of `bytes` (sampled at `timesS`, ascending) over the second half of the sampled
 * span, in KiB per minute; null when that half holds fewer than MIN_GROWTH_SAMPLES.
 * `count` limits the samples read (for preallocated arrays).
 */
export function secondHalfGrowth(
  timesS: ArrayLike<number>,
  bytes: ArrayLike<number>,
  count = timesS.length,
): Growth | null {
  if (count < MIN_GROWTH_SAMPLES) return null;
  const midS = (timesS[0] + timesS[count - 1]) / 2;
  let from = 0;
  while (from < count && timesS[from] < midS) from++;
  if (count - from < MIN_GROWTH_SAMPLES) return null;
  const fit = linearFit(timesS, bytes, from, count);
  if (!fit) return null;
  const perMin = S_PER_MIN / BYTES_PER_KB;
  return {
    kbPerMin: fit.slope * perMin,
    stdErrKbPerMin: fit.slopeStdErr === null ? null : fit.slopeStdErr * perMin,
    windowS: timesS[count - 1] - timesS[from],
    samples: fit.samples,
  };
}
