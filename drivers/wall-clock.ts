/**
 * A Clock on real time, for drivers on hardware (the twin brings its own, virtual one).
 * Sleeps under a millisecond yield to the event loop (setImmediate) instead of sleeping
 * the ~1 ms a timer would take at least.
 */
import type { Clock } from '../runtime/types.js';

const US_PER_MS = 1000;

export const wallClock: Clock = {
  nowUs: () => performance.now() * US_PER_MS,
  sleepUs: (us: number) =>
    new Promise<void>((resolve) => {
      if (us >= US_PER_MS) setTimeout(resolve, us / US_PER_MS);
      else setImmediate(resolve);
    }),
};

/** The device's own clock when it has one (the twin's virtual clock), else real time. */
export function clockOf(device: object): Clock {
  const own = (device as { clock?: Partial<Clock> }).clock;
  if (own && typeof own.nowUs === 'function' && typeof own.sleepUs === 'function')
    return own as Clock;
  return wallClock;
}
