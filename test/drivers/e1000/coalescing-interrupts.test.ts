/**
 * Interrupt moderation registers per profile (datasheet units: ITR 256 ns, the delay
 * timers 1.024 µs), and waiting for frames by polling and by interrupt.
 */
import { describe, expect, it } from 'vitest';
import { drain, frame, openNic, rxSettle } from './helpers.js';

const REG = { ITR: 0xc4, IMS: 0xd0, RDTR: 0x2820, RADV: 0x282c, TIDV: 0x3820, TADV: 0x382c };

describe('e1000 interrupt coalescing', () => {
  const cases = [
    // ITR = µs x 1000 / 256, delays = µs x 1000 / 1024 (rounded); TIDV at least 1
    { profile: { profile: 'off' as const }, want: { ITR: 0, RDTR: 0, RADV: 0, TIDV: 1, TADV: 0 } },
    {
      profile: { profile: 'latency' as const },
      want: { ITR: 78, RDTR: 0, RADV: 0, TIDV: 8, TADV: 31 },
    },
    {
      profile: { profile: 'throughput' as const },
      want: { ITR: 488, RDTR: 31, RADV: 125, TIDV: 63, TADV: 250 },
    },
    {
      profile: {
        profile: 'custom' as const,
        intervalUs: 100,
        rxDelayUs: 10,
        rxAbsoluteUs: 50,
        txDelayUs: 20,
        txAbsoluteUs: 1000,
      },
      want: { ITR: 391, RDTR: 10, RADV: 49, TIDV: 20, TADV: 977 },
    },
  ];
  for (const c of cases) {
    it(`${c.profile.profile}: ${JSON.stringify(c.want)}`, async () => {
      const o = await openNic({ coalescing: c.profile });
      const bar = o.device.regs.bar(0);
      const read = () => ({
        ITR: bar.peek(REG.ITR),
        RDTR: bar.peek(REG.RDTR),
        RADV: bar.peek(REG.RADV),
        TIDV: bar.peek(REG.TIDV),
        TADV: bar.peek(REG.TADV),
      });
      expect(read()).toEqual(c.want);
      o.nic.setCoalescing({ profile: 'off' });
      expect(read()).toEqual(cases[0].want);
      expect(o.nic.config.coalescing).toEqual({ profile: 'off' });
      await o.nic.close();
    });
  }

  it('rejects a delay its register cannot hold (E_COALESCING), naming the field and the limit', async () => {
    const o = await openNic();
    expect(() => o.nic.setCoalescing({ profile: 'custom', intervalUs: 20_000 })).toThrow(
      expect.objectContaining({
        code: 'E_COALESCING',
        message: expect.stringMatching(/ITR.INTERVAL: 20000 µs .* \(16776 µs/),
      }),
    );
    expect(() => o.nic.setCoalescing({ profile: 'custom', rxDelayUs: -1 })).toThrow(
      expect.objectContaining({ code: 'E_COALESCING' }),
    );
    await o.nic.close();
  });
});

describe('e1000 waiting for frames', () => {
  it('poll mode: waitForReceive returns once a frame is in, or after the timeout', async () => {
    const o = await openNic();
    await rxSettle(o);
    expect(o.device.regs.bar(0).peek(REG.IMS)).toBe(0); // nothing unmasked when polling
    const t0 = o.device.clock.nowUs();
    await o.nic.waitForReceive(5);
    expect(o.device.clock.nowUs() - t0).toBeGreaterThanOrEqual(5000);
    o.device.receive(frame(100, 1));
    const t1 = o.device.clock.nowUs();
    await o.nic.waitForReceive(1000);
    expect(o.device.clock.nowUs()).toBe(t1);
    expect(drain(o.nic).frames.length).toBe(1);
    await o.nic.close();
  });

  it('interrupt mode: RXT0/RXO/RXDMT0/LSC unmasked; a wait ends with the frame, ICR acknowledged', async () => {
    const o = await openNic({
      mode: 'interrupt',
      coalescing: { profile: 'custom', rxDelayUs: 100 },
    });
    expect(o.device.regs.bar(0).peek(REG.IMS)).toBe((1 << 7) | (1 << 6) | (1 << 4) | (1 << 2));
    await rxSettle(o);
    const t0 = o.device.clock.nowUs();
    const waiting = o.nic.waitForReceive(1000);
    o.device.receive(frame(100, 1)); // arrives while the driver sleeps on the interrupt
    await waiting;
    const waitedUs = o.device.clock.nowUs() - t0;
    expect(waitedUs).toBeGreaterThanOrEqual(100); // RDTR held the interrupt ~100 µs
    expect(waitedUs).toBeLessThan(1000);
    expect(o.nic.statistics().driver.interrupts).toBe(1);
    expect(o.device.regs.bar(0).peek(0xc0)).toBe(0); // ICR read: nothing pending
    expect(drain(o.nic).frames.length).toBe(1);
    await o.nic.close();
  });
});
