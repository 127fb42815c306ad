/**
 * checkRings(ir, options): the ring suite for any spec. One fast-check property per
 * (ring, device side): many runs, each a fresh device and a random program of commands
 * (commands.ts) on a small ring, checked after every step (harness.ts). A failure is
 * shrunk to a short program and reported with the seed and path that replay it.
 *
 * TX rings that can batch status reports (RingLayout.reportBit) draw each run's report
 * interval too (RingOptions.reportEvery: every descriptor, a few small intervals, or only
 * at flush), as part of the counterexample, so a replay path brings it back.
 *
 * A replay path has two parts, `PATH~COMMANDS`: fast-check's shrink path, then the
 * commands' own replay path (which commands of the original program ran). `nicdl test
 * SPEC --seed S --path 'PATH~COMMANDS'` replays the one failing program.
 */
import fc from 'fast-check';
import type { Device as IrDevice, Ring } from '../../spec/ir.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { commandArbitrary } from './commands.js';
import type { SideFactory } from './device-side.js';
import {
  loadGeneratedRings,
  type GeneratedRingClass,
  type GeneratedRingEntry,
} from './generated-rings.js';
import { RingCheckFailure, RingHarness, type RunSetup } from './harness.js';
import { MODEL_SIDE } from './model-side.js';
import type { RunStats } from './ring-model.js';

/** Runs per property when the caller names none. */
export const DEFAULT_RUNS = 100;
/** Longest program of one run (fc.commands with size 'max': lengths spread up to this). */
export const DEFAULT_MAX_COMMANDS = 500;
/** Ring sizes tried: the spec's smallest legal counts, at most this many, up to SMALL_RING_SLOTS. */
const RING_SIZES = 4;
const SMALL_RING_SLOTS = 64;
/** Separates fast-check's path from the commands' replay path in a --path value. */
export const PATH_SEPARATOR = '~';
/**
 * Report intervals runs of a ring that can batch status reports draw from: every
 * descriptor (the default ring), small intervals that leave runs of unreported slots
 * inside each flush, and one beyond the ring sizes used (reports only at flush).
 */
export const DEFAULT_REPORT_INTERVALS: readonly number[] = [1, 2, 3, 4, 2 * SMALL_RING_SLOTS];

/** Plants a defect in a generated ring class (mutation tests), or wraps it for tracing. */
export type RingClassWrapper = (base: GeneratedRingClass, ring: Ring) => GeneratedRingClass;

export interface DriverOptions {
  /** Bytes per buffer the driver configures ring and device with (default: the spec's buffer default). */
  bufferBytes?: number;
  /** Bytes per buffer it allocates (default: bufferBytes). Smaller only to plant a defect. */
  allocBytes?: number;
  /** RX: reuse a buffer as soon as it is taken back, before its consumer releases it (a planted defect). */
  recycleBeforeRelease?: boolean;
}

export interface CheckRingsOptions {
  /** Runs per property (default NICDL_PROP_RUNS, else DEFAULT_RUNS). */
  runs?: number;
  /** fast-check seed (default: a fresh one, reported). */
  seed?: number;
  /** Replay path from a failure report (`PATH~COMMANDS`); needs the same seed. */
  path?: string;
  /** Only these rings (default: every ring of the spec). */
  ringNames?: string[];
  /** Device sides available (default: the generic model only). A twin joins through here. */
  sides?: SideFactory[];
  /** Only these side kinds (default: every available side that supports the ring). */
  devices?: string[];
  maxCommands?: number;
  /** Build rings in checked mode. */
  checked?: boolean;
  /**
   * Report intervals (RingOptions.reportEvery) runs draw from, for rings that can batch
   * status reports (default DEFAULT_REPORT_INTERVALS); other rings always use 1.
   */
  reportEvery?: readonly number[];
  /** Wraps each generated ring class (tests plant defects with it). */
  wrap?: RingClassWrapper;
  driver?: DriverOptions;
  /** How to name the spec in replay commands (default "SPEC"). */
  specPath?: string;
  /** Called after each property with its result (progress output). */
  onProperty?: (p: PropertyReport) => void;
}

