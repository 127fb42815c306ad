import { describe, expect, it } from 'vitest';
import {
  EventLog,
  NullPlugin,
  openSimDevice,
  type SimContext,
  type SimPlugin,
} from '../../../runtime/sim/index.js';
import { fixtureIr } from './fixture-ir.js';

/** A toy device: writing register 0x200 (its "tail") makes it fetch 16 bytes at the IOVA in 0x204/0x208. */
class DoorbellPlugin implements SimPlugin {
  readonly name = 'doorbell';
  fetched: Uint8Array[] = [];
  private ctx!: SimContext;
  attach(ctx: SimContext): void {
    this.ctx = ctx;
    ctx.watchWrite(0, 0x200, () => {
      const file = ctx.regs.bar(0);
      const iova = file.peek(0x204) + file.peek(0x208) * 2 ** 32;
      const desc = new Uint8Array(16);
      ctx.dma.copyOut(iova, desc, 0, 16, 'desc');
      this.fetched.push(desc);
    });
  }
  powerOn(): void {}
  receive() {
    return 'dropped';
  }
}

describe('twin event log', () => {
  it('records MMIO with register names, DMA with fetched bytes, and CPU stores in order', () => {
    const plugin = new DoorbellPlugin();
    const dev = openSimDevice(fixtureIr(), plugin, { log: true, trackCpuWrites: true });
    dev.enableBusMaster();
    const ring = dev.dma.alloc(16);
    const bar = dev.bar(0);
    bar.write32(0x204, ring.iova % 2 ** 32);
    bar.write32(0x208, Math.floor(ring.iova / 2 ** 32));
    ring.u8.fill(0xab); // the descriptor, written before the doorbell
    bar.write32(0x200, 1);
    const kinds = dev.log!.events().map((e) => e.kind);
    expect(kinds).toEqual(['mmio-write', 'mmio-write', 'cpu-write', 'mmio-write', 'dma-read']);
    const [, , cpu, doorbell, fetch] = dev.log!.events();
    expect(cpu).toMatchObject({ iova: ring.iova, length: 16 });
    expect(doorbell).toMatchObject({ name: 'MTA[0]', value: 1 });
    expect([...(fetch as { data: Uint8Array }).data]).toEqual(new Array(16).fill(0xab));
  });

  it('shows a stale fetch when the doorbell is rung before the descriptor is written', () => {
    const plugin = new DoorbellPlugin();
    const dev = openSimDevice(fixtureIr(), plugin, { log: true, trackCpuWrites: true });
    dev.enableBusMaster();
    const ring = dev.dma.alloc(16);
    const bar = dev.bar(0);
    bar.write32(0x204, ring.iova % 2 ** 32);
    bar.write32(0x208, Math.floor(ring.iova / 2 ** 32));
    bar.write32(0x200, 1); // tail first: wrong
    ring.u8.fill(0xab);
    bar.read32(0x8); // any later access reveals the late store
    expect([...plugin.fetched[0]]).toEqual(new Array(16).fill(0));
    const kinds = dev.log!.events().map((e) => e.kind);
    expect(kinds.indexOf('dma-read')).toBeLessThan(kinds.indexOf('cpu-write'));
  });

  it('does not mistake device DMA writes for CPU stores', () => {
    const dev = openSimDevice(fixtureIr(), new NullPlugin(), { log: true, trackCpuWrites: true });
    dev.enableBusMaster();
    const r = dev.dma.alloc(64);
    dev.bar(0).read32(0);
    dev.iova.writeU32(r.iova + 8, 0x1234);
    dev.bar(0).read32(0);
    expect(dev.log!.ofKind('cpu-write')).toEqual([]);
  });

  it('is bounded: keeps the newest events and counts the dropped ones', () => {
    let t = 0;
    const log = new EventLog(() => t++, { capacity: 3 });
    for (let i = 0; i < 5; i++) log.push({ kind: 'note', message: String(i) });
    expect(log.events().map((e) => (e as { message: string }).message)).toEqual(['2', '3', '4']);
    expect(log.events().map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(log.dropped).toBe(2);
    expect(log.total).toBe(5);
  });

  it('is off by default', () => {
    const dev = openSimDevice(fixtureIr(), new NullPlugin());
    dev.bar(0).write32(0, 1);
    expect(dev.log).toBeNull();
  });

  it('records violations and unknown accesses in the log too', () => {
    const dev = openSimDevice(fixtureIr(), new NullPlugin(), { log: true });
    dev.bar(0).write32(0x8, 1);
    dev.bar(0).read32(0x800);
    expect(dev.log!.events().map((e) => e.kind)).toEqual([
      'mmio-write',
      'violation',
      'unknown-access',
      'mmio-read',
    ]);
  });
});
