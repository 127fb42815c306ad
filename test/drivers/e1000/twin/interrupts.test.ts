import { describe, expect, it } from 'vitest';
import { CMD, ICR_BITS, R, TWIN_MAC, frameTo, openTwin, setupRx, setupTx } from './harness.js';

describe('e1000 twin: ICR, ICS, IMS, IMC and interrupt delivery', () => {
  it('ICS sets causes, ICR reads and clears them, writing 1 to ICR clears one', () => {
    const t = openTwin();
    t.wr(R.ICS, ICR_BITS.LSC | ICR_BITS.RXT0);
    t.wr(R.ICR, ICR_BITS.LSC);
    expect(t.rd(R.ICR)).toBe(ICR_BITS.RXT0);
    expect(t.rd(R.ICR)).toBe(0);
  });

  it('IMS sets mask bits, IMC clears them; IMS reads the mask', () => {
    const t = openTwin();
    t.wr(R.IMS, ICR_BITS.RXT0);
    t.wr(R.IMS, ICR_BITS.TXDW);
    expect(t.rd(R.IMS)).toBe(ICR_BITS.RXT0 | ICR_BITS.TXDW);
    t.wr(R.IMC, ICR_BITS.RXT0);
    expect(t.rd(R.IMS)).toBe(ICR_BITS.TXDW);
  });

  it('signals an interrupt only for an unmasked cause, once per assertion', async () => {
    const t = openTwin();
    const irq = t.dev.interrupts();
    t.wr(R.ICS, ICR_BITS.LSC);
    expect(t.dev.interruptsSignalled).toBe(0);
    t.wr(R.IMS, ICR_BITS.LSC); // enabling a pending cause asserts the line
    expect(t.dev.interruptsSignalled).toBe(1);
    t.wr(R.ICS, ICR_BITS.LSC); // still asserted: no new message
    expect(t.dev.interruptsSignalled).toBe(1);
    expect(await irq.wait(10)).toBe(1);
    t.rd(R.ICR); // acknowledge
    t.wr(R.ICS, ICR_BITS.LSC);
    expect(t.dev.interruptsSignalled).toBe(2);
  });

  it('a received frame interrupts a waiter; the wait advances virtual time only as needed', async () => {
    const t = openTwin();
    setupRx(t);
    t.wr(R.IMS, ICR_BITS.RXT0);
    const waiting = t.dev.interrupts().wait(1000);
    t.dev.receive(frameTo(TWIN_MAC, 64));
    expect(await waiting).toBe(1);
    expect(t.dev.clock.nowUs()).toBe(0);
    expect(t.rd(R.ICR) & ICR_BITS.RXT0).toBe(ICR_BITS.RXT0);
  });

  it('RDTR delays RXT0 until no frame arrived for the delay; RADV caps the wait', async () => {
    const t = openTwin();
    setupRx(t, { count: 16 });
    t.wr(R.RDTR, 100); // 102.4 us
    t.wr(R.RADV, 250); // 256 us
    t.wr(R.IMS, ICR_BITS.RXT0);
    for (let i = 0; i < 5; i++) {
      t.dev.receive(frameTo(TWIN_MAC, 64));
      await t.dev.clock.sleepUs(60); // frames keep coming: the packet timer keeps restarting
    }
    // 300 us in: the 256 us absolute timer has fired although the packet timer never expired.
    expect(t.dev.interruptsSignalled).toBe(1);
    t.rd(R.ICR);
    t.dev.receive(frameTo(TWIN_MAC, 64));
    await t.dev.clock.sleepUs(100);
    expect(t.dev.interruptsSignalled).toBe(1);
    await t.dev.clock.sleepUs(3);
    expect(t.dev.interruptsSignalled).toBe(2);
  });

  it('TIDV delays TXDW for descriptors with IDE; without IDE it is immediate', async () => {
    const t = openTwin();
    const tx = setupTx(t);
    t.wr(R.TIDV, 10);
    t.wr(R.IMS, ICR_BITS.TXDW);
    const frame = frameTo(TWIN_MAC, 64);
    const b = t.dev.dma.alloc(64);
    b.u8.set(frame);
    tx.postLegacy(b.iova, 64, CMD.EOP | CMD.IFCS | CMD.RS | CMD.IDE);
    tx.flush();
    expect(t.dev.interruptsSignalled).toBe(0);
    await t.dev.clock.sleepUs(11);
    expect(t.dev.interruptsSignalled).toBe(1);
    t.rd(R.ICR);
    tx.postLegacy(b.iova, 64, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.interruptsSignalled).toBe(2);
  });

  it('ITR keeps a minimum gap between interrupts', async () => {
    const t = openTwin();
    t.wr(R.ITR, 1000); // 256 us
    t.wr(R.IMS, ICR_BITS.LSC);
    t.wr(R.ICS, ICR_BITS.LSC);
    expect(t.dev.interruptsSignalled).toBe(1);
    t.rd(R.ICR);
    t.wr(R.ICS, ICR_BITS.LSC);
    expect(t.dev.interruptsSignalled).toBe(1);
    await t.dev.clock.sleepUs(255);
    expect(t.dev.interruptsSignalled).toBe(1);
    await t.dev.clock.sleepUs(2);
    expect(t.dev.interruptsSignalled).toBe(2);
  });

  it('unplugging the cable clears STATUS.LU and raises LSC', () => {
    const t = openTwin();
    expect(t.rd(R.STATUS) & 2).toBe(2);
    t.twin.setLink(false);
    expect(t.rd(R.STATUS) & 2).toBe(0);
    expect(t.rd(R.ICR) & ICR_BITS.LSC).toBe(ICR_BITS.LSC);
  });
});
