/**
 * The process's memory while a command serves (`nicdl load --serve`): RSS, V8's used
 * heap, memory held outside the heap (`external`, which includes ArrayBuffers such as
 * DMA-mapped buffers) and ArrayBuffers alone, read once per interval. Reports where each
 * started, peaked and ended, and how fast RSS grew over the second half of the run.
 *
 * Bounded and allocation-light, since a serve may run for days: samples live in
 * preallocated typed arrays; when they are full every other one is dropped and from then
 * on only every second reading is kept (then every fourth...), so the kept samples stay
 * evenly spread over the whole run. Peaks see every reading, kept or not.
 */
import { secondHalfGrowth, type Growth } from './memory-growth.js';

export interface MemoryReading {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

type Field = keyof MemoryReading;
const FIELDS: readonly Field[] = ['rss', 'heapUsed', 'external', 'arrayBuffers'];

/** Start, peak and end of one figure, in bytes. */
export interface MemorySpan {
  startBytes: number;
  peakBytes: number;
  endBytes: number;
}

export interface MemoryReport {
  /** Readings taken (one per interval, plus the first and the last). */
  samples: number;
  intervalMs: number;
  /** From the first reading to the last. */
  seconds: number;
  rss: MemorySpan;
  heapUsed: MemorySpan;
  external: MemorySpan;
  arrayBuffers: MemorySpan;
  /** The kernel's high-water mark of RSS over the process's life (start-up included). */
  peakRssBytes: number;
  /** RSS growth over the second half of the run; null when too short to say. */
  rssGrowth: Growth | null;
  /** The same for V8's used heap (a JavaScript leak shows here before RSS moves). */
  heapUsedGrowth: Growth | null;
}

export const MEMORY_INTERVAL_MS = 1000;
/** Samples kept for the growth lines: 4 KiB per array, ~8.5 min at full resolution. */
const DEFAULT_CAPACITY = 512;
const MS_PER_S = 1000;
/** getrusage reports maxRSS in KiB on Linux. */
const BYTES_PER_KB = 1024;

/** The kernel's RSS high-water mark for this process, in bytes (cheap: one getrusage). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * BYTES_PER_KB;
}

const readProcessMemory = (): MemoryReading => process.memoryUsage();

export class MemoryMonitor {
  private readonly timesS: Float64Array;
  private readonly rssBytes: Float64Array;
  private readonly heapBytes: Float64Array;
  private kept = 0;
  /** Keep every stride-th reading (doubles each time the arrays fill). */
  private stride = 1;
  private readings = 0;
  private readonly startMs: number;
  private lastMs: number;
  private first: MemoryReading | undefined;
  private last: MemoryReading | undefined;
  private readonly peak: MemoryReading = { rss: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };

  constructor(
    readonly intervalMs = MEMORY_INTERVAL_MS,
    private readonly read: () => MemoryReading = readProcessMemory,
    capacity = DEFAULT_CAPACITY,
    nowMs = performance.now(),
  ) {
    if (capacity < 2 || capacity % 2) throw new RangeError('capacity must be even and at least 2');
    this.timesS = new Float64Array(capacity);
    this.rssBytes = new Float64Array(capacity);
    this.heapBytes = new Float64Array(capacity);
    this.startMs = nowMs;
    this.lastMs = nowMs;
    this.sample(nowMs);
  }

  /** Call often; reads the memory when an interval has passed since the last reading. */
  tick(nowMs = performance.now()): void {
    if (nowMs - this.lastMs >= this.intervalMs) this.sample(nowMs);
  }

  /** The latest reading (for live lines). */
  get latest(): MemoryReading {
    return this.last as MemoryReading;
  }

  /** Takes a last reading, then reports the run. */
  report(nowMs = performance.now()): MemoryReport {
    if (nowMs > this.lastMs) this.sample(nowMs);
    const first = this.first as MemoryReading;
    const last = this.last as MemoryReading;
    const span = (f: Field): MemorySpan => ({
      startBytes: first[f],
      peakBytes: this.peak[f],
      endBytes: last[f],
    });
    return {
      samples: this.readings,
      intervalMs: this.intervalMs,
      seconds: (this.lastMs - this.startMs) / MS_PER_S,
      rss: span('rss'),
      heapUsed: span('heapUsed'),
      external: span('external'),
      arrayBuffers: span('arrayBuffers'),
      peakRssBytes: Math.max(peakRssBytes(), this.peak.rss),
      rssGrowth: secondHalfGrowth(this.timesS, this.rssBytes, this.kept),
      heapUsedGrowth: secondHalfGrowth(this.timesS, this.heapBytes, this.kept),
    };
  }

  private sample(nowMs: number): void {
    const m = this.read();
    this.lastMs = nowMs;
    this.first ??= m;
    this.last = m;
    for (const f of FIELDS) if (m[f] > this.peak[f]) this.peak[f] = m[f];
    if (this.readings++ % this.stride !== 0) return;
    if (this.kept === this.timesS.length) this.halve();
    this.timesS[this.kept] = (nowMs - this.startMs) / MS_PER_S;
    this.rssBytes[this.kept] = m.rss;
    this.heapBytes[this.kept] = m.heapUsed;
    this.kept++;
  }

  /** Drops every other kept sample (the even ones stay), and keeps half as often from now on. */
  private halve(): void {
    for (let i = 0; i < this.kept / 2; i++) {
      this.timesS[i] = this.timesS[2 * i];
      this.rssBytes[i] = this.rssBytes[2 * i];
      this.heapBytes[i] = this.heapBytes[2 * i];
    }
    this.kept /= 2;
    this.stride *= 2;
  }
}
