/**
 * Emulated interrupt delivery for the twin, shaped like an eventfd: the plugin signals
 * (when it raises a cause that is not masked), and wait() returns how many signals
 * arrived since the last wait. In virtual time, waiting advances the clock (running the
 * device's timers, e.g. interrupt moderation) until a signal or the time limit.
 */
import type { InterruptSource } from '../types.js';
import type { SimClock } from './clock.js';
import type { EventLog } from './event-log.js';

const US_PER_MS = 1000;
/** Real mode: how often a waiter re-checks device timers, in milliseconds. */
const REAL_POLL_MS = 1;

export class SimInterruptSource implements InterruptSource {
  private count = 0;
  private total = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  log: EventLog | null = null;

  constructor(private readonly clock: SimClock) {}

  /** One interrupt message (an eventfd write). */
  signal(): void {
    this.count++;
    this.total++;
    this.log?.push({ kind: 'interrupt', count: this.total });
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Interrupts signalled since the device was opened. */
  get signalled(): number {
    return this.total;
  }

  async wait(timeoutMs: number): Promise<number> {
    if (this.closed) return 0;
    if (this.count === 0) {
      // Let code queued behind this call (a frame injected right after it) run first.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const deadlineUs = this.clock.nowUs() + Math.max(0, timeoutMs) * US_PER_MS;
      if (this.clock.isVirtual) this.waitVirtual(deadlineUs);
      else await this.waitReal(deadlineUs);
    }
    const n = this.count;
    this.count = 0;
    return n;
  }

  close(): void {
    this.closed = true;
    this.count = 0;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Step virtual time from one device timer to the next until a signal or the deadline. */
  private waitVirtual(deadlineUs: number): void {
    while (this.count === 0 && !this.closed) {
      const nowUs = this.clock.nowUs();
      if (nowUs >= deadlineUs) return;
      this.clock.advance(Math.min(this.clock.nextDueUs(), deadlineUs) - nowUs);
    }
  }

  private async waitReal(deadlineUs: number): Promise<void> {
    while (this.count === 0 && !this.closed && this.clock.nowUs() < deadlineUs) {
      const remainingMs = (deadlineUs - this.clock.nowUs()) / US_PER_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, Math.min(REAL_POLL_MS, remainingMs)));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
      this.clock.runDue();
    }
  }
}
