// The serve loop's memory figures: the least-squares growth over a run's second half, and
// the bounded sampler behind `load --serve`'s memory report (start/peak/end, growth).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearFit, secondHalfGrowth } from '../../cli/memory-growth.js';
import { MemoryMonitor, type MemoryReading } from '../../cli/memory-monitor.js';

const MIB = 1 << 20;
const KIB = 1024;

/** RSS `rssAt(i)` at reading i; the other figures follow RSS. */
function fakeMemory(rssAt: (i: number) => number) {
  let i = 0;
  const read = (): MemoryReading => {
    const rss = rssAt(i++);
    return { rss, heapUsed: rss / 4, external: rss / 8, arrayBuffers: rss / 16 };
  };
  return { read, reads: () => i };
}

/** A monitor fed `readings` readings one interval apart (the constructor's included). */
function run(rssAt: (i: number) => number, readings: number, capacity = 512, intervalMs = 1000) {
  const mem = fakeMemory(rssAt);
  const m = new MemoryMonitor(intervalMs, mem.read, capacity, 0);
  for (let i = 1; i < readings; i++) m.tick(i * intervalMs);
  return { report: m.report(readings === 0 ? 0 : (readings - 1) * intervalMs), reads: mem.reads };
}

describe('memory growth', () => {
  it('fits a line exactly, with no slope error on exact points', () => {
    const fit = linearFit([0, 1, 2, 3], [5, 7, 9, 11]);
    expect(fit).toEqual({ slope: 2, intercept: 5, slopeStdErr: 0, samples: 4 });
    expect(linearFit([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(linearFit([1], [1])).toBeNull();
  });

  it('leaves start-up growth out: a 20 MiB ramp in the first half, then flat, is no growth', () => {
    const t = Array.from({ length: 61 }, (_, i) => i * 10);
    const rss = t.map((s) => 40 * MIB + Math.min(s, 200) * ((20 * MIB) / 200));
    const g = secondHalfGrowth(t, rss);
    expect(g).not.toBeNull();
    expect(g!.kbPerMin).toBeCloseTo(0, 9);
    expect(g!.windowS).toBe(300);
    expect(g!.samples).toBe(31);
  });

  it('reports a leak of 100 KiB/min in the second half as 100 KiB/min, with its noise', () => {
    const t = Array.from({ length: 61 }, (_, i) => i * 10);
    // ±64 KiB of alternating noise on top of the leak
    const rss = t.map((s, i) => 50 * MIB + (s / 60) * 100 * KIB + (i % 2 ? 64 : -64) * KIB);
    const g = secondHalfGrowth(t, rss)!;
    expect(g.kbPerMin).toBeGreaterThan(95);
    expect(g.kbPerMin).toBeLessThan(105);
    expect(g.stdErrKbPerMin).toBeGreaterThan(0);
  });

  it('says nothing about growth with fewer than 3 samples in the second half', () => {
    expect(secondHalfGrowth([0, 1], [1, 2])).toBeNull();
    expect(secondHalfGrowth([0, 1, 2, 3], [1, 2, 3, 4], 2)).toBeNull();
    expect(secondHalfGrowth([0, 1, 2, 100], [1, 2, 3, 4])).toBeNull();
  });
});

describe('MemoryMonitor', () => {
  it('reads once per interval however often it is ticked', () => {
    const mem = fakeMemory(() => 10 * MIB);
    const m = new MemoryMonitor(1000, mem.read, 512, 0);
    for (let ms = 0; ms <= 5000; ms += 10) m.tick(ms);
    expect(mem.reads()).toBe(6); // at 0, 1000, ..., 5000
    expect(m.report(5000).samples).toBe(6);
  });

  it('reports start, peak and end of each figure; a one-reading spike shows as the peak', () => {
    const spikeAt = 333; // odd: not among the kept samples once they are thinned
    const { report } = run((i) => (i === spikeAt ? 90 * MIB : 40 * MIB + i * KIB), 1000, 64);
    expect(report.samples).toBe(1000);
    expect(report.seconds).toBe(999);
    expect(report.rss).toEqual({
      startBytes: 40 * MIB,
      peakBytes: 90 * MIB,
      endBytes: 40 * MIB + 999 * KIB,
    });
    expect(report.heapUsed.peakBytes).toBe((90 * MIB) / 4);
    expect(report.external.endBytes).toBe((40 * MIB + 999 * KIB) / 8);
    expect(report.peakRssBytes).toBeGreaterThanOrEqual(90 * MIB);
  });

  it('keeps a bounded sample set over a long run and still measures growth over its second half', () => {
    // A day at one reading a second: 1 KiB/s of growth = 60 KiB/min.
    const { report } = run((i) => 50 * MIB + i * KIB, 86_400, 512);
    expect(report.rssGrowth!.samples).toBeLessThanOrEqual(512);
    expect(report.rssGrowth!.samples).toBeGreaterThan(64);
    expect(report.rssGrowth!.kbPerMin).toBeCloseTo(60, 6);
    expect(report.heapUsedGrowth!.kbPerMin).toBeCloseTo(15, 6); // the fake heap is a quarter of RSS
    expect(report.rssGrowth!.windowS).toBeGreaterThan(86_400 / 2 - 400);
  });

  it('measures any straight-line growth exactly, whatever the run length and sample budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: 5, max: 3000 }),
        fc.integer({ min: 1, max: 64 }).map((n) => 2 * n),
        (bytesPerReading, readings, capacity) => {
          const { report } = run((i) => 64 * MIB + i * bytesPerReading, readings, capacity);
          const expected = (bytesPerReading * 60) / KIB;
          // With 16 or more kept, the second half always holds at least 3 samples.
          if (report.rssGrowth === null) return capacity < 16;
          return Math.abs(report.rssGrowth.kbPerMin - expected) < 1e-6;
        },
      ),
    );
  });

  it('rejects a sample budget it cannot halve', () => {
    expect(() => new MemoryMonitor(1000, fakeMemory(() => 1).read, 7)).toThrow(RangeError);
  });
});
