import { describe, expect, it } from 'vitest';
import { nicConfig } from '../../cli/nic-flags.js';

describe('how an idle driver waits (--irq / --poll)', () => {
  it('sleeps on interrupts on hardware unless --poll', () => {
    expect(nicConfig({}, true).mode).toBe('interrupt');
    expect(nicConfig({ poll: true }, true).mode).toBe('poll');
    expect(nicConfig({ irq: true }, true).mode).toBe('interrupt');
  });

  it('leaves the twin polling unless --irq', () => {
    expect(nicConfig({}, false).mode).toBeUndefined();
    expect(nicConfig({ poll: true }, false).mode).toBe('poll');
    expect(nicConfig({ irq: true }, false).mode).toBe('interrupt');
  });
});
