/**
 * A receive callback may call receive() again. Slot i always receives into buffer i, so
 * the inner call must not hand the outer frame's slot back to the device while the outer
 * callback still reads its buffer: the frame it holds stays intact, and every frame
 * arrives once, in order.
 */
import { describe, expect, it } from 'vitest';
import { drain, frame, openNic, rxSettle } from './helpers.js';

const RING = 8;
const PAYLOAD_AT = 14;

describe('e1000 RX: receive() from inside a receive callback', () => {
  it('delivers the following frames and leaves the frame being read untouched', async () => {
    const o = await openNic({ rxRingSize: RING });
    await rxSettle(o);
    for (let i = 0; i < RING - 1; i++) o.device.receive(frame(100, i));
    const order: number[] = [];
    let outerIntact = false;
    o.nic.receive(1, (outer) => {
      const before = outer.slice();
      order.push(outer[PAYLOAD_AT]);
      o.nic.receive(RING, (inner) => order.push(inner[PAYLOAD_AT]));
      // The device may fill whatever the inner call posted again; not the outer buffer.
      for (let i = 0; i < RING; i++) o.device.receive(frame(100, 100 + i));
      outerIntact = outer.every((b, k) => b === before[k]);
    });
    expect(outerIntact).toBe(true);
    expect(order).toEqual(Array.from({ length: RING - 1 }, (_, i) => i));
    // Once the outer call refilled, the ring goes on as usual.
    const later = drain(o.nic).frames.map((f) => f[PAYLOAD_AT]);
    for (let i = 0; i < RING - 1; i++) o.device.receive(frame(100, 200 + i));
    const last = drain(o.nic).frames.map((f) => f[PAYLOAD_AT]);
    expect(later.every((b) => b >= 100)).toBe(true);
    expect(last).toEqual(Array.from({ length: RING - 1 }, (_, i) => 200 + i));
    await o.nic.close();
  });
});
