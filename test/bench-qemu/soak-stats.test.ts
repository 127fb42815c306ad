// The soak bench's figures: /proc/PID/status and nicdl's live lines parsed, and the
// verdicts "peak under 80 MiB" and "flat" (second-half slope under 256 KiB/min).
import { describe, expect, it } from 'vitest';
import {
  FLAT_LIMIT_KB_PER_MIN,
  lastServeLine,
  MIB,
  parseProcStatus,
  soakFigures,
  type SoakSample,
} from '../../bench/qemu/soak-stats.js';
import { liveLine } from '../../cli/serve.js';

const STATUS = `Name:\tnode
Umask:\t0022
State:\tS (sleeping)
Pid:\t412
VmPeak:\t 1234567 kB
VmHWM:\t   61440 kB
VmRSS:\t   58368 kB
RssAnon:\t   40960 kB
RssFile:\t   17408 kB
RssShmem:\t       0 kB
Threads:\t11
`;

/** Samples every 10 s for `minutes`, VmRSS from `rssAt(t)`; VmHWM the running maximum. */
function samples(minutes: number, rssAt: (t: number) => number): SoakSample[] {
  let hwm = 0;
  return Array.from({ length: minutes * 6 + 1 }, (_, i) => {
    const t = i * 10;
    const rss = rssAt(t);
    hwm = Math.max(hwm, rss);
    return {
      t,
      vmRssBytes: rss,
      vmHwmBytes: hwm,
      rssAnonBytes: null,
      rssFileBytes: null,
      rssShmemBytes: null,
      frames: t * 20_000,
    };
  });
}

describe('soak stats', () => {
  it('reads VmRSS, VmHWM and the RSS breakdown from /proc/PID/status', () => {
    expect(parseProcStatus(STATUS)).toEqual({
      vmRssBytes: 58368 * 1024,
      vmHwmBytes: 61440 * 1024,
      rssAnonBytes: 40960 * 1024,
      rssFileBytes: 17408 * 1024,
      rssShmemBytes: 0,
    });
    expect(parseProcStatus('Name:\tnode\n')).toBeNull();
  });

  it("reads the last live line nicdl's serve loop prints", () => {
    const line = (s: number, frames: number, rss: number) =>
      liveLine({ elapsedS: s, pps: 19_998, bps: 9.6e6, frames, bytes: frames * 60 }, true, rss);
    const stderr = `${line(1, 20_000, 50 * MIB)}\n${line(2, 40_000, 51.5 * MIB)}\n`;
    expect(lastServeLine(stderr)).toEqual({
      elapsedS: 2,
      pps: 19_998,
      frames: 40_000,
      rssMib: 51.5,
    });
    expect(lastServeLine('nothing yet\n')).toBeNull();
  });

  it('a flat run under 80 MiB meets both goals, start-up growth left out', () => {
    // 20 MiB of start-up growth in the first two minutes, then ±1 MiB of GC noise.
    const f = soakFigures(
      samples(
        10,
        (t) => 40 * MIB + Math.min(t, 120) * ((20 * MIB) / 120) + ((t / 10) % 2 ? MIB : -MIB),
      ),
    )!;
    expect(f.samples).toBe(61);
    expect(f.seconds).toBe(600);
    expect(f.firstRssMib).toBe(39);
    expect(f.peakRssMib).toBe(61);
    expect(f.verdicts.underLimit).toMatchObject({ value: 61, limit: 80, met: true });
    expect(Math.abs(f.verdicts.flat.value!)).toBeLessThan(FLAT_LIMIT_KB_PER_MIN);
    expect(f.verdicts.flat.met).toBe(true);
  });

  it('a leak of 1 byte per frame at 20,000 frames/s is not flat', () => {
    const f = soakFigures(samples(10, (t) => 50 * MIB + t * 20_000))!;
    expect(f.verdicts.flat.value).toBeCloseTo((20_000 * 60) / 1024, 0);
    expect(f.verdicts.flat.met).toBe(false);
    expect(f.verdicts.underLimit.met).toBe(true);
  });

  it('judges the peak by the high-water mark, even when no sample caught it', () => {
    const s = samples(1, () => 60 * MIB);
    s[3] = { ...s[3], vmHwmBytes: 81 * MIB };
    const f = soakFigures(s)!;
    expect(f.peakSampledRssMib).toBe(60);
    expect(f.peakRssDecimalMb).toBe(84.93);
    expect(f.verdicts.underLimit).toMatchObject({ value: 81, met: false });
  });

  it('has no slope to judge with too few samples, and no figures without any', () => {
    const f = soakFigures(samples(0, () => 60 * MIB))!;
    expect(f.verdicts.flat).toMatchObject({ value: null, met: null });
    expect(soakFigures([])).toBeNull();
  });
});
