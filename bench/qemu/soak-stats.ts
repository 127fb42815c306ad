/**
 * The soak bench's figures (bench/qemu/soak.mjs): what the guest's /proc/PID/status says
 * about nicdl's memory while `nicdl load --serve` receives a steady load, and the verdicts
 * against the memory goals. Pure functions over text and plain arrays.
 *
 * The goals, made precise:
 * - "under 80 MB": the kernel's RSS high-water mark of the nicdl process (VmHWM, start-up
 *   included: a memory limit on the process would meet that peak, not an average) stays
 *   below 80 MiB (83,886,080 bytes).
 * - "flat": the least-squares slope of VmRSS over the run's second half is below
 *   256 KiB/min. The first half holds start-up growth a long run does not repeat (V8
 *   compiling the loop, the heap sizing its young generation). Why 256 KiB/min:
 *   - a leak per frame cannot hide under it: at the default 20,000 frames/s it is 0.2 bytes
 *     per frame, and anything JavaScript retains per frame costs 8 bytes or more (one
 *     number in an array), 40x the limit;
 *   - it is the resolution of a 10-minute run: RSS of a node process at rest moves by
 *     about a MiB as V8 grows and shrinks its heap, and with that noise the slope of 31
 *     samples over 5 minutes has a standard error near 120 KiB/min, so 256 is about two
 *     standard errors (the run reports the slope's own standard error beside it);
 *   - over the 10-minute run it is 2.5 MiB, 3% of the 80 MiB budget.
 *   A slower leak (under 15 MiB/hour, such as a few hundred bytes kept per second) needs
 *   a longer run to see; `--minutes` takes one.
 */
import { secondHalfGrowth, type Growth } from '../../cli/memory-growth.js';

export const MIB = 1 << 20;
const KIB = 1024;
export const RSS_LIMIT_MIB = 80;
export const FLAT_LIMIT_KB_PER_MIN = 256;
/** Runs shorter than this are trials: no verdict is a goal's verdict, no headline. */
export const FULL_RUN_MINUTES = 10;

/** The memory lines of /proc/PID/status, in bytes (null when the line is absent). */
export interface ProcMemory {
  vmRssBytes: number;
  vmHwmBytes: number;
  rssAnonBytes: number | null;
  rssFileBytes: number | null;
  rssShmemBytes: number | null;
}

/** Reads VmRSS, VmHWM and the RSS breakdown ("VmRSS:   51234 kB"); null without VmRSS/VmHWM. */
export function parseProcStatus(text: string): ProcMemory | null {
  const kb = (name: string): number | null => {
    const m = text.match(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm'));
    return m ? Number(m[1]) * KIB : null;
  };
  const vmRssBytes = kb('VmRSS');
  const vmHwmBytes = kb('VmHWM');
  if (vmRssBytes === null || vmHwmBytes === null) return null;
  return {
    vmRssBytes,
    vmHwmBytes,
    rssAnonBytes: kb('RssAnon'),
    rssFileBytes: kb('RssFile'),
    rssShmemBytes: kb('RssShmem'),
  };
}

/** The last live line of `nicdl load --serve` on stderr: seconds served, frames, its own RSS. */
export interface ServeLiveLine {
  elapsedS: number;
  pps: number;
  frames: number;
  rssMib: number | null;
}

/** "serving 12 s: rx 19,998 pps 9.60 Mb/s, 240,000 frames, link up, rss 52.1 MiB" (the last one in `text`). */
export function lastServeLine(text: string): ServeLiveLine | null {
  const re =
    /^serving (\d+) s: rx ([\d,]+) pps [^,]*, ([\d,]+) frames, link \w+(?:, rss ([\d.]+) (MiB|KiB|B))?$/gm;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  const num = (s: string) => Number(s.replace(/,/g, ''));
  const unit: Record<string, number> = { MiB: 1, KiB: 1 / KIB, B: 1 / MIB };
  return {
    elapsedS: num(last[1]),
    pps: num(last[2]),
    frames: num(last[3]),
    rssMib: last[4] === undefined ? null : Number(last[4]) * unit[last[5]],
  };
}

/** One sample of the soak: seconds since serving began, and what /proc said. */
export interface SoakSample extends ProcMemory {
  t: number;
  /** nicdl's frame count from its latest live line, when there was one. */
  frames: number | null;
}

export interface Verdict {
  value: number | null;
  limit: number;
  met: boolean | null;
  rule: string;
}

export interface SoakFigures {
  samples: number;
  seconds: number;
  firstRssMib: number;
  lastRssMib: number;
  /** Highest VmRSS sampled, and the kernel's high-water mark (VmHWM) at the last sample. */
  peakSampledRssMib: number;
  peakRssMib: number;
  /** The same peak in decimal megabytes (10^6 bytes), for readers who take "80 MB" that way. */
  peakRssDecimalMb: number;
  /** The last sample's RSS split: anonymous (heap, DMA buffers) and file-backed (node's code). */
  lastRssAnonMib: number | null;
  lastRssFileMib: number | null;
  growth: Growth | null;
  verdicts: { underLimit: Verdict; flat: Verdict };
}

const mib = (bytes: number) => Math.round((bytes / MIB) * 100) / 100;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Peak, first/last, second-half slope and the two verdicts; null without samples. */
export function soakFigures(samples: readonly SoakSample[]): SoakFigures | null {
  if (samples.length === 0) return null;
  const first = samples[0];
  const last = samples[samples.length - 1];
  const peakSampled = Math.max(...samples.map((s) => s.vmRssBytes));
  const peak = Math.max(peakSampled, ...samples.map((s) => s.vmHwmBytes));
  const growth = secondHalfGrowth(
    samples.map((s) => s.t),
    samples.map((s) => s.vmRssBytes),
  );
  const slope = growth === null ? null : round1(growth.kbPerMin);
  return {
    samples: samples.length,
    seconds: last.t - first.t,
    firstRssMib: mib(first.vmRssBytes),
    lastRssMib: mib(last.vmRssBytes),
    peakSampledRssMib: mib(peakSampled),
    peakRssMib: mib(peak),
    peakRssDecimalMb: Math.round(peak / 1e4) / 100,
    lastRssAnonMib: last.rssAnonBytes === null ? null : mib(last.rssAnonBytes),
    lastRssFileMib: last.rssFileBytes === null ? null : mib(last.rssFileBytes),
    growth,
    verdicts: {
      underLimit: {
        value: mib(peak),
        limit: RSS_LIMIT_MIB,
        met: peak < RSS_LIMIT_MIB * MIB,
        rule: `VmHWM (the process's RSS high-water mark, start-up included) < ${RSS_LIMIT_MIB} MiB`,
      },
      flat: {
        value: slope,
        limit: FLAT_LIMIT_KB_PER_MIN,
        met: slope === null ? null : slope < FLAT_LIMIT_KB_PER_MIN,
        rule: `least-squares slope of VmRSS over the run's second half < ${FLAT_LIMIT_KB_PER_MIN} KiB/min`,
      },
    },
  };
}
