/**
 * `nicdl selftest` passes on the twin, and the loopback checker behind it and behind
 * `nicdl load` catches what a broken NIC does: a changed byte, a lost frame, a swap.
 */
import { describe, expect, it } from 'vitest';
import Selftest from '../../cli/commands/selftest.js';
import { awaitLoopbackPath, runLoopbackTraffic } from '../../cli/loopback-traffic.js';
import { registerTest } from '../../cli/register-test.js';
import { driverByName, driverIr } from '../../cli/driver-registry.js';
import type { Device } from '../../runtime/types.js';
import { StopSignal } from '../../cli/stop-signal.js';
import type { NicDriver } from '../../runtime/nic.js';
import { runCli } from './helpers/run-cli.js';

describe('nicdl selftest', () => {
  it('passes every test on the twin, with the register test driven by the spec', async () => {
    const r = await runCli(Selftest, ['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const { tests } = JSON.parse(r.stdout) as {
      tests: Array<{ name: string; verdict: string; detail: string }>;
    };
    expect(tests.map((t) => [t.name, t.verdict])).toEqual([
      ['registers', 'PASS'],
      ['link', 'PASS'],
      ['phy-loopback', 'PASS'],
      ['mac-loopback', 'PASS'],
      ['ring-wraparound', 'PASS'],
      ['interrupts', 'PASS'],
    ]);
    expect(tests[0].detail).toMatch(/^\d{3} registers, 4 patterns each, restored; 3 not tested$/);
    expect(tests[4].detail).toMatch(
      /^10x the ring: 2,560 of 2,560 frames back intact and in order/,
    );
  });

  it('prints one PASS/FAIL line per test', async () => {
    const r = await runCli(Selftest, ['--frames', '50', '--rx-ring', '32', '--tx-ring', '32']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ring-wraparound\s+PASS\s+10x the ring: 320 of 320 frames/m);
    expect(r.stdout).toMatch(/^all tests passed \(0 skipped\)$/m);
  });
});

type Fault = (frames: Uint8Array[], nowUs: number) => Uint8Array[];

/** A NIC in loopback that applies `fault` to what comes back (enough of NicDriver for the checker). */
function loopbackNic(fault: Fault): NicDriver {
  let nowUs = 0;
  const back: Uint8Array[] = [];
  let sent: Uint8Array[] = [];
  const nic = {
    mac: '52:54:00:12:34:56',
    config: { rxRingSize: 64, txRingSize: 64, maxFrameBytes: 1514 },
    clock: { nowUs: () => nowUs, sleepUs: async (us: number) => void (nowUs += us) },
    transmit: (frames: readonly Uint8Array[]) => {
      sent.push(...frames.map((f) => f.slice()));
      return frames.length;
    },
    reclaim: () => {
      back.push(...fault(sent, nowUs));
      const n = sent.length;
      sent = [];
      return n;
    },
    receive: (max: number, onFrame: (f: Uint8Array) => void) => {
      const now = back.splice(0, max);
      now.forEach((f) => onFrame(f));
      return now.length;
    },
    waitForReceive: async (ms: number) => void (nowUs += ms * 1000),
  };
  return nic as unknown as NicDriver;
}

describe('loopback checker', () => {
  const run = (fault: Fault) =>
    runLoopbackTraffic(loopbackNic(fault), {
      frames: 200,
      sizes: [60, 300],
      stop: new StopSignal(),
      idleTimeoutUs: 10_000,
    });
  let count = 0;
  const nth =
    (n: number, f: (x: Uint8Array) => Uint8Array | undefined): Fault =>
    (frames) =>
      frames.flatMap((x) => {
        const out = count++ === n ? f(x) : x;
        return out ? [out] : [];
      });

  it('passes an intact loopback', async () => {
    expect((await run((f) => f)).ok).toBe(true);
  });

  it('fails on one changed byte, one lost frame, a swapped pair', async () => {
    count = 0;
    const flipped = await run(nth(77, (x) => ((x[40] ^= 1), x)));
    expect(flipped.ok).toBe(false);
    expect(flipped.firstMismatches[0]).toMatch(/^frame 77: byte 40/);
    count = 0;
    const lost = await run(nth(150, () => undefined));
    expect(lost).toMatchObject({ ok: false, received: 199 });
    expect(lost.firstMismatches[0]).toMatch(/^frame 150: sequence 151, expected 150/);
    const swapped = await run((frames) =>
      frames.length > 1 ? [frames[1], frames[0], ...frames.slice(2)] : frames,
    );
    expect(swapped.ok).toBe(false);
  });
});

describe('loopback settling', () => {
  it('waits with probe frames until the path works, then counts nothing lost', async () => {
    // Like QEMU's e1000 for 1 s after an RCTL write: frames vanish, they are not held.
    const nic = loopbackNic((frames, nowUs) => (nowUs < 1_000_000 ? [] : frames));
    const stop = new StopSignal();
    const settle = await awaitLoopbackPath(nic, stop);
    expect(settle.ready).toBe(true);
    expect(settle.waitedMs).toBeGreaterThanOrEqual(1000);
    expect(settle.probesSent).toBeGreaterThan(9);
    const r = await runLoopbackTraffic(nic, { frames: 100, sizes: [60], stop });
    expect(r).toMatchObject({ ok: true, received: 100 });
  });

  it('gives up when nothing ever comes back', async () => {
    const settle = await awaitLoopbackPath(
      loopbackNic(() => []),
      new StopSignal(),
      300_000,
    );
    expect(settle).toMatchObject({ ready: false, probesSent: 3 });
  });
});

describe('register test', () => {
  const FCAL = 0x28;
  const RDTR = 0x2820;
  /** The e1000 twin with a BAR that lies about some registers. */
  async function twinWith(read: (offset: number, value: number) => number): Promise<Device> {
    const entry = driverByName('e1000');
    const { device } = entry.openTwin(await driverIr(entry));
    const mmio = device.bar(0);
    const bar = {
      size: mmio.size,
      read32: (o: number) => read(o, mmio.read32(o)),
      write32: (o: number, v: number) => mmio.write32(o, v),
    };
    return Object.assign(Object.create(device) as Device, { bar: () => bar });
  }

  it('passes the twin, skipping the handshake registers the spec polls', async () => {
    const entry = driverByName('e1000');
    const r = registerTest(await driverIr(entry), await twinWith((_, v) => v));
    expect(r.failed).toEqual([]);
    expect(r.skipped.map((x) => x.name).sort()).toEqual(['CTRL', 'EERD', 'MDIC']);
  });

  it('tells a register that reads 0 (not implemented) from one with wrong bits', async () => {
    const entry = driverByName('e1000');
    const device = await twinWith((o, v) => (o === FCAL ? 0 : o === RDTR ? v ^ 0x10 : v));
    const r = registerTest(await driverIr(entry), device);
    expect(r.unimplemented).toEqual(['FCAL']);
    expect(r.failed).toEqual(['RDTR']);
    expect(r.failures[0]).toMatch(
      /^RDTR: wrote 0x00005a5a, read 0x00005a4a \(bits 0x00000010 differ\)$/,
    );
  });
});
