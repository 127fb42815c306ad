/**
 * Live rates for long runs: once a second (wall clock), the change of a few counters
 * since the last report, as frames and bits per second. Reports go to stderr so stdout
 * stays the command's result (and --json stays parseable).
 */

export interface RateSample {
  frames: number;
  bytes: number;
}

export interface RateLine {
  elapsedS: number;
  pps: number;
  bps: number;
  frames: number;
  bytes: number;
}

const MS_PER_S = 1000;
const BITS_PER_BYTE = 8;
export const REPORT_INTERVAL_MS = 1000;

export class LiveRates {
  private readonly startMs = performance.now();
  private lastMs = this.startMs;
  private last: RateSample = { frames: 0, bytes: 0 };

  constructor(
    private readonly report: (line: RateLine) => void,
    private readonly intervalMs = REPORT_INTERVAL_MS,
  ) {}

  /**
   * Call often with the running totals; reports when an interval has passed. `t`: the
   * time now (performance.now()), for a caller that has just read it.
   */
  tick(now: RateSample, t = performance.now()): void {
    if (t - this.lastMs < this.intervalMs) return;
    const seconds = (t - this.lastMs) / MS_PER_S;
    this.report({
      elapsedS: (t - this.startMs) / MS_PER_S,
      pps: (now.frames - this.last.frames) / seconds,
      bps: ((now.bytes - this.last.bytes) * BITS_PER_BYTE) / seconds,
      frames: now.frames,
      bytes: now.bytes,
    });
    this.lastMs = t;
    this.last = { ...now };
  }

  get elapsedMs(): number {
    return performance.now() - this.startMs;
  }
}

/** "123,456" */
export function count(n: number | bigint): string {
  return n.toLocaleString('en-US');
}

/** "1 frame", "1,000 frames" */
export function counted(n: number, noun: string): string {
  return `${count(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** "1.23 Mb/s", "512 kb/s", "80 b/s" */
export function bitRate(bps: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'Gb/s'],
    [1e6, 'Mb/s'],
    [1e3, 'kb/s'],
  ];
  for (const [scale, unit] of units) if (bps >= scale) return `${(bps / scale).toFixed(2)} ${unit}`;
  return `${Math.round(bps)} b/s`;
}

/** "1.5 MiB", "12 KiB", "100 B" */
export function byteSize(bytes: number): string {
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes} B`;
}

/** Yield to the event loop so signals and timers get a turn in a busy loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
