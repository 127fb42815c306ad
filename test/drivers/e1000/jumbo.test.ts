/**
 * Frames larger than one buffer: jumbo TX over several descriptors (EOP on the last),
 * jumbo RX spread over 2 KB buffers and joined at EOP, or into one large LPE buffer;
 * scatter-gather TX of one frame from several segments.
 */
import { describe, expect, it } from 'vitest';
import { drain, frame, frameListDiff, openNic, rxSettle } from './helpers.js';

const JUMBO = 9014;

describe('e1000 jumbo frames', () => {
  it('sends a 9014-byte frame over five 2 KB descriptors, EOP only on the last', async () => {
    const o = await openNic({ maxFrameBytes: JUMBO }, {}, { log: true });
    const f = frame(JUMBO, 42);
    expect(o.nic.transmit([f, frame(100, 1)])).toBe(2);
    expect(frameListDiff(o.device.wire.take(), [f, frame(100, 1)])).toBe('');
    const fetched = o.device
      .log!.events()
      .filter((e) => e.kind === 'dma-read' && e.tag === 'tx-desc');
    const cmds = fetched.map((e) => (e.kind === 'dma-read' ? e.data[11] : -1));
    expect(cmds.map((c) => c & 0x01)).toEqual([0, 0, 0, 0, 1, 1]); // EOP
    expect(cmds.every((c) => (c & 0x02) === 0x02)).toBe(true); // IFCS everywhere
    // RS (bit 3) only on the last descriptor of the burst: 6 < txReportEvery (32).
    expect(cmds.map((c) => c & 0x08)).toEqual([0, 0, 0, 0, 0, 0x08]);
    const d = o.nic.statistics().driver;
    expect(d.tx_descriptors).toBe(6);
    expect(d.tx_multi_descriptor_frames).toBe(1);
    await o.nic.close();
  });

  it('receives a 9014-byte frame into 2 KB buffers, joined from five descriptors (LPE on)', async () => {
    const o = await openNic({ maxFrameBytes: JUMBO });
    expect(o.device.regs.bar(0).peek(0x100) & 0x20).toBe(0x20); // RCTL.LPE
    await rxSettle(o);
    const frames = [frame(JUMBO, 1), frame(64, 2), frame(5000, 3), frame(2048, 4), frame(2049, 5)];
    for (const f of frames) expect(o.device.receive(f)).toBe('delivered');
    const got = drain(o.nic);
    expect(frameListDiff(got.frames, frames)).toBe('');
    expect(got.metas.map((m) => m.descriptors)).toEqual([5, 1, 3, 1, 2]);
    await o.nic.close();
  });

  it('receives a 9014-byte frame into one 16 KB buffer (LPE with BSEX)', async () => {
    const o = await openNic({ maxFrameBytes: JUMBO, rxBufferBytes: 16384, rxRingSize: 16 });
    const rctl = o.device.regs.bar(0).peek(0x100);
    expect([(rctl >>> 16) & 3, (rctl >>> 25) & 1, (rctl >>> 5) & 1]).toEqual([1, 1, 1]); // BSIZE 01b, BSEX, LPE
    await rxSettle(o);
    const frames = [frame(JUMBO, 9), frame(1514, 10)];
    for (const f of frames) o.device.receive(f);
    const got = drain(o.nic);
    expect(frameListDiff(got.frames, frames)).toBe('');
    expect(got.metas.map((m) => m.descriptors)).toEqual([1, 1]);
    await o.nic.close();
  });

  it('without jumbo, the device drops long frames and the driver refuses to send them', async () => {
    const o = await openNic();
    await rxSettle(o);
    expect(o.device.receive(frame(JUMBO, 1))).toBe('dropped:oversize');
    expect(() => o.nic.transmit([frame(60, 0), frame(JUMBO + 4, 1)])).toThrow(
      expect.objectContaining({
        code: 'E_FRAME_SIZE',
        message: 'frame 1 is 9018 bytes; the maximum is 1514 (set maxFrameBytes / enable jumbo)',
      }),
    );
    expect(o.device.wire.take()).toEqual([]); // nothing of the burst went out
    await o.nic.close();
  });

  it('wraps both rings with jumbo frames (several descriptors each) many times', async () => {
    const o = await openNic({ maxFrameBytes: JUMBO, rxRingSize: 16, txRingSize: 16 });
    await o.nic.setLoopback('phy');
    await rxSettle(o);
    const sent: Uint8Array[] = [];
    const got: Uint8Array[] = [];
    for (let i = 0; i < 60; i++) {
      const f = frame(1000 + ((i * 977) % 8000), i); // 1..5 descriptors: 160+ through 16 slots
      expect(o.nic.transmit([f])).toBe(1);
      sent.push(f);
      got.push(...drain(o.nic).frames);
    }
    expect(frameListDiff(got, sent)).toBe('');
    expect(o.nic.statistics().driver.rx_descriptors).toBeGreaterThan(160);
    await o.nic.close();
  });
});

describe('e1000 scatter-gather TX', () => {
  it('sends one frame made of several segments, each from its own buffer, EOP on the last', async () => {
    const o = await openNic({ maxFrameBytes: JUMBO }, {}, { log: true });
    const whole = frame(3000, 77);
    const segments = [
      whole.subarray(0, 14),
      whole.subarray(14, 14),
      whole.subarray(14, 600),
      whole.subarray(600, 3000),
    ];
    expect(o.nic.transmitGather(segments)).toBe(true);
    expect(frameListDiff(o.device.wire.take(), [whole])).toBe('');
    const cmds = o.device
      .log!.events()
      .filter((e) => e.kind === 'dma-read' && e.tag === 'tx-desc')
      .map((e) => (e.kind === 'dma-read' ? e.data[11] & 0x01 : -1));
    // header, 586-byte segment, then 2400 bytes over two 2 KB buffers; the empty one skipped
    expect(cmds).toEqual([0, 0, 0, 1]);
    expect(o.nic.statistics().driver.tx_gathered_frames).toBe(1);
    await o.nic.close();
  });

  it('refuses a gathered frame that does not fit, queueing none of it', async () => {
    const o = await openNic({ txRingSize: 8 });
    const bar = o.device.bar(0);
    bar.write32(0x400, bar.read32(0x400) & ~0x2); // stall the transmitter
    expect(o.nic.transmit(Array.from({ length: 5 }, (_, i) => frame(60, i)))).toBe(5);
    const seg = frame(200, 9);
    expect(
      o.nic.transmitGather([seg.subarray(0, 50), seg.subarray(50, 100), seg.subarray(100, 150)]),
    ).toBe(false);
    expect(o.nic.transmitGather([seg.subarray(0, 100), seg.subarray(100, 200)])).toBe(true);
    await o.nic.close();
  });
});