/** A property's run statistics summed over its runs, plus how the runs wrapped. */
export interface PropertyStats extends RunStats {
  runs: number;
  /** The most tail wraparounds in one run, and runs that wrapped at least twice. */
  maxWraparounds: number;
  runsWrappingTwice: number;
  /** Runs whose ring reported on fewer than every descriptor (reportEvery > 1). */
  batchedRuns: number;
}

export interface PropertyFailure {
  /** The run (1-based) that failed first. */
  run: number;
  seed: number;
  /** `PATH~COMMANDS`, for --path. */
  path: string;
  ringSlots: number;
  /** The ring's report interval in that run (1: every descriptor reports). */
  reportEvery: number;
  /** The shrunk program, one command per line, the failing one last. */
  commands: string[];
  message: string;
  /** The one command that replays it. */
  replay: string;
}

export interface PropertyReport {
  ring: string;
  direction: 'tx' | 'rx';
  device: string;
  ok: boolean;
  /** The report intervals runs drew from ([1] for a ring that reports every descriptor). */
  reportEvery: number[];
  stats: PropertyStats;
  ms: number;
  failure?: PropertyFailure;
  /** Things worth knowing that are not failures (e.g. a read-only head that init() writes). */
  notes: string[];
}

export interface RingCheckReport {
  device: string;
  ok: boolean;
  seed: number;
  runs: number;
  properties: PropertyReport[];
  ms: number;
}

/** Runs the suite over the rings of `ir`. Resolves to a report; never throws for a failing ring. */
export async function checkRings(
  ir: IrDevice,
  options: CheckRingsOptions = {},
): Promise<RingCheckReport> {
  const t0 = performance.now();
  const runs = options.runs ?? runsFromEnv() ?? DEFAULT_RUNS;
  const seed = options.seed ?? freshSeed();
  const sides = options.sides ?? [MODEL_SIDE];
  const plan = selectRings(ir, options.ringNames).flatMap((ring) =>
    sides
      .filter((s) => s.supports(ir, ring) && (!options.devices || options.devices.includes(s.kind)))
      .map((side) => ({ ring, side })),
  );
  if (options.devices && plan.length === 0) {
    throw new NicdlError(
      'E_TEST_NO_DEVICE',
      `no ring of ${ir.name} can run on device ${options.devices.join(', ')} (available: ${sides.map((s) => s.kind).join(', ')})`,
      ExitCode.usage,
      { devices: options.devices },
    );
  }
  const classes =
    plan.length > 0 ? await loadGeneratedRings(ir) : new Map<string, GeneratedRingEntry>();
  const properties: PropertyReport[] = [];
  for (const { ring, side } of plan) {
    const base = classes.get(ring.name)!;
    const RingClass = options.wrap ? options.wrap(base.RingClass, ring) : base.RingClass;
    const report = runProperty(ir, ring, { ...base, RingClass }, side, { ...options, runs, seed });
    properties.push(report);
    options.onProperty?.(report);
  }
  return {
    device: ir.name,
    ok: properties.every((p) => p.ok),
    seed,
    runs,
    properties,
    ms: elapsed(t0),
  };
}

function runProperty(
  ir: IrDevice,
  ring: Ring,
  generated: GeneratedRingEntry,
  side: SideFactory,
  options: CheckRingsOptions & { runs: number; seed: number },
): PropertyReport {
  const t0 = performance.now();
  const bufferBytes = options.driver?.bufferBytes ?? ring.buffer.default;
  const allocBytes = options.driver?.allocBytes ?? bufferBytes;
  const counts = ringCounts(ring);
  const intervals = reportIntervals(generated, options.reportEvery);
  const [fcPath, replayPath] = splitPath(options.path);
  // The capabilities are fixed per side: read them from a throwaway run.
  const probe = new RingHarness(
    setupFor(ir, ring, generated, side, counts[0], 1, bufferBytes, allocBytes, options),
  );
  const can = probe.side.can;
  probe.close();
  const commands = fc.commands(
    [commandArbitrary({ ring, bufferBytes, can, maxCount: counts[counts.length - 1] })],
    {
      size: 'max',
      maxCommands: options.maxCommands ?? DEFAULT_MAX_COMMANDS,
      ...(replayPath ? { replayPath } : {}),
    },
  );
  const stats = emptyPropertyStats();
  const notes = new Set<string>();
  let failed = false;
  const property = fc.property(
    ringSizes(counts),
    fc.constantFrom(...intervals),
    commands,
    (count, reportEvery, cmds) => {
      const h = new RingHarness(
        setupFor(ir, ring, generated, side, count, reportEvery, bufferBytes, allocBytes, options),
      );
      try {
        fc.modelRun(() => ({ model: h.model, real: h }), cmds);
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        if (!failed) addRun(stats, h.model.stats, reportEvery);
        for (const n of h.notes) notes.add(n);
        h.close();
      }
    },
  );
  const details = replayable(options.path, () =>
    fc.check(property, {
      numRuns: options.runs,
      seed: propertySeed(options.seed, ir, ring, side),
      ...(fcPath ? { path: fcPath } : {}),
    }),
  );
  const report: PropertyReport = {
    ring: ring.name,
    direction: ring.direction,
    device: side.kind,
    ok: !details.failed,
    reportEvery: intervals,
    stats,
    ms: elapsed(t0),
    notes: [...notes],
  };
  if (details.failed) report.failure = failureOf(details, ring, side, options);
  return report;
}

