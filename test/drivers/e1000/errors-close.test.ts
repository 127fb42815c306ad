/**
 * Bad input gets a typed error that names the value and the limit; close() always leaves
 * the device quiesced (interrupts masked, RX and TX off, bus mastering off) and its DMA
 * memory freed, and is idempotent.
 */
import { describe, expect, it } from 'vitest';
import { frame, ir, openNic } from './helpers.js';
import { openE1000Twin } from '../../../drivers/e1000/twin/index.js';
import e1000 from '../../../drivers/e1000/index.js';
import type { NicConfig } from '../../../runtime/nic.js';

async function openError(config: NicConfig): Promise<{ code: string; message: string }> {
  const { device } = openE1000Twin(ir());
  const err = await e1000.open(device, ir(), config).then(
    () => ({ code: 'none', message: '' }),
    (e: { code: string; message: string }) => e,
  );
  // a configuration error is found before the device is touched
  expect(device.dma.stats().regions).toBe(0);
  await device.close();
  return err;
}

describe('e1000 configuration errors', () => {
  it.each([
    [{ rxRingSize: 4 }, 'E_RING_SIZE', /count 4 is outside 8\.\.65528/],
    [{ txRingSize: 70_000 }, 'E_RING_SIZE', /count 70000 is outside 8\.\.65528/],
    [{ txRingSize: 100 }, 'E_RING_SIZE', /count 100 is not a multiple of 8/],
    [
      { rxBufferBytes: 3000 },
      'E_RING_BUFFER',
      /rxBufferBytes 3000: RCTL can select only 256, 512, 1024, 2048, 4096, 8192, 16384 bytes/,
    ],
    [{ rxBufferBytes: 32768 }, 'E_RING_BUFFER', /outside 1\.\.16384/],
    [{ maxFrameBytes: 16381 }, 'E_FRAME_SIZE', /maxFrameBytes 16381 is outside 14\.\.16380/],
    [{ queues: 2 }, 'E_QUEUE', /one receive and one transmit queue/],
  ])('%j → %s', async (config, code, message) => {
    const err = await openError(config);
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });
});

describe('e1000 runtime errors', () => {
  it('E_FRAME_SIZE for a runt frame, naming its index; nothing of the burst is sent', async () => {
    const o = await openNic();
    expect(() => o.nic.transmit([frame(60, 0), frame(60, 1), new Uint8Array(9)])).toThrow(
      expect.objectContaining({
        code: 'E_FRAME_SIZE',
        message: 'frame 2 is 9 bytes; the minimum is 14 (an Ethernet header)',
      }),
    );
    expect(o.device.wire.take()).toEqual([]);
    expect(() => o.nic.transmit([frame(60, 0)], undefined, 1)).toThrow(
      expect.objectContaining({ code: 'E_QUEUE' }),
    );
    const noQueue = expect.objectContaining({
      code: 'E_QUEUE',
      message: expect.stringMatching(/queue 1 does not exist/),
    });
    expect(() => o.nic.queueFrame(frame(60, 0), undefined, 1)).toThrow(noQueue);
    expect(() => o.nic.flushTransmit(1)).toThrow(noQueue);
    expect(() => o.nic.receive(32, () => {}, 1)).toThrow(noQueue);
    await o.nic.close();
  });
});

describe('e1000 close()', () => {
  it('quiesces the device, frees its DMA memory, closes the backend; idempotent', async () => {
    const o = await openNic({}, {}, { log: true });
    o.nic.transmit([frame(100, 1)]);
    expect(o.device.dma.stats().regions).toBe(4); // two rings, two buffer pools
    await o.nic.close();
    await o.nic.close();
    const bar = o.device.regs.bar(0);
    expect(bar.peek(0x100) & 0x2).toBe(0); // RCTL.EN
    expect(bar.peek(0x400) & 0x2).toBe(0); // TCTL.EN
    const imc = o.device.log!.events().filter((e) => e.kind === 'mmio-write' && e.offset === 0xd8);
    expect(imc.at(-1)).toMatchObject({ value: 0xffffffff }); // every cause masked last
    expect(o.device.configRead(0x04, 2) & 0x4).toBe(0); // bus mastering off
    expect(o.device.isClosed).toBe(true);
    expect(o.device.faults.items).toEqual([]);
    expect(() => o.nic.transmit([frame(100, 2)])).toThrow(
      expect.objectContaining({ code: 'E_CLOSED' }),
    );
    expect(() => o.nic.statistics()).toThrow(expect.objectContaining({ code: 'E_CLOSED' }));
    // The per-frame calls too, naming themselves; closed wins over a bad queue number.
    const closed = (what: string) =>
      expect.objectContaining({ code: 'E_CLOSED', message: `${what}: the e1000 driver is closed` });
    expect(() => o.nic.queueFrame(frame(100, 3))).toThrow(closed('queueFrame'));
    expect(() => o.nic.queueFrame(frame(100, 3), undefined, 1)).toThrow(closed('queueFrame'));
    expect(() => o.nic.flushTransmit()).toThrow(closed('flushTransmit'));
    expect(() => o.nic.receive(32, () => {})).toThrow(closed('receive'));
  });

  it('stops DMA before freeing: a frame arriving after close is not written anywhere', async () => {
    const o = await openNic();
    await o.nic.close();
    expect(o.device.receive(frame(100, 1))).toBe('dropped');
    expect(o.device.faults.items).toEqual([]);
  });
});
