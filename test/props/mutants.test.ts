/**
 * Mutation check: each defect of shared/docs/hardware.md's "What the original design
 * document got wrong", planted into the e1000 spec, its generated ring or its driver
 * (test/props/mutants/), must make the ring suite fail — on the properties the mutant
 * names, with a shrunk program and a replay command. The unmutated spec passes
 * (rings.test.ts). A failure replays from its seed and path alone.
 */
import { describe, expect, it } from 'vitest';
import { loadIr } from '../../spec/index.js';
import {
  checkRings,
  formatReport,
  MODEL_SIDE,
  type CheckRingsOptions,
} from '../../runtime/ring-check/index.js';
import { TWIN_SIDES } from '../../drivers/ring-check-sides.js';
import { MUTANTS, type Mutant } from './mutants/index.js';
import { completionByHead } from './mutants/completion-by-head.js';
import { E1000_SPEC, mutatedE1000 } from './helpers/specs.js';

/** Enough runs for every mutant to be found; each is found within a few. */
const RUNS = 25;
const SEED = 7;

function specOf(m: Mutant): { path: string; ir: ReturnType<typeof loadIr>; cleanup(): void } {
  return m.patchSpec
    ? mutatedE1000(m.patchSpec)
    : { path: E1000_SPEC, ir: loadIr(E1000_SPEC), cleanup: () => {} };
}

function optionsOf(m: Mutant, path: string): CheckRingsOptions {
  return {
    runs: RUNS,
    seed: SEED,
    ringNames: m.rings,
    sides: [MODEL_SIDE, ...TWIN_SIDES],
    wrap: m.wrap,
    driver: m.driver,
    specPath: path,
  };
}

describe.each(MUTANTS.map((m) => ({ ...m, label: `${m.name}: ${m.defect}` })))('$label', (m) => {
  it('makes the ring suite fail, with a counterexample and a replay command', async () => {
    const spec = specOf(m);
    try {
      const report = await checkRings(spec.ir, optionsOf(m, spec.path));
      const text = formatReport(report);
      expect(report.ok, text).toBe(false);
      const byId = new Map(report.properties.map((p) => [`${p.ring}/${p.device}`, p]));
      for (const id of m.caughtBy) {
        const p = byId.get(id);
        expect(p, `${id} ran\n${text}`).toBeDefined();
        expect(p!.ok, `${id} caught it\n${text}`).toBe(false);
        const f = p!.failure!;
        expect(f.commands.length).toBeGreaterThan(0);
        expect(f.replay).toBe(
          `nicdl test ${spec.path} --ring ${p!.ring} --device ${p!.device} --seed ${SEED} --path '${f.path}'`,
        );
      }
      for (const id of m.passes ?? [])
        expect(byId.get(id)?.ok, `${id} cannot see it\n${text}`).toBe(true);
    } finally {
      spec.cleanup();
    }
  });
});

it('the unmutated e1000 spec passes the same check', async () => {
  const report = await checkRings(loadIr(E1000_SPEC), {
    runs: RUNS,
    seed: SEED,
    sides: [MODEL_SIDE, ...TWIN_SIDES],
  });
  expect(report.ok, formatReport(report)).toBe(true);
  expect(report.properties).toHaveLength(4);
});

describe('what each defect breaks', () => {
  const failureOf = async (m: Mutant, id: string) => {
    const spec = specOf(m);
    try {
      const report = await checkRings(spec.ir, {
        ...optionsOf(m, spec.path),
        ringNames: [id.split('/')[0]],
        devices: [id.split('/')[1]],
      });
      return report.properties[0].failure!;
    } finally {
      spec.cleanup();
    }
  };
  const mutant = (name: string) => MUTANTS.find((m) => m.name === name)!;

  it('RS at bit 2: the e1000 twin finishes the descriptor and never writes DD', async () => {
    const f = await failureOf(mutant('rs-at-bit-2'), 'tx/e1000-twin');
    expect(f.message).toMatch(
      /without writing its done bit: the descriptor did not ask for a status report/,
    );
    // Shrunk to the smallest program: one frame posted, one flush.
    expect(f.commands).toHaveLength(2);
    expect(f.commands[1]).toBe('flush()');
  });

  it('software writing RDH: caught at the write, on both devices', async () => {
    for (const id of ['rx/model', 'rx/e1000-twin']) {
      expect((await failureOf(mutant('software-writes-head'), id)).message).toMatch(
        /wrote \d+ to the head register RDH while the ring is enabled/,
      );
    }
  });

  it('TX tail read back: the tail register is read and moved outside flush()', async () => {
    const f = await failureOf(mutant('tail-read-back'), 'tx/model');
    expect(f.message).toMatch(/software read the tail register TDT back/);
  });

  it('completion by the head register: a late done bit exposes it', async () => {
    const f = await failureOf(mutant('completion-by-head'), 'rx/model');
    expect(f.message).toMatch(
      /returned slot \d+ \(post #\d+\) before the device wrote its done bit \(the device has it late\)/,
    );
    expect(f.commands.some((c) => c.startsWith('device.completeLate('))).toBe(true);
  });

  it('frames larger than their buffer: the device DMA runs past the buffer', async () => {
    for (const id of ['tx/model', 'rx/model', 'tx/e1000-twin', 'rx/e1000-twin']) {
      expect((await failureOf(mutant('frame-larger-than-buffer'), id)).message).toMatch(
        /device DMA fault: (read|write) of \d+ bytes at 0x[0-9a-f]+ \((tx|rx)-data\) blocked, out-of-range/,
      );
    }
  });

  it('RS forgotten on flush: the last slot handed over reports nothing, only with batched reports', async () => {
    for (const id of ['tx/model', 'tx/e1000-twin']) {
      const f = await failureOf(mutant('report-forgotten-on-flush'), id);
      expect(f.message).toMatch(
        /flush handed over slot \d+ \(post #\d+\) last without cmd\.RS: the device will never report it/,
      );
      expect(f.reportEvery).toBeGreaterThan(1);
    }
  });

  it('a slot without RS taken back early: it comes back before the reported slot covering it is done', async () => {
    const f = await failureOf(mutant('unreported-slot-taken-early'), 'tx/model');
    expect(f.message).toMatch(
      /the ring returned slot \d+ \(post #\d+\), posted without cmd\.RS, before the reported slot covering it was done \(slot \d+, post #\d+: the device has it (handed|consumed|late)/,
    );
    expect(f.reportEvery).toBeGreaterThan(1);
  });

  it('a failure replays from its seed and path alone: the same program, the same broken rule', async () => {
    const ir = loadIr(E1000_SPEC);
    const options = {
      seed: 11,
      ringNames: ['rx'],
      devices: ['model'],
      wrap: completionByHead.wrap,
    };
    const first = (await checkRings(ir, { ...options, runs: RUNS })).properties[0].failure!;
    const again = (await checkRings(ir, { ...options, path: first.path })).properties[0].failure!;
    expect(again.commands).toEqual(first.commands);
    expect(again.message).toBe(first.message);
    expect(again.path).toBe(first.path);
  });
});