/**
 * The report intervals a ring's runs draw from: the asked ones (default
 * DEFAULT_REPORT_INTERVALS) where the ring can batch status reports, else 1 only.
 */
function reportIntervals(generated: GeneratedRingEntry, asked?: readonly number[]): number[] {
  if (generated.layout.reportBit === undefined) return [1];
  const picked = [...new Set(asked ?? DEFAULT_REPORT_INTERVALS)];
  for (const n of picked) {
    if (!Number.isInteger(n) || n < 1) {
      throw new NicdlError(
        'E_TEST_REPORT_EVERY',
        `report interval ${n} is not a whole number of descriptors >= 1`,
        ExitCode.usage,
        { reportEvery: n },
      );
    }
  }
  return picked.length > 0 ? picked : [1];
}

/**
 * Each property's own seed, derived from the run's seed and its spec, ring and device, so
 * two rings do not run the same programs; a replay derives it the same way.
 */
function propertySeed(seed: number, ir: IrDevice, ring: Ring, side: SideFactory): number {
  let h = FNV_OFFSET;
  for (const c of `${ir.name}/${ring.name}/${side.kind}`)
    h = Math.imul(h ^ c.charCodeAt(0), FNV_PRIME);
  return (seed ^ h) | 0;
}

/** FNV-1a, 32-bit. */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** fast-check refuses a path that does not fit the program it generates: say so as a user error. */
function replayable<T>(path: string | undefined, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (path === undefined) throw e;
    throw new NicdlError(
      'E_TEST_BAD_PATH',
      `--path '${path}' does not replay a program of this spec, ring and device with this seed (${(e as Error).message}); copy the replay command as printed`,
      ExitCode.usage,
      { path },
    );
  }
}

function setupFor(
  ir: IrDevice,
  ring: Ring,
  generated: GeneratedRingEntry,
  side: SideFactory,
  count: number,
  reportEvery: number,
  bufferBytes: number,
  allocBytes: number,
  options: CheckRingsOptions,
): RunSetup {
  return {
    ir,
    ring,
    ...generated,
    side,
    count,
    reportEvery,
    bufferBytes,
    allocBytes,
    checked: options.checked ?? false,
    recycleBeforeRelease: options.driver?.recycleBeforeRelease ?? false,
  };
}

/** The parts of fast-check's run details a failure report needs. */
interface FailedRun {
  numRuns: number;
  counterexample: [number, number, unknown] | null;
  counterexamplePath: string | null;
  errorInstance: unknown;
}

function failureOf(
  details: FailedRun,
  ring: Ring,
  side: SideFactory,
  options: CheckRingsOptions & { seed: number },
): PropertyFailure {
  const [count, reportEvery, cmds] = details.counterexample ?? [0, 1, []];
  const text = String(cmds);
  const replay = /replayPath="([^"]*)"/.exec(text)?.[1] ?? '';
  const ran = [...(cmds as Iterable<{ hasRan?: boolean; toString(): string }>)]
    .filter((c) => c.hasRan)
    .map((c) => c.toString());
  const path = `${details.counterexamplePath ?? ''}${PATH_SEPARATOR}${replay}`;
  const error = details.errorInstance;
  const message =
    error instanceof RingCheckFailure
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
  return {
    run: details.numRuns,
    seed: options.seed,
    path,
    ringSlots: count,
    reportEvery,
    commands: ran,
    message,
    replay: `nicdl test ${shellWord(options.specPath ?? 'SPEC')} --ring ${ring.name} --device ${side.kind}${reportFlags(options.reportEvery)} --seed ${options.seed} --path '${path}'`,
  };
}

