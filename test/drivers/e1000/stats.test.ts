/**
 * Counters equal what was sent and received: the device's (accumulated to 64 bits across
 * clear-on-read reads) and the driver's; ring utilisation and DMA memory.
 */
import { describe, expect, it } from 'vitest';
import { drain, frame, openNic, rxSettle } from './helpers.js';

const FCS = 4;
const MIN_WIRE = 60;

describe('e1000 statistics', () => {
  it('hardware and driver counters match the traffic, across several reads', async () => {
    const o = await openNic({ rxRingSize: 64, txRingSize: 64 });
    await rxSettle(o);
    const txSizes = [14, 60, 61, 127, 128, 1000, 1514];
    const rxSizes = [60, 64, 200, 1514];
    let txBytes = 0;
    let txWire = 0;
    let rxBytes = 0;
    for (let round = 0; round < 5; round++) {
      o.nic.transmit(txSizes.map((n, i) => frame(n, i)));
      // The same frames again as a forwarder queues them: one by one, one doorbell.
      for (const n of txSizes) expect(o.nic.queueFrame(frame(n, n))).toBe(true);
      o.nic.flushTransmit();
      for (const n of rxSizes) o.device.receive(frame(n, n));
      drain(o.nic);
      for (const n of [...txSizes, ...txSizes]) {
        txBytes += n;
        txWire += Math.max(n, MIN_WIRE) + FCS;
      }
      for (const n of rxSizes) rxBytes += n;
      o.nic.statistics(); // a read in between: totals must keep accumulating
    }
    const s = o.nic.statistics();
    expect(s.hardware.GPTC).toBe(BigInt(10 * txSizes.length));
    expect(s.hardware.TPT).toBe(BigInt(10 * txSizes.length));
    expect(s.hardware.GOTC).toBe(BigInt(txWire));
    expect(s.hardware.GPRC).toBe(BigInt(5 * rxSizes.length));
    expect(s.hardware.GORC).toBe(BigInt(rxBytes + 5 * rxSizes.length * FCS));
    expect(s.hardware.PTC64).toBe(BigInt(10 * 2)); // 14 and 60 bytes: 64 on the wire with padding and FCS
    expect(s.hardware.PRC1522).toBe(BigInt(5));
    expect(s.driver.tx_packets).toBe(10 * txSizes.length);
    expect(s.driver.tx_bytes).toBe(txBytes);
    expect(s.driver.rx_packets).toBe(5 * rxSizes.length);
    expect(s.driver.rx_bytes).toBe(rxBytes);
    expect(Object.keys(s.hardware).length).toBe(54); // every counter the spec declares
    expect(s.rings.map((r) => [r.name, r.size])).toEqual([
      ['tx0', 64],
      ['rx0', 64],
    ]);
    expect(s.rings[0].highWater).toBeGreaterThanOrEqual(txSizes.length);
    expect(s.rings[1]).toMatchObject({ inFlight: 63, free: 0 });
    expect(s.uptimeSeconds).toBeGreaterThan(1); // the virtual second of the RCTL pause
    await o.nic.close();
  });

  it('DMA memory per port is within 5% of rings + buffers', async () => {
    const o = await openNic();
    const s = o.nic.statistics();
    const rings = 2 * 256 * 16;
    const buffers = 2 * 256 * 2048;
    expect(s.dma.allocatedBytes).toBeGreaterThanOrEqual(rings + buffers);
    expect(s.dma.allocatedBytes).toBeLessThanOrEqual((rings + buffers) * 1.05);
    await o.nic.close();
  });

  it('counts device drops (no buffers) and driver drops by cause', async () => {
    const o = await openNic({ rxRingSize: 8 });
    await rxSettle(o);
    for (let i = 0; i < 10; i++) o.device.receive(frame(100, i));
    const s = o.nic.statistics();
    expect([s.hardware.MPC, s.hardware.RNBC]).toEqual([3n, 3n]);
    expect(drain(o.nic).frames.length).toBe(7);
    await o.nic.close();
  });
});
