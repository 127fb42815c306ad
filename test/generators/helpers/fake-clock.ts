/** A virtual clock for sequence tests: sleeping advances time and runs a device hook. */
import type { Clock } from '../../../runtime/types.js';

export class FakeClock implements Clock {
  private now = 0;
  /** Microseconds slept in total, and the number of sleeps. */
  sleptUs = 0;
  sleeps = 0;

  constructor(private readonly onAdvance: (nowUs: number) => void = () => {}) {}

  nowUs(): number {
    return this.now;
  }

  async sleepUs(us: number): Promise<void> {
    this.now += us;
    this.sleptUs += us;
    this.sleeps++;
    this.onAdvance(this.now);
  }
}
