import { describe, expect, it } from 'vitest';
import { NullPlugin, openSimDevice, SIM_IOVA_BASE } from '../../../runtime/sim/index.js';
import { fixtureIr } from './fixture-ir.js';

function open(log = false) {
  const dev = openSimDevice(fixtureIr(), new NullPlugin(), { log });
  dev.enableBusMaster();
  return dev;
}

describe('twin DMA: allocator and device-side IOVA space', () => {
  it('hands out aligned, zeroed regions above 4 GiB with unmapped gaps between them', () => {
    const dev = open();
    const a = dev.dma.alloc(100, 128);
    const b = dev.dma.alloc(4096, 4096);
    expect(a.iova).toBeGreaterThanOrEqual(SIM_IOVA_BASE);
    expect(a.iova % 128).toBe(0);
    expect(b.iova % 4096).toBe(0);
    expect(b.iova).toBeGreaterThan(a.iova + a.size);
    expect([...a.u8].every((x) => x === 0)).toBe(true);
    expect(dev.dma.stats()).toEqual({ allocatedBytes: 4196, mappedBytes: 8192, regions: 2 });
  });

  it('lets the device read and write what is mapped, and the CPU sees it', () => {
    const dev = open();
    const r = dev.dma.alloc(64);
    r.u32[0] = 0xaabbccdd;
    expect(dev.iova.readU32(r.iova)).toBe(0xaabbccdd);
    expect(dev.iova.writeU64(r.iova + 8, 2 ** 40 + 3)).toBe(true);
    expect(r.view.getUint32(8, true)).toBe(3);
    expect(r.view.getUint32(12, true)).toBe(256);
    expect(dev.iova.readU64(r.iova + 8)).toBe(2 ** 40 + 3);
    expect(dev.faults.total).toBe(0);
  });

  it('blocks and records an access to an unmapped IOVA', () => {
    const dev = open();
    dev.dma.alloc(64);
    expect(dev.iova.readU32(0x1000, 'tx-desc')).toBe(0);
    expect(dev.iova.write(0x2000, new Uint8Array(4), 'rx-data')).toBe(false);
    expect(
      dev.faults.items.map(({ iova, length, direction, tag, reason }) => ({
        iova,
        length,
        direction,
        tag,
        reason,
      })),
    ).toEqual([
      { iova: 0x1000, length: 4, direction: 'read', tag: 'tx-desc', reason: 'unmapped' },
      { iova: 0x2000, length: 4, direction: 'write', tag: 'rx-data', reason: 'unmapped' },
    ]);
  });

  it('blocks an access that starts inside a region but runs past its end, and writes nothing', () => {
    const dev = open();
    const r = dev.dma.alloc(100);
    expect(dev.iova.write(r.iova + 98, new Uint8Array([1, 2, 3, 4]))).toBe(false);
    expect(r.u8[98]).toBe(0);
    expect(dev.faults.items[0]).toMatchObject({
      iova: r.iova + 98,
      length: 4,
      reason: 'out-of-range',
    });
    // The byte just past the requested size faults even though the page is mapped.
    expect(dev.iova.readU8(r.iova + 100)).toBe(0);
    expect(dev.faults.items[1].reason).toBe('unmapped');
  });

  it('blocks access to freed memory', () => {
    const dev = open();
    const r = dev.dma.alloc(64);
    dev.dma.free(r);
    expect(dev.iova.readU16(r.iova)).toBe(0);
    expect(dev.faults.items[0].reason).toBe('freed');
    expect(dev.dma.stats().regions).toBe(0);
  });

  it('blocks every access while bus mastering is off', () => {
    const dev = open();
    const r = dev.dma.alloc(64);
    dev.quiesce();
    expect(dev.iova.readU32(r.iova)).toBe(0);
    expect(dev.faults.items[0].reason).toBe('bus-master-off');
    dev.configWrite(0x04, 2, dev.configRead(0x04, 2) | 0x4);
    expect(dev.iova.readU32(r.iova)).toBe(0);
    expect(dev.faults.total).toBe(1);
  });

  it('logs faults and transfers with the bytes moved', () => {
    const dev = open(true);
    const r = dev.dma.alloc(32);
    r.u8.set([1, 2, 3, 4], 0);
    const got = new Uint8Array(4);
    dev.iova.copyOut(r.iova, got, 0, 4, 'tx-desc');
    dev.iova.readU8(1, 'tx-data');
    const events = dev.log!.events();
    expect(events[0]).toMatchObject({ kind: 'dma-read', iova: r.iova, length: 4, tag: 'tx-desc' });
    expect([...(events[0] as { data: Uint8Array }).data]).toEqual([1, 2, 3, 4]);
    expect(events[1]).toMatchObject({
      kind: 'dma-fault',
      iova: 1,
      reason: 'unmapped',
      tag: 'tx-data',
    });
  });

  it('rejects bad sizes and alignments with typed errors', () => {
    const dev = open();
    expect(() => dev.dma.alloc(0)).toThrow(/positive integer/);
    expect(() => dev.dma.alloc(64, 100)).toThrow(/power of two/);
  });

  it('close frees everything', async () => {
    const dev = open();
    dev.dma.alloc(64);
    await dev.close();
    expect(dev.dma.stats().regions).toBe(0);
  });
});
