/**
 * Ring correctness for every spec in the repository (and the generators' hand-written
 * IR): each ring, through its generated class, against the generic ring model and — for
 * e1000 specs — the e1000 twin. Each property gets a fixed budget of runs inside
 * `npm test` (NICDL_PROP_RUNS overrides it; `npm run test:props:long` runs 100 000) and
 * must pass, reach several wraparounds, and exercise resets, unmapped buffers, (on
 * the model) late completions and, for TX rings that can batch status reports, runs
 * with and without unreported slots. A failure message carries the report: the shrunk program
 * and the `nicdl test` command that replays it.
 */
import { describe, expect, it } from 'vitest';
import { checkRings, formatReport, MODEL_SIDE } from '../../runtime/ring-check/index.js';
import { TWIN_SIDES } from '../../drivers/ring-check-sides.js';
import { propRuns, propSeed } from './helpers/budget.js';
import { specCases } from './helpers/specs.js';

const RUNS = propRuns(30);
const SEED = propSeed(20_240_601);
/** Long runs (NICDL_PROP_RUNS) take as long as they take. */
const TIMEOUT_MS = process.env.NICDL_PROP_RUNS ? 7 * 24 * 3600 * 1000 : 120_000;

describe.each(specCases())('rings of $name', (spec) => {
  it(
    'pass the ring suite on every device that plays them, wrapping around several times',
    async () => {
      const ir = spec.load();
      const report = await checkRings(ir, {
        runs: RUNS,
        seed: SEED,
        sides: [MODEL_SIDE, ...TWIN_SIDES],
        specPath: spec.path,
      });
      const text = formatReport(report);
      expect(report.ok, text).toBe(true);
      expect(report.properties.length, text).toBeGreaterThanOrEqual(ir.rings.length);
      for (const p of report.properties) {
        expect(p.stats.runs, text).toBe(RUNS);
        // "Several wraparounds": most runs go round the ring at least twice.
        expect(p.stats.runsWrappingTwice, text).toBeGreaterThanOrEqual(Math.ceil(RUNS / 2));
        expect(p.stats.maxWraparounds, text).toBeGreaterThanOrEqual(3);
        expect(p.stats.resets, text).toBeGreaterThan(0);
        expect(p.stats.poisonedPosts, text).toBeGreaterThan(0);
        expect(p.stats.refusedPosts, text).toBeGreaterThan(0);
        if (p.device === 'model') expect(p.stats.lateCompletions, text).toBeGreaterThan(0);
        if (p.reportEvery.length > 1) {
          // Runs both report every descriptor and batch reports, leaving slots unreported.
          expect(p.stats.batchedRuns, text).toBeGreaterThan(0);
          expect(p.stats.batchedRuns, text).toBeLessThan(p.stats.runs);
          expect(p.stats.unreportedSlots, text).toBeGreaterThan(0);
        }
        if (p.direction === 'rx') expect(p.stats.rxFrames, text).toBeGreaterThan(0);
      }
    },
    TIMEOUT_MS,
  );
});

describe('device sides', () => {
  it('e1000 runs each ring on the generic model and on the e1000 twin', async () => {
    const spec = specCases().find((s) => s.path?.endsWith('drivers/e1000/e1000.nicdl'));
    expect(spec).toBeDefined();
    const report = await checkRings(spec!.load(), {
      runs: 1,
      seed: SEED,
      sides: [MODEL_SIDE, ...TWIN_SIDES],
    });
    expect(report.properties.map((p) => `${p.ring}/${p.device}`).sort()).toEqual([
      'rx/e1000-twin',
      'rx/model',
      'tx/e1000-twin',
      'tx/model',
    ]);
    // TX batches status reports (cmd.RS sits alike in all three formats); RX has no report bit.
    for (const p of report.properties)
      expect(p.reportEvery.length > 1, `${p.ring}/${p.device}`).toBe(p.ring === 'tx');
  });

  it('a spec whose head register is read-only passes, with a note that init() writes it', async () => {
    const spec = specCases().find((s) => s.path?.endsWith('examples/blinky.nicdl'));
    expect(spec).toBeDefined();
    const report = await checkRings(spec!.load(), { runs: 2, seed: SEED });
    expect(report.ok, formatReport(report)).toBe(true);
    expect(report.properties[0].notes.join('\n')).toMatch(
      /init\(\) writes RX_HEAD, which the spec declares read-only/,
    );
  });
});
