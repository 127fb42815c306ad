/**
 * Zero-copy transmit (NicDriver.txBuffers): a frame written into a TX buffer in place is
 * what leaves on the wire; buffers come back to the pool when their descriptors complete
 * and keep their bytes, so a buffer filled once can be resent unchanged; a full ring
 * refuses a send and leaves the buffer with the caller; bad lengths are refused.
 */
import { describe, expect, it } from 'vitest';
import { NicdlError } from '../../../spec/errors.js';
import { frame, frameListDiff, openNic } from './helpers.js';

describe('e1000 zero-copy transmit (txBuffers)', () => {
  it('sends frames written in place, byte for byte, and returns every buffer', async () => {
    const { nic, device } = await openNic({ txRingSize: 32 });
    const tx = nic.txBuffers();
    expect(nic.txBuffers()).toBe(tx);
    const frames = Array.from({ length: 200 }, (_, i) => frame(60 + (i % 300), i));
    for (let at = 0; at < frames.length;) {
      const id = tx.alloc();
      if (id < 0 || !send(id, frames[at])) {
        if (id >= 0) tx.free(id);
        nic.flushTransmit();
        expect(nic.reclaim(), 'nothing completes while the ring is full').toBeGreaterThan(0);
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
    // Every buffer is back: a ring's worth can be taken again at once.
    const ids = Array.from({ length: tx.count }, () => tx.alloc());
    expect(ids.every((id) => id >= 0)).toBe(true);

    function send(id: number, f: Uint8Array): boolean {
      tx.bytes(id).set(f);
      return tx.send(id, f.length);
    }
  });

  it('frames copied before the first txBuffers() keep their buffers until they complete', async () => {
    // Copying sends use slot i's buffer i; zero-copy then shares the pool, which must not
    // hand out a buffer a queued frame still sits in.
    const { nic, device } = await openNic({ txRingSize: 16 });
    const copied = Array.from({ length: 5 }, (_, i) => frame(60 + i, i));
    for (const f of copied) expect(nic.queueFrame(f)).toBe(true);
    const tx = nic.txBuffers();
    const inPlace: Uint8Array[] = [];
    for (let id = tx.alloc(); id >= 0; id = tx.alloc()) {
      const f = frame(70, 100 + id);
      tx.bytes(id).set(f);
      if (!tx.send(id, f.length)) {
        tx.free(id);
        break;
      }
      inPlace.push(f);
    }
    expect(inPlace.length).toBe(16 - 1 - copied.length);
    nic.flushTransmit();
    for (let i = 0; i < 4; i++) nic.reclaim();
    expect(frameListDiff(device.wire.take(), [...copied, ...inPlace])).toBe('');
    // Every buffer is back in the pool, each once.
    const ids = Array.from({ length: tx.count }, () => tx.alloc());
    expect(new Set(ids).size).toBe(tx.count);
    expect(ids.every((id) => id >= 0)).toBe(true);
  });

  it('a buffer keeps its bytes: filled once, resent unchanged', async () => {
    const { nic, device } = await openNic({ txRingSize: 8 });
    const tx = nic.txBuffers();
    const f = frame(100, 7);
    const id = tx.alloc();
    tx.bytes(id).set(f);
    expect(tx.send(id, f.length)).toBe(true);
    nic.flushTransmit();
    nic.reclaim();
    // The pool hands the same buffer out again (last freed, first taken): not rewritten.
    expect(tx.alloc()).toBe(id);
    expect(tx.send(id, f.length)).toBe(true);
    nic.flushTransmit();
    nic.reclaim();
    expect(frameListDiff(device.wire.take(), [f, f])).toBe('');
  });

  it('a full ring refuses the send and the buffer stays the caller’s', async () => {
    const { nic } = await openNic({ txRingSize: 8 });
    const tx = nic.txBuffers();
    const f = frame(60, 1);
    let sent = 0;
    // Without a doorbell nothing is handed over, so nothing completes: 7 slots of 8 fill.
    for (;;) {
      const id = tx.alloc();
      expect(id).toBeGreaterThanOrEqual(0);
      tx.bytes(id).set(f);
      if (!tx.send(id, f.length)) {
        tx.free(id);
        break;
      }
      sent++;
    }
    expect(sent).toBe(7);
    expect(nic.statistics().driver.tx_refused_ring_full).toBe(1);
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
