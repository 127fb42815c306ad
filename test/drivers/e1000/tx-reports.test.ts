/**
 * Batched TX status reports (config txReportEvery, default 32, as DPDK's tx_rs_thresh):
 * RS only on every 32nd descriptor and on the last one of each burst, so the device —
 * the twin, like QEMU, writes DD only where RS is set — makes one DMA write-back per
 * report instead of one per descriptor. Every frame must still complete and every buffer
 * come back, a lone frame (a ping) at once, and the driver's statistics must be what
 * they are with RS on every descriptor.
 */
import { describe, expect, it } from 'vitest';
import type { SimEvent } from '../../../runtime/sim/index.js';
import type { NicConfig } from '../../../runtime/nic.js';
import type { E1000Driver } from '../../../drivers/e1000/index.js';
import { NicdlError } from '../../../spec/errors.js';
import { frame, frameListDiff, ipFrame, openNic, type Opened } from './helpers.js';

const DESC_BYTES = 16;
/** Legacy/data/context cmd byte, and its RS and EOP bits (8254x SDM §3.3.3). */
const CMD = 11;
const RS = 0x08;
const EOP = 0x01;
const JUMBO = 9014;

/** The driver's transmit queue (ring and buffer pool). */
function txOf(nic: E1000Driver) {
  return nic['parts'].tx;
}

/** TX descriptor traffic in the twin's log: each fetch with its cmd byte, each DD write-back. */
function txDescriptorTraffic(o: Opened): {
  fetched: { slot: number; cmd: number }[];
  writtenBack: number[];
} {
  const ring = txOf(o.nic).ring.region;
  const slotOf = (iova: number) => Math.floor((iova - ring.iova) / DESC_BYTES);
  const fetched: { slot: number; cmd: number }[] = [];
  const writtenBack: number[] = [];
  for (const e of o.device.log!.events() as SimEvent[]) {
    if (e.kind === 'dma-read' && e.tag === 'tx-desc')
      fetched.push({ slot: slotOf(e.iova), cmd: e.data[CMD] });
    if (e.kind === 'dma-write' && e.tag === 'tx-writeback') writtenBack.push(slotOf(e.iova));
  }
  return { fetched, writtenBack };
}

/** Reclaims until nothing is in flight (the twin has sent everything by the flush). */
function reclaimAll(nic: E1000Driver): void {
  for (let i = 0; i < 4 && txOf(nic).inFlight > 0; i++) nic.reclaim();
  expect(txOf(nic).inFlight, 'descriptors left in flight').toBe(0);
}

/** Sends `frames` in bursts of `sizes` (cycled), retrying what backpressure refused. */
function sendInBursts(
  nic: E1000Driver,
  frames: readonly Uint8Array[],
  sizes: readonly number[],
): void {
  let at = 0;
  for (let b = 0; at < frames.length; b++) {
    const burst = frames.slice(at, at + sizes[b % sizes.length]);
    let done = 0;
    while (done < burst.length) {
      const n = nic.transmit(burst.slice(done));
      if (n === 0) expect(nic.reclaim(), 'ring full and nothing completes').toBeGreaterThan(0);
      done += n;
    }
    at += burst.length;
  }
}

