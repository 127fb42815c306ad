/**
 * Generated sequences: steps run in order with the declared offsets and folded values,
 * polls use the Clock (virtual time here) and time out with a SequenceTimeoutError that
 * names the sequence, the step and its spec location; parameters are range-checked.
 */
import { describe, expect, it } from 'vitest';
import type { Device, Sequence } from '../../spec/ir.js';
import { SequenceTimeoutError } from '../../runtime/index.js';
import { NicdlError } from '../../spec/errors.js';
import { elementOffset, registerNamed } from '../../generators/layout.js';
import { where } from '../../generators/emit.js';
import { sequenceFunction } from '../../generators/ts/sequences.js';
import { SemanticMmio } from './helpers/semantic-mmio.js';
import { FakeClock } from './helpers/fake-clock.js';
import { allCases, generatedModule, MINI } from './helpers/specs.js';

type SeqFn = (
  mmio: SemanticMmio,
  clock: FakeClock,
  params?: Record<string, number>,
) => Promise<void>;

async function mini() {
  const ir = await MINI.load();
  const mod = await generatedModule(MINI);
  const off = (name: string, index = 0) => elementOffset(registerNamed(ir, name, 'test'), index);
  return { ir, mod, off, fn: (name: string) => mod[name] as SeqFn };
}

describe('sequences of the fixture', () => {
  it('reset: writes in order, polls CTRL.RST in virtual time, reads ICR (clearing it)', async () => {
    const { ir, off, fn } = await mini();
    const mmio = new SemanticMmio(ir);
    const RST = 1 << 26;
    const clearAtUs = 300;
    const clock = new FakeClock((now) => {
      if (now >= clearAtUs) mmio.poke(off('CTRL'), mmio.peek(off('CTRL')) & ~RST);
    });
    mmio.poke(off('ICR'), 0x84);
    await fn('reset')(mmio, clock);
    const writes = mmio.log.filter((a) => a.op === 'w').map((a) => [a.offset, a.value]);
    expect(writes).toEqual([
      [off('IMC'), 0xffff_ffff],
      [off('RCTL'), 0],
      [off('TCTL'), 0x8],
      [off('CTRL'), (0x40 | RST) >>> 0],
      [off('IMC'), 0xffff_ffff],
    ]);
    expect(mmio.peek(off('ICR'))).toBe(0);
    expect(clock.nowUs()).toBe(clearAtUs + 1000);
  });

  it('a poll that never succeeds throws SequenceTimeoutError naming sequence, step and location', async () => {
    const { ir, fn } = await mini();
    const mmio = new SemanticMmio(ir);
    const clock = new FakeClock(); // CTRL.RST never clears: nothing models the reset
    const err = await fn('reset')(mmio, clock).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SequenceTimeoutError);
    const e = err as SequenceTimeoutError;
    expect(e.code).toBe('E_POLL_TIMEOUT');
    expect(e.message).toBe(
      'sequence reset step 6 (test/generators/fixtures/mini.nicdl:305:3): CTRL.RST == 0 not reached within 10000 us (last CTRL.RST = 0x1)',
    );
    expect(e.detail).toMatchObject({
      sequence: 'reset',
      step: 6,
      location: 'test/generators/fixtures/mini.nicdl:305:3',
      timeoutUs: 10000,
    });
    expect(clock.nowUs()).toBeGreaterThanOrEqual(10_000);
    expect(clock.nowUs()).toBeLessThan(10_000 + 2 * 100);
  });

  it('tx_ring: parameters land in their registers and fields; modify keeps the rest', async () => {
    const { ir, off, fn } = await mini();
    const mmio = new SemanticMmio(ir);
    mmio.poke(off('TCTL'), 0x0040_0008); // COLD bits and PSP already set
    // reset (called last) waits for CTRL.RST: let the "device" clear it at once.
    const clearing = new FakeClock(() =>
      mmio.poke(off('CTRL'), mmio.peek(off('CTRL')) & ~(1 << 26)),
    );
    await fn('tx_ring')(mmio, clearing, {
      base_lo: 0x8000_0000,
      base_hi: 0x1234,
      bytes: 4096,
      threshold: 0x0f,
    });
    const first = (o: number) => mmio.writesTo(o)[0];
    expect(first(off('TDBAL'))).toBe(0x8000_0000);
    expect(first(off('TDBAH'))).toBe(0x1234);
    expect(first(off('TDLEN'))).toBe(4096);
    expect(first(off('TCTL'))).toBe((0x0040_0008 | 0x2 | (0x0f << 4)) >>> 0);
    expect(first(off('MTA', 3))).toBe(0);
    expect(first(off('RAH', 0))).toBe((0x8000_0000 | 0x1234) >>> 0);
  });

  it('refuses parameters that do not fit, naming the parameter and its destination', async () => {
    const { ir, fn } = await mini();
    for (const [params, what] of [
      [{ base_lo: -1, base_hi: 0, bytes: 0, threshold: 0 }, 'tx_ring.base_lo -> TDBAL'],
      [{ base_lo: 0, base_hi: 0, bytes: 0, threshold: 256 }, 'tx_ring.threshold -> TCTL.CT'],
    ] as const) {
      const err = await fn('tx_ring')(new SemanticMmio(ir), new FakeClock(), { ...params }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(NicdlError);
      expect((err as NicdlError).code).toBe('E_FIELD_RANGE');
      expect((err as NicdlError).message).toContain(what);
    }
  });

  it('writes a 64-bit register as two halves, low first', async () => {
    const { ir, off, fn } = await mini();
    const mmio = new SemanticMmio(ir);
    mmio.poke(off('STATUS'), 0x2);
    mmio.poke(off('EERD'), 0x10);
    await fn('wait_link')(mmio, new FakeClock());
    const w = mmio.log.filter((a) => a.op === 'w').map((a) => [a.offset, a.value]);
    expect(w).toEqual([
      [off('TIMINCA'), 1],
      [off('TIMINCA') + 4, 1],
    ]);
  });
});

/** Zero for every parameter (fits every field). */
function zeros(seq: Sequence): Record<string, number> {
  return Object.fromEntries(seq.params.map((p) => [p, 0]));
}

describe.each(allCases())('sequences of $name', (spec) => {
  it('each runs to completion or times out at one of its own wait steps', async () => {
    const ir: Device = await spec.load();
    const mod = await generatedModule(spec);
    for (const seq of ir.sequences) {
      const mmio = new SemanticMmio(ir);
      const fn = mod[sequenceFunction(seq)] as SeqFn;
      const outcome = await fn(mmio, new FakeClock(), zeros(seq)).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (outcome === undefined) continue;
      expect(outcome, `${seq.name}: ${String(outcome)}`).toBeInstanceOf(SequenceTimeoutError);
      const e = outcome as SequenceTimeoutError;
      // The failing wait may be in a called sequence: find the sequence it names.
      const owner = ir.sequences.find((s) => s.name === e.where.sequence)!;
      const step = owner.steps[e.where.step - 1];
      expect(step.op, `${seq.name}: step ${e.where.step} of ${owner.name}`).toBe('wait');
      expect(e.where.location).toBe(where(step.loc));
    }
  });
});
