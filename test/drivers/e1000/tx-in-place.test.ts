/**
 * Zero-copy transmit (NicDriver.txBuffers): a frame written into a TX buffer in place is
 * what leaves on the wire; buffers come back when their descriptors complete and keep
 * their bytes, so a buffer filled once can be resent unchanged. Taken and sent in order,
 * the buffers are the next free slots' own (no buffer while the ring is full); sent or
 * given back out of order, or mixed with a copying send, the queue shares its pool and
 * every frame still goes out as written. Bad lengths are refused.
 */
import { describe, expect, it } from 'vitest';
import { NicdlError } from '../../../spec/errors.js';
import { checksumsOk, frame, frameListDiff, ipFrame, openNic } from './helpers.js';

describe('e1000 zero-copy transmit (txBuffers)', () => {
  it('sends frames written in place, byte for byte, and gives every buffer back', async () => {
    const { nic, device } = await openNic({ txRingSize: 32 });
    const tx = nic.txBuffers();
    expect(nic.txBuffers()).toBe(tx);
    const frames = Array.from({ length: 200 }, (_, i) => frame(60 + (i % 300), i));
    for (let at = 0; at < frames.length;) {
      const id = tx.alloc();
      if (id < 0 || !send(id, frames[at])) {
        if (id >= 0) tx.free(id);
        nic.flushTransmit();
        expect(nic.reclaim(), 'the doorbell lets frames complete').toBeGreaterThan(0);
        continue;
      }
      at++;
      if (at % 8 === 0) nic.flushTransmit();
    }
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), frames)).toBe('');
    const d = nic.statistics().driver;
    expect(d.tx_packets).toBe(200);
    expect(d.tx_completed).toBe(200);
    // Every buffer is back: a full ring's worth (one slot always stays empty) at once.
    expect(takeAll(tx)).toHaveLength(tx.count - 1);

    function send(id: number, f: Uint8Array): boolean {
      tx.bytes(id).set(f);
      return tx.send(id, f.length);
    }
  });

  it('frames copied before the first txBuffers() keep their buffers until they complete', async () => {
    // Copying sends use slot i's buffer i; zero-copy must not hand out a buffer a queued
    // frame still sits in.
    const { nic, device } = await openNic({ txRingSize: 16 });
    const copied = Array.from({ length: 5 }, (_, i) => frame(60 + i, i));
    for (const f of copied) expect(nic.queueFrame(f)).toBe(true);
    const tx = nic.txBuffers();
    const inPlace: Uint8Array[] = [];
    for (let id = tx.alloc(); id >= 0; id = tx.alloc()) {
      const f = frame(70, 100 + id);
      tx.bytes(id).set(f);
      expect(tx.send(id, f.length)).toBe(true);
      inPlace.push(f);
    }
    expect(inPlace.length).toBe(16 - 1 - copied.length);
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), [...copied, ...inPlace])).toBe('');
    const ids = takeAll(tx);
    expect(new Set(ids).size).toBe(tx.count - 1);
  });

  it('a buffer keeps its bytes: filled once, resent unchanged around the ring', async () => {
    const { nic, device } = await openNic({ txRingSize: 8 });
    const tx = nic.txBuffers();
    const written = new Map<number, Uint8Array>();
    const expected: Uint8Array[] = [];
    // Three times round an 8-slot ring, 7 frames a turn: each buffer is written the
    // first time it comes up only.
    for (let turn = 0; turn < 3; turn++) {
      for (let k = 0; k < 7; k++) {
        const id = tx.alloc();
        expect(id).toBeGreaterThanOrEqual(0);
        let f = written.get(id);
        if (!f) {
          f = frame(64 + id, id);
          tx.bytes(id).set(f);
          written.set(id, f);
        }
        expect(tx.send(id, f.length)).toBe(true);
        expected.push(f);
      }
      nic.flushTransmit();
      nic.reclaim();
    }
    expect(written.size).toBe(8);
    expect(frameListDiff(device.wire.take(), expected)).toBe('');
  });

  it('a full ring has no buffer to give; once the pool is shared it refuses the send instead', async () => {
    const { nic } = await openNic({ txRingSize: 8 });
    const tx = nic.txBuffers();
    const f = frame(60, 1);
    // Without a doorbell nothing is handed over, so nothing completes: 7 slots of 8 fill.
    let sent = 0;
    for (let id = tx.alloc(); id >= 0; id = tx.alloc()) {
      tx.bytes(id).set(f);
      expect(tx.send(id, f.length)).toBe(true);
      sent++;
    }
    expect(sent).toBe(7);
    expect(nic.statistics().driver.tx_refused_ring_full).toBe(0);

    const shared = await openNic({ txRingSize: 8 });
    const pooled = shared.nic.txBuffers();
    const first = pooled.alloc();
    const second = pooled.alloc();
    // Out of order: the queue shares its pool from here on.
    pooled.bytes(second).set(f);
    expect(pooled.send(second, f.length)).toBe(true);
    pooled.bytes(first).set(f);
    expect(pooled.send(first, f.length)).toBe(true);
    for (let i = 0; i < 5; i++) {
      const id = pooled.alloc();
      pooled.bytes(id).set(f);
      expect(pooled.send(id, f.length)).toBe(true);
    }
    // The pool still has a buffer (8 for 7 usable slots), the ring has no slot.
    const last = pooled.alloc();
    expect(last).toBeGreaterThanOrEqual(0);
    pooled.bytes(last).set(f);
    expect(pooled.send(last, f.length), 'the ring is full').toBe(false);
    pooled.free(last);
    expect(shared.nic.statistics().driver.tx_refused_ring_full).toBe(1);
  });

  it('buffers sent or given back out of order still go out as written', async () => {
    const { nic, device } = await openNic({ txRingSize: 16 });
    const tx = nic.txBuffers();
    const [a, b, c] = [tx.alloc(), tx.alloc(), tx.alloc()];
    const fa = frame(61, 1);
    const fc = frame(63, 3);
    tx.bytes(a).set(fa);
    tx.bytes(c).set(fc);
    expect(tx.send(c, fc.length)).toBe(true);
    tx.free(b);
    expect(tx.send(a, fa.length)).toBe(true);
    const more = Array.from({ length: 40 }, (_, i) => frame(70 + i, 10 + i));
    const expected = [fc, fa];
    for (const f of more) {
      let id = tx.alloc();
      if (id < 0) {
        nic.flushTransmit();
        nic.reclaim();
        id = tx.alloc();
      }
      tx.bytes(id).set(f);
      if (!tx.send(id, f.length)) {
        nic.flushTransmit();
        nic.reclaim();
        expect(tx.send(id, f.length)).toBe(true);
      }
      expected.push(f);
    }
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), expected)).toBe('');
    // The shared pool has every buffer back, each once.
    const ids = takeAll(tx);
    expect(new Set(ids).size).toBe(tx.count);
    tx.free(ids[0]);
    expect(() => tx.free(ids[0]), 'a double free').toThrow(NicdlError);
  });

  it('a copying send while a zero-copy buffer is held does not write into it', async () => {
    const { nic, device } = await openNic({ txRingSize: 16 });
    const tx = nic.txBuffers();
    const held = tx.alloc();
    const inPlace = frame(80, 8);
    tx.bytes(held).set(inPlace);
    const copied = frame(90, 9);
    expect(nic.transmit([copied])).toBe(1);
    expect(tx.send(held, inPlace.length)).toBe(true);
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), [copied, inPlace])).toBe('');
  });

  it('giving back the last buffer taken keeps slot mode: the same buffer comes again', async () => {
    const { nic, device } = await openNic({ txRingSize: 16 });
    const tx = nic.txBuffers();
    const a = tx.alloc();
    const b = tx.alloc();
    tx.free(b);
    expect(tx.alloc(), 'the same slot buffer again').toBe(b);
    // Still in slot mode: the buffers are the 15 free slots' (a shared pool has 16).
    const rest = takeAll(tx);
    expect(rest).toHaveLength(16 - 1 - 2);
    for (let i = rest.length - 1; i >= 0; i--) tx.free(rest[i]);
    const fa = frame(60, 1);
    const fb = frame(61, 2);
    tx.bytes(a).set(fa);
    tx.bytes(b).set(fb);
    expect(tx.send(a, fa.length)).toBe(true);
    expect(tx.send(b, fb.length)).toBe(true);
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), [fa, fb])).toBe('');
    expect(takeAll(tx), 'slot mode throughout').toHaveLength(16 - 1);
  });

  it('buffers lent across the end of the ring go out in order', async () => {
    const { nic, device } = await openNic({ txRingSize: 16 });
    const tx = nic.txBuffers();
    // Move the ring's tail to slot 12.
    expect(nic.transmit(Array.from({ length: 12 }, (_, i) => frame(60, i)))).toBe(12);
    for (let i = 0; i < 4; i++) nic.reclaim();
    device.wire.take();
    const ids = Array.from({ length: 8 }, () => tx.alloc());
    expect(ids).toEqual([12, 13, 14, 15, 0, 1, 2, 3]);
    const sent = ids.map((id, i) => {
      const f = frame(64 + i, 50 + i);
      tx.bytes(id).set(f);
      expect(tx.send(id, f.length)).toBe(true);
      return f;
    });
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), sent)).toBe('');
  });

  it('offloaded and gathered sends while a zero-copy buffer is held leave it alone', async () => {
    const { nic, device } = await openNic({ txRingSize: 16, checksumOffload: true });
    const tx = nic.txBuffers();
    const held = tx.alloc();
    const inPlace = frame(80, 8);
    tx.bytes(held).set(inPlace);
    const gathered = frame(120, 9);
    expect(nic.transmitGather([gathered.subarray(0, 50), gathered.subarray(50)])).toBe(true);
    const offloaded = ipFrame({ protocol: 'udp', payload: 40, checksums: 'zero' });
    expect(nic.transmit([offloaded], { ipv4: true, l4: true })).toBe(1);
    expect(tx.send(held, inPlace.length)).toBe(true);
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    const wire = device.wire.take();
    expect(wire).toHaveLength(3);
    expect(frameListDiff([wire[0], wire[2]], [gathered, inPlace])).toBe('');
    expect(wire[1].length).toBe(offloaded.length);
    expect(checksumsOk(wire[1]), 'the device filled the checksums').toEqual({ ip: true, l4: true });
  });

  it('refuses a length outside one buffer or the frame limit, naming the range', async () => {
    const { nic } = await openNic({});
    const tx = nic.txBuffers();
    const id = tx.alloc();
    for (const bad of [13, 1515, 4096]) {
      const err = (() => {
        try {
          tx.send(id, bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(NicdlError);
      expect((err as NicdlError).code).toBe('E_FRAME_SIZE');
      expect((err as NicdlError).message).toContain('14..1514');
    }
    tx.free(id);
  });
});

/** Every buffer alloc() gives before it says -1. */
function takeAll(tx: { alloc(): number }): number[] {
  const ids: number[] = [];
  for (let id = tx.alloc(); id >= 0; id = tx.alloc()) ids.push(id);
  return ids;
}
