/**
 * Transmit and receive through the driver on the twin: every byte and the order of
 * frames survive, across many wraparounds of small rings; a full ring refuses frames
 * without losing or duplicating any; descriptors are written before the tail moves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drain, frame, frameListDiff, ipFrame, openNic, rxSettle } from './helpers.js';

const PROP_RUNS = Number(process.env.NICDL_PROP_RUNS ?? 8);
const SEED =
  process.env.NICDL_PROP_SEED === undefined ? {} : { seed: Number(process.env.NICDL_PROP_SEED) };
const MIN_WIRE_FRAME = 60; // TCTL.PSP pads shorter frames with zeros

/** What the wire shows for a frame the driver sent: the frame, zero-padded to 60 bytes. */
function onWire(f: Uint8Array): Uint8Array {
  if (f.length >= MIN_WIRE_FRAME) return f;
  const out = new Uint8Array(MIN_WIRE_FRAME);
  out.set(f);
  return out;
}

describe('e1000 TX integrity', () => {
  it('sends every frame byte for byte and in order, over 10x the ring size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 14, max: 1514 }), { minLength: 1, maxLength: 12 }), {
          minLength: 20,
          maxLength: 60,
        }),
        async (bursts) => {
          const o = await openNic({ txRingSize: 16 });
          const expected: Uint8Array[] = [];
          let seed = 0;
          for (const sizes of bursts) {
            const frames = sizes.map((n) => frame(n, seed++));
            let done = 0;
            while (done < frames.length) {
              const n = o.nic.transmit(frames.slice(done));
              done += n;
              if (n === 0)
                expect(o.nic.reclaim(), 'ring full and nothing completes').toBeGreaterThan(0);
            }
            expected.push(...frames.map(onWire));
          }
          expect(frameListDiff(o.device.wire.take(), expected)).toBe('');
          expect(expected.length).toBeGreaterThanOrEqual(20);
          await o.nic.close();
        },
      ),
      { numRuns: PROP_RUNS, ...SEED },
    );
  });

  it('wraps the TX ring more than 10 times with one TDT write per burst', async () => {
    const o = await openNic({ txRingSize: 32 }, {}, { log: true, trackCpuWrites: true });
    const bursts = 40;
    const perBurst = 10; // 400 frames through a 32-slot ring: 12 wraps
    for (let b = 0; b < bursts; b++) {
      const frames = Array.from({ length: perBurst }, (_, i) => frame(64 + i, b * perBurst + i));
      expect(o.nic.transmit(frames)).toBe(perBurst);
    }
    const wire = o.device.wire.take();
    expect(wire.map((f) => f[14] | (f[15] << 8))).toEqual(
      Array.from({ length: bursts * perBurst }, (_, i) => i),
    );
    const events = o.device.log!.events();
    const tdtWrites = events.filter((e) => e.kind === 'mmio-write' && e.offset === 0x3818);
    // one in ring init, then exactly one per burst
    expect(tdtWrites.length).toBe(1 + bursts);
    await o.nic.close();
  });

  it('writes the descriptors before moving the tail: the device never fetches a stale one', async () => {
    const o = await openNic({ txRingSize: 16 }, {}, { log: true, trackCpuWrites: true });
    for (let i = 0; i < 30; i++) o.nic.transmit([frame(100, i), frame(1000, i + 100)]);
    const events = o.device.log!.events();
    const ring = o.nic['parts'].tx.ring.region; // the TX descriptor ring's DMA region
    const inRing = (iova: number) => iova >= ring.iova && iova < ring.iova + ring.size;
    // After each TDT write the device fetches the new descriptors (dma-read tx-desc) before
    // the CPU stores anything more into the ring; and every fetched one is complete (IFCS, a
    // buffer address; the last of the burst with the RS that flush() adds just before the
    // tail write), i.e. it was written before the tail moved.
    let checked = 0;
    const txEnabled = events.findIndex(
      (e) => e.kind === 'mmio-write' && e.offset === 0x400 && (e.value & 2) !== 0,
    );
    for (let i = txEnabled; i < events.length; i++) {
      const e = events[i];
      if (e.kind !== 'mmio-write' || e.offset !== 0x3818) continue;
      let j = i + 1;
      for (
        ;
        j < events.length && events[j].kind !== 'mmio-write' && events[j].kind !== 'mmio-read';
        j++
      ) {
        const f = events[j];
        if (f.kind === 'cpu-write' && inRing(f.iova)) break;
        if (f.kind === 'dma-read' && f.tag === 'tx-desc') {
          const d = f.data;
          expect(d[11] & 0x02).toBe(0x02); // cmd.IFCS
          // Each burst is two frames: RS (cmd bit 3) on the second, the last handed over.
          expect(d[11] & 0x08).toBe(checked % 2 === 1 ? 0x08 : 0);
          expect(d[0] | d[1] | d[2] | d[3] | d[4] | d[5] | d[6] | d[7]).not.toBe(0); // addr
          checked++;
        }
      }
    }
    expect(checked).toBe(60);
    expect(o.device.wire.take().length).toBe(60);
    await o.nic.close();
  });

  it('backpressure: a full ring refuses frames; nothing is lost or duplicated', async () => {
    const o = await openNic({ txRingSize: 16 });
    const bar = o.device.bar(0);
    const tctl = bar.read32(0x400);
    bar.write32(0x400, tctl & ~0x2); // stall the transmitter (TCTL.EN = 0): nothing completes
    const frames = Array.from({ length: 40 }, (_, i) => frame(80, i));
    const first = o.nic.transmit(frames);
    expect(first).toBe(15); // 16 slots, one always empty
    expect(o.nic.transmit(frames.slice(first))).toBe(0);
    expect(o.nic.statistics().driver.tx_refused_ring_full).toBe(40 - 15 + 25);
    bar.write32(0x400, tctl); // transmitter on: the device sends what is queued
    let sent = first;
    while (sent < frames.length) sent += o.nic.transmit(frames.slice(sent));
    const wire = o.device.wire.take();
    expect(wire.map((f) => f[14])).toEqual(frames.map((_, i) => i));
    expect(o.nic.reclaim()).toBeGreaterThan(0);
    await o.nic.close();
  });
});

