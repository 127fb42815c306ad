/**
 * The e1000e driver on a backend with per-vector MSI-X sources (Device.interruptVectors):
 * receive waits wake on the receive queue's own vector, and the driver counts interrupts
 * per vector. The twin's vectors stand in for VFIO's eventfds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RETA } from '../../../drivers/e1000e/generated/index.js';
import type { InterruptSource } from '../../../runtime/types.js';
import e1000e, { type E1000eDriver } from '../../../drivers/e1000e/index.js';
import { openE1000eTwin } from '../../../drivers/e1000e/twin/index.js';
import type { SimDevice } from '../../../runtime/sim/index.js';
import { drain, flow, ir, tcpFrame, TWIN_MAC } from './helpers.js';

const RETA_BASE = 0x5c00;
const RETA_QUEUE_BITS = 0x8080_8080;
const TWIN_VECTORS = 5;

let nic: E1000eDriver | undefined;
afterEach(async () => {
  await nic?.close();
  nic = undefined;
});

/** The twin in MSI-X mode, its device offering the twin's vectors as interruptVectors. */
async function openWithVectors(offer: boolean) {
  const { device, twin } = openE1000eTwin(ir(), { mac: TWIN_MAC, msix: offer });
  const asked: number[] = [];
  const interruptVectors = (count: number): InterruptSource[] | undefined => {
    asked.push(count);
    if (!offer || count > TWIN_VECTORS) return undefined;
    return Array.from({ length: count }, (_, i) => twin.vector(i));
  };
  const withVectors = new Proxy(device, {
    get: (target, key) =>
      key === 'interruptVectors' ? interruptVectors : Reflect.get(target, key, target),
  }) as SimDevice;
  nic = (await e1000e.open(withVectors, ir(), { mode: 'interrupt' })) as E1000eDriver;
  return { nic, device, asked };
}

function routeAllTo(device: SimDevice, queue: 0 | 1): void {
  for (let i = 0; i < RETA.count; i++)
    device.bar(0).write32(RETA_BASE + 4 * i, queue ? RETA_QUEUE_BITS : 0);
}

describe('e1000e driver with per-vector MSI-X sources', () => {
  it('a frame on queue 1 wakes the wait through vector 1, one on queue 0 through vector 0', async () => {
    const o = await openWithVectors(true);
    expect(o.asked).toEqual([TWIN_VECTORS]);
    routeAllTo(o.device, 1);
    // After the wait has begun: a frame already there ends it before any interrupt.
    setImmediate(() => o.device.receive(tcpFrame(flow(1))));
    await o.nic.waitForReceive(100);
    let d = o.nic.statistics().driver;
    expect([d.msix_rxq0_interrupts, d.msix_rxq1_interrupts]).toEqual([0, 1]);
    expect(drain(o.nic).map((g) => g.queue)).toEqual([1]);
    routeAllTo(o.device, 0);
    // After the wait has begun: a frame already there ends it before any interrupt.
    setImmediate(() => o.device.receive(tcpFrame(flow(2))));
    await o.nic.waitForReceive(100);
    d = o.nic.statistics().driver;
    expect([d.msix_rxq0_interrupts, d.msix_rxq1_interrupts]).toEqual([1, 1]);
    expect([d.msix_txq0_interrupts, d.msix_txq1_interrupts]).toEqual([0, 0]);
    expect(d.interrupts).toBe(2);
    expect(drain(o.nic).map((g) => g.queue)).toEqual([0]);
    // Rearming (ICR write-1-to-clear, IMS) stays within what the spec allows.
    expect([o.device.violations.items, o.device.unknownAccesses.items]).toEqual([[], []]);
  });

  it('falls back to the single interrupt source when the device offers no vectors', async () => {
    const o = await openWithVectors(false);
    // After the wait has begun: a frame already there ends it before any interrupt.
    setImmediate(() => o.device.receive(tcpFrame(flow(1))));
    await o.nic.waitForReceive(100);
    const d = o.nic.statistics().driver;
    expect(d.interrupts).toBeGreaterThan(0);
    expect(d.msix_rxq0_interrupts).toBeUndefined();
    expect(drain(o.nic)).toHaveLength(1);
  });
});
