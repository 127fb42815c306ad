import { describe, expect, it } from 'vitest';
import { NullPlugin, openSimDevice } from '../../../runtime/sim/index.js';
import { fixtureIr } from './fixture-ir.js';

function open() {
  return openSimDevice(fixtureIr(), new NullPlugin(), { log: true });
}

describe('twin register file (hand-written IR)', () => {
  it('starts at the reset values', () => {
    const dev = open();
    const bar = dev.bar(0);
    expect(bar.read32(0x0)).toBe(0x40);
    expect(bar.read32(0x8)).toBe(0x83);
    expect(bar.read32(0xe0)).toBe(0xffff_0000);
  });

  it('rw stores, ro ignores the write and records a violation', () => {
    const dev = open();
    const bar = dev.bar(0);
    bar.write32(0x0, 0x0000_0041);
    expect(bar.read32(0x0)).toBe(0x41);
    bar.write32(0x8, 0xdead_beef);
    expect(bar.read32(0x8)).toBe(0x83);
    expect(dev.violations.items.map((v) => v.code)).toEqual(['E_SIM_RO_WRITE']);
    expect(dev.violations.items[0].register).toBe('STATUS');
  });

  it('a read-only field keeps its value; writing it back unchanged is not a violation', () => {
    const dev = open();
    const bar = dev.bar(0);
    dev.regs.bar(0).poke(0x0, 0x3000_0040);
    bar.write32(0x0, bar.read32(0x0) | 1);
    expect(dev.violations.total).toBe(0);
    bar.write32(0x0, 0xf000_0001);
    expect(bar.read32(0x0)).toBe(0x3000_0001);
    expect(dev.violations.items.map((v) => v.code)).toEqual(['E_SIM_RO_FIELD_WRITE']);
  });

  it('rc clears on read', () => {
    const dev = open();
    dev.regs.bar(0).poke(0xc0, 0x84);
    expect(dev.bar(0).read32(0xc0)).toBe(0x84);
    expect(dev.bar(0).read32(0xc0)).toBe(0);
  });

  it('w1s sets, wo reads 0, w1c clears only the ones written', () => {
    const dev = open();
    const bar = dev.bar(0);
    bar.write32(0xd0, 0x1);
    bar.write32(0xd0, 0x4);
    expect(bar.read32(0xd0)).toBe(0x5);
    bar.write32(0xd8, 0xffff_ffff);
    expect(bar.read32(0xd8)).toBe(0);
    expect(dev.regs.bar(0).peek(0xd8)).toBe(0xffff_ffff);
    bar.write32(0xe0, 0x0001_0000);
    expect(bar.read32(0xe0)).toBe(0xfffe_0000);
  });

  it('self-clearing bits clear after the write', () => {
    const dev = open();
    const bar = dev.bar(0);
    bar.write32(0x0, 1 << 26);
    expect(bar.read32(0x0)).toBe(0);
  });

  it('a plugin can defer a self-clearing bit to a later virtual time', async () => {
    const dev = open();
    dev.mmio(0).watchWrite(0x0, (value, _prev, offset) => {
      if (value & (1 << 26)) dev.mmio(0).deferSelfClear(offset, 1 << 26, 10);
    });
    dev.bar(0).write32(0x0, 1 << 26);
    expect(dev.bar(0).read32(0x0)).toBe(1 << 26);
    await dev.clock.sleepUs(9);
    expect(dev.bar(0).read32(0x0)).toBe(1 << 26);
    await dev.clock.sleepUs(1);
    expect(dev.bar(0).read32(0x0)).toBe(0);
  });

  it('16-bit registers keep only their low 16 bits', () => {
    const dev = open();
    dev.bar(0).write32(0xf0, 0x1234_5678);
    expect(dev.bar(0).read32(0xf0)).toBe(0x5678);
  });

  it('arrays have one word per element, named by index', () => {
    const dev = open();
    const bar = dev.bar(0);
    for (let i = 0; i < 4; i++) bar.write32(0x200 + 4 * i, i + 10);
    for (let i = 0; i < 4; i++) expect(bar.read32(0x200 + 4 * i)).toBe(i + 10);
    expect(dev.regs.bar(0).nameAt(0x20c)).toBe('MTA[3]');
  });

  it('split 64-bit rc counters: low read latches high, high read clears both', () => {
    const dev = open();
    const file = dev.regs.bar(0);
    file.addSaturating64(0x300, 2 ** 32 + 5);
    expect(dev.bar(0).read32(0x300)).toBe(5);
    file.addSaturating64(0x300, 2 ** 32); // the counter moves between the two reads
    expect(dev.bar(0).read32(0x304)).toBe(1); // the latched high word
    expect(dev.bar(0).read32(0x300)).toBe(0);
    expect(dev.bar(0).read32(0x304)).toBe(0);
    expect(file.nameAt(0x304)).toBe('GORC.hi');
  });

  it('32-bit counters saturate instead of wrapping', () => {
    const dev = open();
    const file = dev.regs.bar(0);
    file.addSaturating(0x200, 0xffff_fff0);
    file.addSaturating(0x200, 0x100);
    expect(file.peek(0x200)).toBe(0xffff_ffff);
  });

  it('indirect spaces are separate, with their own semantics', () => {
    const dev = open();
    const phy = dev.regs.space('phy');
    expect(phy.read(0)).toBe(0x1140);
    expect(phy.read(1)).toBe(0x796d);
    phy.write(1, 0);
    expect(phy.read(1)).toBe(0x796d);
    expect(dev.violations.items.at(-1)?.register).toBe('BMSR');
    expect(phy.write(0, 0x8000)).toBe(0x8000); // self-clearing bit reported to the caller
    expect(dev.bar(0).read32(0x0)).toBe(0x40); // the BAR is untouched
  });

  it('unknown offsets work as storage and are recorded', () => {
    const dev = open();
    dev.bar(0).write32(0x404, 7);
    expect(dev.bar(0).read32(0x404)).toBe(7);
    expect(dev.unknownAccesses.items.map((u) => [u.offset, u.direction])).toEqual([
      [0x404, 'write'],
      [0x404, 'read'],
    ]);
  });

  it('out-of-range and unaligned accesses throw a typed error', () => {
    const dev = open();
    expect(() => dev.bar(0).read32(0x1000)).toThrow(/outside the BAR/);
    expect(() => dev.bar(0).write32(2, 0)).toThrow(/4-byte aligned/);
    expect(() => dev.bar(1)).toThrow(/no memory BAR 1/);
  });

  it('BAR access after close throws', async () => {
    const dev = open();
    const bar = dev.bar(0);
    await dev.close();
    expect(() => bar.read32(0)).toThrow(/closed/);
  });
});
