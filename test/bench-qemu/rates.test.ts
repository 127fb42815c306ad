// Host-side ground truth for the QEMU bench: rates from the wire tool's bins.
import { describe, expect, it } from 'vitest';
import { activeSpanRate, median, percentile, ratio, steadyRate } from '../../bench/qemu/rates.js';

describe('TX active span', () => {
  it('counts from the first to the last bin with frames, gaps inside included', () => {
    const bins = [0, 0, 100, 100, 0, 100, 100, 0, 0];
    const r = activeSpanRate(bins, 10);
    expect(r.frames).toBe(400);
    expect(r.spanMs).toBe(50);
    expect(r.pps).toBe(8000);
    // Too short to leave the warm-up (three seconds) out.
    expect(r.steadyPps).toBe(8000);
  });
  it('leaves the first three seconds (the warm-up) out of the steady rate', () => {
    // 100 ms bins: 3 s at 10 per bin (warming up), then 5 s at 50 per bin.
    const r = activeSpanRate([...Array(30).fill(10), ...Array(50).fill(50)], 100);
    expect(r.pps).toBeCloseTo((300 + 2500) / 8);
    expect(r.steadyPps).toBe(500);
  });
  it('is zero when nothing arrived', () => {
    expect(activeSpanRate([0, 0, 0], 10)).toEqual({ pps: 0, steadyPps: 0, frames: 0, spanMs: 0 });
  });
});

describe('RX steady span', () => {
  it('leaves out the socket buffer taken before the receiver was up, and the partial edge bins', () => {
    // 256 frames queued while nobody read, silence, then the receiver at ~10k per bin.
    const accepted = [256, 0, 0, 0, 4000, 10000, 10000, 9000, 10000, 11000, 3000];
    const r = steadyRate(accepted, 100);
    expect(r.frames).toBe(50000);
    expect(r.spanMs).toBe(500);
    expect(r.pps).toBe(100000);
  });
  it('keeps a stall inside the span', () => {
    // Edge bins 0 and 4 are trimmed; the stall at bin 2 stays in the span.
    const r = steadyRate([5000, 5000, 0, 5000, 5000], 100);
    expect(r.frames).toBe(10000);
    expect(r.spanMs).toBe(300);
  });
});

describe('statistics', () => {
  it('percentiles by nearest rank', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile([3, 1, 2], 100)).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
  it('ratio is null when a side was not measured', () => {
    expect(ratio(95, 100)).toBe(0.95);
    expect(ratio(null, 100)).toBeNull();
    expect(ratio(5, 0)).toBeNull();
  });
});
