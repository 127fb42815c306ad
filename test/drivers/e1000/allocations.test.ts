/**
 * The hot paths allocate nothing per packet. 100 000 frames are forwarded (receive →
 * queueFrame → one doorbell per burst → reclaim) through the driver on the twin in
 * null-device mode while V8's sampling heap profiler records every allocation with its
 * stack (also those collected since). The twin itself allocates per frame (it is a model,
 * not a driver), so allocations are attributed by the function that made them: those in
 * the driver, the ring runtime, the generated code or runtime/packet must add up to less
 * than one byte per packet. bench/driver.bench.ts gives allocations per packet as the
 * difference against a hand-written loop on the same twin.
 */
import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import type { RxMeta } from '../../../runtime/nic.js';
import { openNic, rxSettle } from './helpers.js';

const PACKETS = 100_000;
const BURST = 32;
/** One sample per this many bytes allocated, on average (the profiler's default is 32 KB). */
const SAMPLING_BYTES = 64;
const DRIVER_CODE = /\/(drivers\/e1000\/(?!twin\/)|runtime\/support\/|runtime\/packet\/)/;

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes allocated by driver-side functions, and where, from a sampling heap profile. */
function driverAllocations(root: ProfileNode): { bytes: number; sites: string[] } {
  let bytes = 0;
  const sites: string[] = [];
  const walk = (node: ProfileNode): void => {
    if (node.selfSize > 0 && DRIVER_CODE.test(node.callFrame.url)) {
      bytes += node.selfSize;
      sites.push(
        `${node.callFrame.functionName} ${node.callFrame.url.replace(/.*\/work\/main\//, '')} (${node.selfSize} bytes)`,
      );
    }
    for (const child of node.children) walk(child);
  };
  walk(root);
  return { bytes, sites };
}

describe('e1000 hot paths', () => {
  it(`allocate nothing per packet over ${PACKETS} forwarded frames (null device)`, async () => {
    const o = await openNic({}, { nullDevice: { rxFrameBytes: 60 } });
    await rxSettle(o);
    const nic = o.nic;
    let forwarded = 0;
    const onFrame = (frame: Uint8Array, _meta: RxMeta): void => {
      if (nic.queueFrame(frame)) forwarded++;
    };
    const run = (packets: number): void => {
      const target = forwarded + packets;
      while (forwarded < target) {
        nic.receive(BURST, onFrame);
        nic.flushTransmit();
      }
    };
    run(PACKETS); // warm up: JIT, the frame-view caches
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_BYTES,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    run(PACKETS);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    session.disconnect();
    const found = driverAllocations(profile.head as ProfileNode);
    expect(found.bytes / PACKETS, found.sites.join('\n')).toBeLessThan(1);
    expect(nic.statistics().driver.tx_packets).toBeGreaterThanOrEqual(2 * PACKETS);
    await nic.close();
  });
});
