import { describe, expect, it } from 'vitest';
import { NullPlugin, openSimDevice, SimClock } from '../../../runtime/sim/index.js';
import { fixtureIr } from './fixture-ir.js';

describe('twin clock', () => {
  it('virtual time moves only on sleep, running timers in time order', async () => {
    const clock = new SimClock('virtual');
    const seen: string[] = [];
    clock.schedule(30, () => seen.push(`b@${clock.nowUs()}`));
    clock.schedule(10, () => seen.push(`a@${clock.nowUs()}`));
    clock.schedule(30, () => seen.push(`c@${clock.nowUs()}`));
    expect(clock.nowUs()).toBe(0);
    await clock.sleepUs(25);
    expect(seen).toEqual(['a@10']);
    await clock.sleepUs(1_000_000);
    expect(seen).toEqual(['a@10', 'b@30', 'c@30']);
    expect(clock.nowUs()).toBe(1_000_025);
  });

  it('a long virtual poll finishes at once in real time', async () => {
    const clock = new SimClock('virtual');
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) await clock.sleepUs(100);
    expect(clock.nowUs()).toBe(1_000_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('cancelled timers do not run', async () => {
    const clock = new SimClock('virtual');
    let ran = false;
    const id = clock.schedule(5, () => (ran = true));
    clock.cancel(id);
    await clock.sleepUs(10);
    expect(ran).toBe(false);
  });

  it('real mode follows the wall clock and runs due timers on sleep', async () => {
    const clock = new SimClock('real');
    let ran = false;
    clock.schedule(1000, () => (ran = true));
    const t0 = clock.nowUs();
    await clock.sleepUs(3000);
    expect(clock.nowUs() - t0).toBeGreaterThanOrEqual(2500);
    expect(ran).toBe(true);
  });
});

describe('twin interrupts', () => {
  it('wait returns the signals since the last wait', async () => {
    const dev = openSimDevice(fixtureIr(), new NullPlugin());
    const irq = dev.interrupts();
    // The null plugin never signals; signal through a device timer instead.
    dev.clock.schedule(500, () => (irq as unknown as { signal(): void }).signal());
    expect(await irq.wait(100)).toBe(1);
    expect(dev.clock.nowUs()).toBe(500);
    expect(await irq.wait(2)).toBe(0);
    expect(dev.clock.nowUs()).toBe(2500);
  });

  it('a frame injected right after wait() is seen by it', async () => {
    const dev = openSimDevice(fixtureIr(), new NullPlugin());
    const irq = dev.interrupts() as unknown as {
      wait(ms: number): Promise<number>;
      signal(): void;
    };
    const p = irq.wait(10);
    irq.signal();
    expect(await p).toBe(1);
    expect(dev.clock.nowUs()).toBe(0);
  });
});
