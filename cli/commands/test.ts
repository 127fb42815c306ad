/**
 * `nicdl test SPEC`: ring correctness for any spec, for free. Every ring the spec declares
 * is driven through its generated class by a model-based property suite (fast-check)
 * against the generic ring model — and against a device twin too when one plays the
 * spec's device (the e1000 twin for e1000 specs), which catches a spec that is wrong but
 * consistent with itself. On a failure it prints the shrunk program that breaks the ring
 * and the one command that replays it; the exit code is then 1.
 */
import { Args, Flags } from '@oclif/core';
import { NicdlCommand } from '../base.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import type { RingCheckReport } from '../../runtime/ring-check/index.js';
import { loadSpecIr } from './generate.js';

export default class Test extends NicdlCommand {
  static override summary =
    "Check a spec's rings with a model-based property suite (and replay a failure)";
  static override description =
    'For each ring: random programs of posts, bursts, flushes, device steps (consume, complete, late completion), ' +
    'harvests, releases, resets and injected DMA faults, on small rings that wrap around many times, checked after ' +
    'every step: ownership (software never writes what the device owns, never writes the head while enabled, never ' +
    'reads its tail back), indices in range, free = size - 1 - in flight, full rings refuse posts, every buffer comes ' +
    'back once and in order, nothing stale after a reset, done bits cleared before reuse, descriptors written before ' +
    'the tail moves. TX rings whose report bit can be left clear also run with batched status reports: the last ' +
    'slot of each flush reports, no N in a row go unreported, nothing comes back before the report covering it. ' +
    'Runs against the generic ring model and, when the spec is of a device with a twin, the twin.';
  static override examples = [
    '<%= config.bin %> test drivers/e1000/e1000.nicdl',
    '<%= config.bin %> test drivers/e1000/e1000.nicdl --ring tx --device e1000-twin --runs 1000',
    "<%= config.bin %> test drivers/e1000/e1000.nicdl --ring rx --device model --seed 42 --path '3:1:0~AB:C'",
  ];
  static override enableJsonFlag = true;
  static override args = {
    spec: Args.string({ description: 'the .nicdl spec (or an IR .json file)', required: true }),
  };
  static override flags = {
    runs: Flags.integer({
      description: 'runs per ring and device (default: NICDL_PROP_RUNS, else 100)',
      min: 1,
    }),
    seed: Flags.integer({ description: 'seed of the random programs (printed with every run)' }),
    path: Flags.string({
      description: "replay path from a failure report, e.g. '3:1:0~AB:C' (needs --seed)",
    }),
    ring: Flags.string({ description: 'only this ring (repeatable)', multiple: true }),
    device: Flags.string({
      description: 'only this device side: model, or a twin such as e1000-twin (repeatable)',
      multiple: true,
    }),
    'report-every': Flags.integer({
      description:
        'TX rings that can batch status reports: report intervals runs draw from (repeatable; default 1, 2, 3, 4 and 128, i.e. only at flush)',
      min: 1,
      multiple: true,
      helpValue: 'N',
    }),
  };

  async run(): Promise<RingCheckReport> {
    const { args, flags } = await this.parse(Test);
    if (flags.path !== undefined && flags.seed === undefined) {
      throw new NicdlError(
        'E_TEST_PATH_WITHOUT_SEED',
        '--path replays a failure only with the --seed printed next to it',
        ExitCode.usage,
      );
    }
    const ir = await loadSpecIr(args.spec);
    // Loaded on demand: the suite pulls in the generators and the TypeScript compiler.
    const { checkRings, formatProperty, MODEL_SIDE } =
      await import('../../runtime/ring-check/index.js');
    const { TWIN_SIDES } = await import('../../drivers/ring-check-sides.js');
    const json = this.jsonEnabled();
    if (ir.rings.length === 0 && !json)
      this.log(`${ir.name}: the spec declares no rings; nothing to test`);
    const report = await checkRings(ir, {
      runs: flags.runs,
      seed: flags.seed,
      path: flags.path,
      ringNames: flags.ring,
      devices: flags.device,
      reportEvery: flags['report-every'],
      sides: [MODEL_SIDE, ...TWIN_SIDES],
      specPath: args.spec,
      onProperty: (p) => {
        if (!json) this.log(formatProperty(p));
      },
    });
    if (!json && report.properties.length > 0) this.log(summary(report));
    if (!report.ok) process.exitCode = ExitCode.usage;
    return report;
  }
}

function summary(r: RingCheckReport): string {
  const failed = r.properties.filter((p) => !p.ok);
  const runs = r.properties.reduce((n, p) => n + p.stats.runs, 0);
  const wraps = r.properties.reduce((n, p) => n + p.stats.wraparounds, 0);
  if (failed.length === 0) {
    return `${r.device}: ${r.properties.length} ring properties passed: ${runs} runs, ${wraps} wraparounds, seed ${r.seed}, ${r.ms} ms`;
  }
  const replays = failed.map((p) => `  ${p.failure?.replay ?? ''}`);
  return [
    `${r.device}: ${failed.length} of ${r.properties.length} ring properties FAILED (seed ${r.seed}); replay with:`,
    ...replays,
  ].join('\n');
}