describe('e1000 TX status reports every 32 descriptors (the default)', () => {
  it('every frame completes and every buffer returns, over many wraparounds', async () => {
    const o = await openNic({ txRingSize: 64 });
    expect(o.nic.config.txReportEvery).toBe(32);
    const frames = Array.from({ length: 1000 }, (_, i) => frame(60 + (i % 200), i));
    sendInBursts(o.nic, frames, [1, 7, 33, 50, 5, 64, 2]);
    reclaimAll(o.nic);
    expect(frameListDiff(o.device.wire.take(), frames)).toBe('');
    const d = o.nic.statistics().driver;
    expect(d.tx_packets).toBe(1000);
    expect(d.tx_completed).toBe(1000);
    const pool = txOf(o.nic).pool;
    expect(pool.available).toBe(pool.count);
    await o.nic.close();
  });

  it('a lone frame (a ping) is reported and completes at once', async () => {
    const o = await openNic({}, {}, { log: true });
    expect(o.nic.transmit([frame(98, 1)])).toBe(1);
    expect(o.nic.reclaim()).toBe(1);
    expect(txOf(o.nic).inFlight).toBe(0);
    // With checksum offload: a context and a data descriptor, RS on the data one (the last).
    const udp = ipFrame({ protocol: 'udp', payload: 56, checksums: 'zero' });
    expect(o.nic.transmit([udp], { ipv4: true, l4: true })).toBe(1);
    expect(o.nic.reclaim()).toBe(1);
    const { fetched, writtenBack } = txDescriptorTraffic(o);
    expect(fetched.map((f) => f.cmd & (RS | EOP))).toEqual([RS | EOP, 0, RS | EOP]);
    expect(writtenBack).toEqual([0, 2]);
    await o.nic.close();
  });

  it('DD is written back only for the descriptors with RS: 4 per burst of 100, not 100', async () => {
    const counts: Record<number, number> = {};
    for (const every of [32, 1]) {
      const o = await openNic({ txReportEvery: every }, {}, { log: true });
      for (let b = 0; b < 5; b++) {
        const burst = Array.from({ length: 100 }, (_, i) => frame(64, b * 100 + i));
        expect(o.nic.transmit(burst)).toBe(100);
      }
      reclaimAll(o.nic);
      const { fetched, writtenBack } = txDescriptorTraffic(o);
      expect(fetched).toHaveLength(500);
      // RS on the 32nd, 64th and 96th descriptor of each burst and on its last (the 100th).
      const reported = fetched.filter((f) => (f.cmd & RS) !== 0).map((f) => f.slot);
      expect(writtenBack).toEqual(reported);
      if (every === 32) {
        const positions = fetched
          .map((f, i) => ((f.cmd & RS) !== 0 ? (i % 100) + 1 : 0))
          .filter((p) => p > 0);
        expect(positions).toEqual(Array.from({ length: 5 }, () => [32, 64, 96, 100]).flat());
      }
      counts[every] = writtenBack.length;
      await o.nic.close();
    }
    expect(counts).toEqual({ 32: 20, 1: 500 });
  });

  it('the driver statistics and the wire are as with RS on every descriptor', async () => {
    const run = async (config: NicConfig) => {
      const o = await openNic({ maxFrameBytes: JUMBO, txRingSize: 32, ...config });
      const plain = Array.from({ length: 120 }, (_, i) => frame(60 + ((i * 37) % 1400), i));
      sendInBursts(o.nic, plain, [3, 40, 1, 9]);
      for (let i = 0; i < 20; i++) {
        // Checksum offload (context + data descriptors), jumbo frames over five descriptors,
        // and a gathered frame, each between plain ones.
        const udp = ipFrame({ protocol: 'udp', payload: 100 + i, checksums: 'zero' }, i);
        while (o.nic.transmit([udp], { ipv4: true, l4: true }) === 0) o.nic.reclaim();
        while (o.nic.transmit([frame(JUMBO, 1000 + i)]) === 0) o.nic.reclaim();
        const seg = frame(300, 2000 + i);
        while (!o.nic.transmitGather([seg.subarray(0, 100), seg.subarray(100)])) o.nic.reclaim();
      }
      // Plain frames again once the multi-descriptor ones are done: each slot a frame.
      reclaimAll(o.nic);
      sendInBursts(o.nic, plain.slice(0, 30), [7, 20]);
      reclaimAll(o.nic);
      const stats = o.nic.statistics();
      const wire = o.device.wire.take();
      await o.nic.close();
      const tx = stats.rings.find((r) => r.name.startsWith('tx'));
      return { driver: stats.driver, txInFlight: tx?.inFlight, wire };
    };
    const batched = await run({});
    const every = await run({ txReportEvery: 1 });
    expect(batched.driver).toEqual(every.driver);
    expect(batched.driver.tx_completed).toBe(210);
    expect(batched.driver.tx_context_descriptors).toBeGreaterThan(0);
    expect(batched.driver.tx_multi_descriptor_frames).toBe(40); // 20 jumbo + 20 gathered
    expect(batched.txInFlight).toBe(0);
    expect(frameListDiff(batched.wire, every.wire)).toBe('');
  });

  it('txReportEvery 1 puts RS on every descriptor; 0 or a fraction is refused before the device is touched', async () => {
    const o = await openNic({ txReportEvery: 1 }, {}, { log: true });
    o.nic.transmit(Array.from({ length: 10 }, (_, i) => frame(64, i)));
    expect(txDescriptorTraffic(o).fetched.every((f) => (f.cmd & RS) !== 0)).toBe(true);
    await o.nic.close();
    for (const bad of [0, 2.5]) {
      const e = await openNic({ txReportEvery: bad }).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NicdlError);
      expect((e as NicdlError).code).toBe('E_RING_REPORT');
      expect((e as NicdlError).message).toContain(`reportEvery ${bad}`);
    }
  });
});
