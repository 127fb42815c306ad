/**
 * A driver that follows its spec, run on the twin that follows the datasheet: a right
 * spec works end to end, a wrong one is caught. Also checks drivers/e1000/e1000.nicdl
 * itself the same way.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Device as IrDevice } from '../../../../spec/ir.js';
import { loadIr } from '../../../../spec/index.js';
import { R, RCTL_BITS, TCTL_EN_PSP, TWIN_MAC, frameTo, openTwin } from './harness.js';
import { openIrRx, openIrTx, ringsIr } from './ir-driver.js';
import { TWIN_COUNTERS, TWIN_REGISTERS } from '../../../../drivers/e1000/twin/index.js';

const E1000_SPEC = fileURLToPath(new URL('../../../../drivers/e1000/e1000.nicdl', import.meta.url));

/** Send one frame and receive one through rings driven only by `ir`; report what happened. */
function roundTrip(ir: IrDevice) {
  const t = openTwin({}, {}, ir);
  const tx = openIrTx(t, ir);
  const rx = openIrRx(t, ir, 2048);
  t.wr(R.TCTL, TCTL_EN_PSP);
  t.wr(R.RCTL, RCTL_BITS.EN | RCTL_BITS.BAM | RCTL_BITS.SECRC);
  const out = frameTo(TWIN_MAC, 100, 1);
  const buf = t.dev.dma.alloc(out.length);
  buf.u8.set(out);
  const slot = tx.post(buf.iova, out.length);
  tx.doorbell();
  const sent = t.dev.wire.take();
  const inbound = frameTo(TWIN_MAC, 300, 2);
  t.dev.receive(inbound);
  return {
    sent,
    out,
    sentOk: sent.length === 1 && sent[0].every((b, i) => b === out[i]),
    txDone: tx.done(slot),
    rxDone: rx.done(0),
    rxEop: rx.eop(0),
    rxLength: rx.length(0),
    rxData: rx.buffers[0].u8.slice(0, rx.length(0)),
    inbound,
    violations: t.dev.violations.items.map((v) => v.code),
    unknown: t.dev.unknownAccesses.items.filter((u) => u.offset !== R.TCTL && u.offset !== R.RCTL),
  };
}

describe('a spec-driven driver on the e1000 twin', () => {
  it('with a right spec: the frame goes out, completion comes back, a frame comes in', () => {
    const r = roundTrip(ringsIr());
    expect(r.sentOk).toBe(true);
    expect(r.txDone).toBe(true);
    expect(r.rxDone && r.rxEop).toBe(true);
    expect(r.rxLength).toBe(300);
    expect(r.rxData).toEqual(r.inbound);
    expect(r.violations).toEqual([]);
  });

  it('with RS declared at bit 2 (IC): completion never comes back, and the frame is damaged', () => {
    const r = roundTrip(ringsIr(2));
    expect(r.txDone).toBe(false);
    // Bit 2 asks for a checksum inserted at CSO = 0: it lands on the destination address.
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].subarray(2)).toEqual(r.out.subarray(2));
    expect(r.sent[0].subarray(0, 2)).not.toEqual(r.out.subarray(0, 2));
  });

  it('drivers/e1000/e1000.nicdl: round trip works, no violations, no undeclared registers', () => {
    const r = roundTrip(loadIr(E1000_SPEC));
    expect(r.sentOk && r.txDone && r.rxDone && r.rxEop).toBe(true);
    expect(r.rxData).toEqual(r.inbound);
    expect(r.violations).toEqual([]);
    expect(r.unknown).toEqual([]);
  });
});

describe('drivers/e1000/e1000.nicdl against the twin register map', () => {
  it('puts every register the twin models at the twin offset', () => {
    const ir = loadIr(E1000_SPEC);
    const spec = new Map(
      ir.registers.filter((r) => r.space === undefined).map((r) => [r.name, r.offset]),
    );
    const mismatches: string[] = [];
    let compared = 0;
    for (const [name, offset] of Object.entries({ ...TWIN_REGISTERS, ...TWIN_COUNTERS })) {
      // The twin names array element 0 and split halves (RAL0, GORCL, GORCH); the spec names the whole.
      const candidates = [name, name.replace(/0$/, ''), name.replace(/[LH]$/, '')];
      const found = candidates.find((c) => spec.has(c));
      if (found === undefined) continue;
      compared++;
      const expected =
        found === name || !name.endsWith('H') ? spec.get(found)! : spec.get(found)! + 4;
      if (expected !== offset)
        mismatches.push(`${name}: spec 0x${expected.toString(16)}, twin 0x${offset.toString(16)}`);
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(60);
  });
});
