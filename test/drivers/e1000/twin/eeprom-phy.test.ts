import { describe, expect, it } from 'vitest';
import {
  CMD,
  ICR_BITS,
  R,
  RCTL_BITS,
  RX_STATUS,
  TWIN_MAC,
  frameTo,
  openTwin,
  setupRx,
  setupTx,
} from './harness.js';

const EERD_START = 1 << 0;
const EERD_DONE = 1 << 4;
const MDIC_READ = 2 << 26;
const MDIC_WRITE = 1 << 26;
const MDIC_R = 1 << 28;
const MDIC_I = 1 << 29;
const MDIC_E = 1 << 30;
const PHY1 = 1 << 21;

function eepromWord(t: ReturnType<typeof openTwin>, word: number): number {
  t.wr(R.EERD, (word << 8) | EERD_START);
  const v = t.rd(R.EERD);
  expect(v & EERD_DONE).toBe(EERD_DONE);
  return v >>> 16;
}

function mdic(t: ReturnType<typeof openTwin>, value: number): number {
  t.wr(R.MDIC, value);
  const v = t.rd(R.MDIC);
  expect(v & MDIC_R).toBe(MDIC_R);
  return v;
}

describe('e1000 twin: EEPROM through EERD', () => {
  it('holds the MAC in words 0..2, little-endian per word', () => {
    const t = openTwin();
    const words = [0, 1, 2].map((w) => eepromWord(t, w));
    expect(words).toEqual([0x5452, 0x1200, 0x5634]);
  });

  it('sums to 0xBABA over its 64 words', () => {
    const t = openTwin({ mac: '02:11:22:33:44:55' });
    let sum = 0;
    for (let w = 0; w < 64; w++) sum += eepromWord(t, w);
    expect(sum & 0xffff).toBe(0xbaba);
    expect(eepromWord(t, 0)).toBe(0x1102);
  });

  it('holds the PCI ids, and the same MAC is in RAL0/RAH0 with AV at power-on', () => {
    const t = openTwin();
    expect(eepromWord(t, 0x0d)).toBe(0x100e);
    expect(eepromWord(t, 0x0e)).toBe(0x8086);
    expect(t.rd(R.RAL0)).toBe(0x12005452);
    expect(t.rd(R.RAH0)).toBe(0x80005634);
  });

  it('leaves DONE clear until a read is started', () => {
    const t = openTwin();
    t.wr(R.EERD, 3 << 8);
    expect(t.rd(R.EERD) & EERD_DONE).toBe(0);
  });
});

describe('e1000 twin: PHY through MDIC', () => {
  it('reads the PHY identifier and a link-up status at address 1', () => {
    const t = openTwin();
    expect(mdic(t, MDIC_READ | PHY1 | (2 << 16)) & 0xffff).toBe(0x0141);
    expect(mdic(t, MDIC_READ | PHY1 | (3 << 16)) & 0xffff).toBe(0x0c20);
    const status = mdic(t, MDIC_READ | PHY1 | (1 << 16));
    expect(status & MDIC_E).toBe(0);
    expect(status & (1 << 2)).toBe(1 << 2); // link status
  });

  it('answers only at PHY address 1 (E set elsewhere), as QEMU', () => {
    const t = openTwin();
    expect(mdic(t, MDIC_READ | (2 << 21) | (2 << 16)) & MDIC_E).toBe(MDIC_E);
    expect(mdic(t, MDIC_READ | PHY1 | (25 << 16)) & MDIC_E).toBe(MDIC_E); // no such register
  });

  it('writes PHY registers and raises MDAC when asked', () => {
    const t = openTwin();
    mdic(t, MDIC_WRITE | PHY1 | (4 << 16) | 0x01e1 | MDIC_I);
    expect(mdic(t, MDIC_READ | PHY1 | (4 << 16)) & 0xffff).toBe(0x01e1);
    expect(t.rd(R.ICR) & ICR_BITS.MDAC).toBe(ICR_BITS.MDAC);
    expect(mdic(t, MDIC_WRITE | PHY1 | (1 << 16) | 0) & MDIC_E).toBe(MDIC_E); // status is read-only
  });

  it('PHY loopback (control bit 14): a transmitted frame comes back into an RX buffer, not onto the wire', () => {
    const t = openTwin();
    const rx = setupRx(t);
    const tx = setupTx(t);
    const control = mdic(t, MDIC_READ | PHY1) & 0xffff;
    mdic(t, MDIC_WRITE | PHY1 | control | (1 << 14));
    const frame = frameTo(TWIN_MAC, 128, 9);
    const b = t.dev.dma.alloc(frame.length);
    b.u8.set(frame);
    tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([]);
    expect(rx.desc(0).status & RX_STATUS.DD).toBe(RX_STATUS.DD);
    expect(rx.data(0)).toEqual(frame);
    // Loopback off again: frames go to the wire.
    mdic(t, MDIC_WRITE | PHY1 | control);
    tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(t.dev.wire.take()).toEqual([frame]);
  });

  it('MAC loopback (RCTL.LBM) turns frames around too, and the PHY reset clears PHY loopback', () => {
    const t = openTwin();
    const rx = setupRx(t, { rctl: RCTL_BITS.EN | RCTL_BITS.BAM | RCTL_BITS.SECRC | (1 << 6) });
    const tx = setupTx(t);
    const frame = frameTo(TWIN_MAC, 70);
    const b = t.dev.dma.alloc(frame.length);
    b.u8.set(frame);
    tx.postLegacy(b.iova, frame.length, CMD.EOP | CMD.IFCS | CMD.RS);
    tx.flush();
    expect(rx.data(0)).toEqual(frame);
    mdic(t, MDIC_WRITE | PHY1 | (1 << 14));
    mdic(t, MDIC_WRITE | PHY1 | (1 << 15)); // PHY reset
    expect(mdic(t, MDIC_READ | PHY1) & ((1 << 14) | (1 << 15))).toBe(0);
  });
});
