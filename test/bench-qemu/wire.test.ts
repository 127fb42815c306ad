// The C wire tool (bench/qemu/wire.c), built with the system compiler as the bench does,
// against itself on loopback: what the blaster sends, the counter counts, bin by bin.
import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { buildWire, startBlast, startCounter } from '../../bench/qemu/wire.mjs';

async function freePort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('wire tool', () => {
  it('counts every frame the blaster sends, in 10 ms bins by size, and sees no drops', async () => {
    const binary = buildWire();
    const port = await freePort();
    const counter = startCounter(binary, port, 60, 30);
    await counter.ready;
    const PPS = 20_000;
    const sent = await startBlast(binary, port, {
      sizeBytes: 60,
      seconds: 0.5,
      pps: PPS,
      dstMac: '52:54:00:12:34:56',
    }).result;
    const counted = await counter.stop();
    expect(sent.errors).toBe(0);
    expect(sent.dropped).toBe(0);
    // The counter reads at once: the trickle phase ends after its first 100 ms bin.
    expect(sent.waitedS).toBeGreaterThan(0);
    expect(sent.waitedS).toBeLessThan(1);
    expect(counted.frames).toBe(sent.sent);
    expect(counted.dropped).toBe(0);
    expect(counted.sizes).toEqual({ '60': sent.sent });
    expect(counted.bins.reduce((a: number, b: number) => a + b, 0)).toBe(sent.sent);
    expect(sent.accepted.reduce((a: number, b: number) => a + b, 0)).toBeGreaterThan(0);
    // Paced: the full-rate phase is close to the asked rate, not as fast as it can.
    expect(sent.pps).toBeLessThan(PPS * 1.2);
  }, 20_000);

  it('counts only frames of the size asked in its bins', async () => {
    const binary = buildWire();
    const port = await freePort();
    const counter = startCounter(binary, port, 1514, 30);
    await counter.ready;
    const sent = await startBlast(binary, port, {
      sizeBytes: 60,
      seconds: 0.2,
      pps: 5_000,
      dstMac: '52:54:00:12:34:56',
    }).result;
    const counted = await counter.stop();
    expect(counted.frames).toBe(sent.sent);
    expect(counted.bins.every((n: number) => n === 0)).toBe(true);
  }, 20_000);
});
