import { describe, expect, it } from 'vitest';
import { CMD, CTRL_RST, R, RCTL_BITS, RX_STATUS, openTwin, setupRx, setupTx } from './harness.js';

describe('e1000 twin: CTRL.RST', () => {
  it('resets the MAC registers and reloads the MAC; RST clears itself after a short delay', async () => {
    const t = openTwin();
    t.wr(R.IMS, 0xff);
    t.wr(R.RAL0, 0);
    t.wr(R.RCTL, RCTL_BITS.EN);
    t.wr(R.CTRL, t.rd(R.CTRL) | CTRL_RST);
    expect(t.rd(R.CTRL) & CTRL_RST).toBe(CTRL_RST);
    await t.dev.clock.sleepUs(1);
    expect(t.rd(R.CTRL) & CTRL_RST).toBe(0);
    expect(t.rd(R.IMS)).toBe(0);
    expect(t.rd(R.RCTL)).toBe(0);
    expect(t.rd(R.RAL0)).toBe(0x12005452);
    expect(t.rd(R.STATUS) & 2).toBe(2);
  });

  it('in the QEMU model resets nothing but the RST bit', () => {
    const t = openTwin({ resetModel: 'qemu' });
    t.wr(R.IMS, 0xff);
    t.wr(R.CTRL, t.rd(R.CTRL) | CTRL_RST);
    expect(t.rd(R.CTRL) & CTRL_RST).toBe(0);
    expect(t.rd(R.IMS)).toBe(0xff);
  });
});

describe('e1000 twin: null device (benchmarks)', () => {
  it('completes transmit descriptors without reading or sending data', () => {
    const t = openTwin({ nullDevice: true });
    const tx = setupTx(t);
    for (let i = 0; i < 5; i++) tx.postLegacy(0xdead_0000, 60, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([]);
    expect([0, 1, 2, 3, 4].map((s) => tx.status(s) & 1)).toEqual([1, 1, 1, 1, 1]);
    expect(t.dev.faults.total).toBe(0); // the unmapped buffer was never touched
    expect(t.rd(R.GPTC)).toBe(5);
  });

  it('completes every buffer handed over with RDT at once, writing no data', () => {
    const t = openTwin({ nullDevice: { rxFrameBytes: 128 } });
    const rx = setupRx(t, { count: 8 });
    for (let s = 0; s < 7; s++)
      expect(rx.desc(s)).toMatchObject({
        length: 128,
        status: RX_STATUS.DD | RX_STATUS.EOP | RX_STATUS.IXSM,
      });
    expect(rx.desc(7).status).toBe(0);
    expect([...rx.buffers[0].u8].every((b) => b === 0)).toBe(true);
    rx.recycle(0); // RDT = 0 hands over slot 7
    expect(rx.desc(7).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
    expect(rx.desc(0).status).toBe(0); // slot 0 is not the device's until RDT moves past it
    rx.recycle(1);
    expect(rx.desc(0).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
    expect(t.rd(R.GPRC)).toBe(9);
  });
});