describe('e1000 RX integrity', () => {
  it('receives every frame byte for byte and in order, over 10x the ring size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 60, max: 1514 }), { minLength: 1, maxLength: 7 }), {
          minLength: 30,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 16 }),
        async (bursts, max) => {
          const o = await openNic({ rxRingSize: 8 });
          await rxSettle(o);
          let seed = 0;
          const got: Uint8Array[] = [];
          const sent: Uint8Array[] = [];
          for (const sizes of bursts) {
            for (const n of sizes) {
              const f = frame(n, seed++);
              expect(o.device.receive(f)).toBe('delivered');
              sent.push(f);
            }
            got.push(...drain(o.nic, max < sizes.length ? max : 1 << 20).frames);
            got.push(...drain(o.nic).frames);
          }
          expect(frameListDiff(got, sent)).toBe('');
          expect(sent.length).toBeGreaterThanOrEqual(80); // > 10 x the 8-slot ring
          await o.nic.close();
        },
      ),
      { numRuns: PROP_RUNS, ...SEED },
    );
  });

  it('hands buffers back with one RDT write per receive call, never touching RDH', async () => {
    const o = await openNic({ rxRingSize: 16 }, {}, { log: true });
    await rxSettle(o);
    const before = o.device.log!.events().length;
    for (let i = 0; i < 10; i++) o.device.receive(frame(100, i));
    expect(o.nic.receive(64, () => undefined)).toBe(10);
    const after = o.device.log!.events().slice(before);
    const rdt = after.filter((e) => e.kind === 'mmio-write' && e.offset === 0x2818);
    const rdh = after.filter(
      (e) => (e.kind === 'mmio-write' || e.kind === 'mmio-read') && e.offset === 0x2810,
    );
    expect(rdt.length).toBe(1);
    expect(rdh).toEqual([]);
    // RDT = one past the last refilled slot: 10 frames taken from slot 0.. and refilled
    expect(rdt[0].kind === 'mmio-write' && rdt[0].value).toBe((15 + 10) % 16);
    await o.nic.close();
  });

  it('backpressure: frames beyond the posted buffers are dropped by the device, the rest arrive in order', async () => {
    const o = await openNic({ rxRingSize: 16 });
    await rxSettle(o);
    const outcomes = Array.from({ length: 20 }, (_, i) => o.device.receive(frame(100, i)));
    expect(outcomes.filter((x) => x === 'delivered').length).toBe(15);
    const got = drain(o.nic).frames;
    expect(got.map((f) => f[14])).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(o.nic.statistics().hardware.MPC).toBe(5n);
    // after the drain every buffer is posted again
    for (let i = 0; i < 15; i++) expect(o.device.receive(frame(100, 100 + i))).toBe('delivered');
    expect(drain(o.nic).frames.length).toBe(15);
    await o.nic.close();
  });

  it('a callback that throws loses no buffer: the next receive goes on with every slot posted', async () => {
    const o = await openNic({ rxRingSize: 8 });
    await rxSettle(o);
    for (let i = 0; i < 3; i++) o.device.receive(frame(100, i));
    expect(() =>
      o.nic.receive(8, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(drain(o.nic).frames.map((f) => f[14])).toEqual([1, 2]);
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 7; i++) expect(o.device.receive(frame(100, i))).toBe('delivered');
      expect(drain(o.nic).frames.length).toBe(7);
    }
    await o.nic.close();
  });

  it('frames arriving during the RCTL pause after bring-up are held, then delivered', async () => {
    const o = await openNic();
    expect(o.device.receive(frame(100, 7))).toBe('queued');
    expect(o.nic.receive(8, () => undefined)).toBe(0);
    await o.nic.waitForReceive(1500);
    expect(drain(o.nic).frames.map((f) => f[14])).toEqual([7]);
    await o.nic.close();
  });
});

describe('e1000 ring ownership (checked rings)', () => {
  it('never fills or reclaims a slot the device owns, through loopback with offload, jumbo and gather', async () => {
    const o = await openNic({
      checkedRings: true,
      rxRingSize: 16,
      txRingSize: 16,
      maxFrameBytes: 9014,
    });
    await o.nic.setLoopback('phy');
    await rxSettle(o);
    const sent: Uint8Array[] = [];
    const got: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) {
      const plain = frame(60 + ((i * 331) % 4000), i);
      const udp = ipFrame({ protocol: 'udp', payload: 100 + i, checksums: 'correct' }, i);
      expect(o.nic.transmit([plain, udp], { ipv4: true, l4: true })).toBe(2);
      expect(o.nic.transmitGather([plain.subarray(0, 20), plain.subarray(20)])).toBe(true);
      sent.push(plain, udp, plain);
      got.push(...drain(o.nic).frames);
    }
    expect(frameListDiff(got, sent)).toBe('');
    expect(o.device.violations.items).toEqual([]);
    await o.nic.close();
  });
});
