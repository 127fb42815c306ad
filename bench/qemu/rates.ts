/**
 * Turning host-side counts into packets per second, and the small statistics the QEMU
 * bench reports. Pure functions over plain arrays: the orchestration (run.mjs) feeds them
 * what the C wire tool and the guest printed.
 */

/** Rates over the part of a run where traffic flowed. */
export interface SpanRate {
  /** Frames per second over the whole active span; 0 when nothing flowed. */
  pps: number;
  /**
   * Frames per second over the active span less its first second: the rate once a tool
   * has warmed up (V8 compiles nicdl's hot loop while it runs, slowly under TCG). The
   * whole span when it is too short to spare that second.
   */
  steadyPps: number;
  /** Frames counted inside the active span. */
  frames: number;
  /** Length of the active span in milliseconds. */
  spanMs: number;
}

const NOTHING: SpanRate = { pps: 0, steadyPps: 0, frames: 0, spanMs: 0 };

/**
 * Left out of steadyPps at the start of the active span: nicdl's JIT warm-up. Under TCG V8
 * compiles slowly, and the per-burst functions (the send loop, flushTransmit, reclaim)
 * reach TurboFan last, after the per-frame ones: 2.5 s into `nicdl pktgen` on the
 * 2026-12-07 machine (--trace-opt in the guest), when seconds 1-2 ran at 30-60% of the
 * rate that followed in every run. The kernel's and DPDK's rates are flat from the start,
 * so this changes nothing for them; qemu.json keeps the whole-span ratios beside.
 */
export const WARMUP_MS = 3000;

function ratesOver(bins: readonly number[], first: number, last: number, binMs: number): SpanRate {
  const sum = (from: number, to: number) => {
    let n = 0;
    for (let i = from; i <= to; i++) n += bins[i];
    return n;
  };
  const frames = sum(first, last);
  const spanMs = (last - first + 1) * binMs;
  const warmupBins = Math.ceil(WARMUP_MS / binMs);
  const steadyFrom = last - first + 1 > 2 * warmupBins ? first + warmupBins : first;
  const steadyMs = (last - steadyFrom + 1) * binMs;
  return {
    pps: (frames * 1000) / spanMs,
    steadyPps: (sum(steadyFrom, last) * 1000) / steadyMs,
    frames,
    spanMs,
  };
}

/**
 * The TX ground truth: frames that reached the host, over the span between the first and
 * the last bin that saw any. The tool's start-up (node, EAL, driver bring-up) and its
 * shutdown fall outside that span, so tools that take different times to start are
 * compared on the time they were actually sending.
 */
export function activeSpanRate(bins: readonly number[], binMs: number): SpanRate {
  const first = bins.findIndex((n) => n > 0);
  if (first < 0) return NOTHING;
  let last = bins.length - 1;
  while (bins[last] === 0) last--;
  return ratesOver(bins, first, last, binMs);
}

/**
 * The RX ground truth: frames QEMU took off the wire into the NIC per bin (sent minus
 * dropped at QEMU's socket). The span runs from the first to the last bin reaching a
 * quarter of the median busy bin (stalls inside it included), which leaves out a socket
 * buffer's worth taken before the receiver was up. Its first and last bins are partial
 * (receiver starting, sender stopping) and are left out when there are enough bins.
 */
export function steadyRate(accepted: readonly number[], binMs: number): SpanRate {
  const busy = accepted.filter((n) => n > 0);
  if (busy.length === 0) return NOTHING;
  const STEADY_FRACTION = 0.25;
  const MIN_BINS_TO_TRIM = 5;
  const floor = STEADY_FRACTION * median(busy);
  let first = accepted.findIndex((n) => n >= floor);
  let last = accepted.length - 1;
  while (accepted[last] < floor) last--;
  if (last - first + 1 >= MIN_BINS_TO_TRIM) {
    first++;
    last--;
  }
  return ratesOver(accepted, first, last, binMs);
}

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** candidate / baseline, rounded to 3 places; null when either was not measured. */
export function ratio(
  candidate: number | null | undefined,
  baseline: number | null | undefined,
): number | null {
  if (candidate == null || baseline == null || !Number.isFinite(candidate) || !(baseline > 0))
    return null;
  return Math.round((candidate / baseline) * 1000) / 1000;
}