/** The --report-every flags a replay needs: the intervals asked for, when not the default. */
function reportFlags(asked: readonly number[] | undefined): string {
  return asked ? asked.map((n) => ` --report-every ${n}`).join('') : '';
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(word: string): string {
  return /^[\w./@%+=:,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Half the runs use the smallest ring (it wraps most often); the rest spread over the others. */
function ringSizes(counts: number[]): fc.Arbitrary<number> {
  const [smallest, ...others] = counts;
  if (others.length === 0) return fc.constant(smallest);
  return fc.oneof(
    { weight: others.length, arbitrary: fc.constant(smallest) },
    { weight: others.length, arbitrary: fc.constantFrom(...others) },
  );
}

/** The ring sizes runs use: the smallest legal counts (small rings wrap often). */
export function ringCounts(ring: Ring): number[] {
  const { min, max, step } = ring.count;
  const first = Math.ceil(min / step) * step;
  const out: number[] = [];
  for (
    let c = first;
    c <= max && out.length < RING_SIZES && (c <= SMALL_RING_SLOTS || out.length === 0);
    c += step
  )
    out.push(c);
  return out;
}

function selectRings(ir: IrDevice, names: string[] | undefined): Ring[] {
  if (!names || names.length === 0) return ir.rings;
  const unknown = names.filter((n) => !ir.rings.some((r) => r.name === n));
  if (unknown.length > 0) {
    throw new NicdlError(
      'E_TEST_NO_RING',
      `${ir.name} has no ring ${unknown.join(', ')} (its rings: ${ir.rings.map((r) => r.name).join(', ') || 'none'})`,
      ExitCode.usage,
      { rings: unknown },
    );
  }
  return ir.rings.filter((r) => names.includes(r.name));
}

function splitPath(path: string | undefined): [string | undefined, string | undefined] {
  if (!path) return [undefined, undefined];
  const at = path.indexOf(PATH_SEPARATOR);
  if (at < 0) return [path, undefined];
  return [path.slice(0, at) || undefined, path.slice(at + 1) || undefined];
}

function runsFromEnv(): number | undefined {
  const v = process.env.NICDL_PROP_RUNS;
  const n = v === undefined ? NaN : Number(v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fff_ffff)) | 0;
}

function emptyPropertyStats(): PropertyStats {
  return {
    runs: 0,
    commands: 0,
    posts: 0,
    completions: 0,
    wraparounds: 0,
    maxWraparounds: 0,
    runsWrappingTwice: 0,
    batchedRuns: 0,
    headWraps: 0,
    resets: 0,
    refusedPosts: 0,
    poisonedPosts: 0,
    lateCompletions: 0,
    unreportedSlots: 0,
    rxFrames: 0,
    rxDropped: 0,
  };
}

function addRun(p: PropertyStats, r: RunStats, reportEvery: number): void {
  p.runs++;
  if (reportEvery > 1) p.batchedRuns++;
  p.commands += r.commands;
  p.posts += r.posts;
  p.completions += r.completions;
  p.wraparounds += r.wraparounds;
  p.maxWraparounds = Math.max(p.maxWraparounds, r.wraparounds);
  if (r.wraparounds >= 2) p.runsWrappingTwice++;
  p.headWraps += r.headWraps;
  p.resets += r.resets;
  p.refusedPosts += r.refusedPosts;
  p.poisonedPosts += r.poisonedPosts;
  p.lateCompletions += r.lateCompletions;
  p.unreportedSlots += r.unreportedSlots;
  p.rxFrames += r.rxFrames;
  p.rxDropped += r.rxDropped;
}

function elapsed(t0: number): number {
  return Math.round(performance.now() - t0);
}
