/**
 * The twin's clock. In virtual mode time stands still until someone sleeps: sleepUs
 * advances it at once, running every device timer that falls due on the way, in time
 * order. A sequence that polls "wait CTRL.RST == 0 within 10 ms" therefore finishes in
 * microseconds of real time, and the same run always sees the same interleaving.
 * In real mode time is performance.now(), and timers run when the device is next
 * touched (a register access, a sleep, an interrupt wait) after they fall due.
 */
import type { Clock } from '../types.js';

export type ClockMode = 'virtual' | 'real';

interface Timer {
  id: number;
  dueUs: number;
  /** Tie-break: timers due at the same instant run in the order they were scheduled. */
  order: number;
  fn: () => void;
}

const US_PER_MS = 1000;
/** Virtual sleeps yield a macrotask this often, so I/O and signals still get a turn. */
const MACROTASK_EVERY_SLEEPS = 256;

export class SimClock implements Clock {
  private virtualNowUs = 0;
  private readonly realStartMs = performance.now();
  private timers: Timer[] = [];
  private nextId = 1;
  private nextOrder = 0;
  private sleeps = 0;
  private advanceHooks: ((nowUs: number) => void)[] = [];
  private running = false;

  constructor(readonly mode: ClockMode = 'virtual') {}

  get isVirtual(): boolean {
    return this.mode === 'virtual';
  }

  nowUs(): number {
    return this.isVirtual ? this.virtualNowUs : (performance.now() - this.realStartMs) * US_PER_MS;
  }

  async sleepUs(us: number): Promise<void> {
    const delayUs = Math.max(0, us);
    if (this.isVirtual) {
      this.advance(delayUs);
      if (++this.sleeps % MACROTASK_EVERY_SLEEPS === 0)
        await new Promise<void>((r) => setImmediate(r));
      return;
    }
    // libuv measures timers against a loop time cached at the start of the iteration, so a
    // setTimeout can fire up to ~1 ms early by performance.now(): sleep again for the rest.
    const untilUs = this.nowUs() + delayUs;
    do {
      const leftUs = untilUs - this.nowUs();
      await new Promise<void>((resolve) => {
        if (leftUs >= US_PER_MS) setTimeout(resolve, leftUs / US_PER_MS);
        else setImmediate(resolve);
      });
    } while (this.nowUs() < untilUs);
    this.runDue();
  }

  /** Run `fn` once, `delayUs` from now. Returns an id for cancel(). */
  schedule(delayUs: number, fn: () => void): number {
    const timer: Timer = {
      id: this.nextId++,
      dueUs: this.nowUs() + Math.max(0, delayUs),
      order: this.nextOrder++,
      fn,
    };
    let i = this.timers.length;
    while (i > 0 && this.before(timer, this.timers[i - 1])) i--;
    this.timers.splice(i, 0, timer);
    return timer.id;
  }

  cancel(id: number): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i >= 0) this.timers.splice(i, 1);
  }

  /** Whether a timer with this id is still waiting. */
  pending(id: number): boolean {
    return this.timers.some((t) => t.id === id);
  }

  /** Time of the earliest pending timer, or Infinity. */
  nextDueUs(): number {
    return this.timers.length > 0 ? this.timers[0].dueUs : Infinity;
  }

  /** Called after every advance of time, with the new time (plugins' onTimeAdvance). */
  onAdvance(hook: (nowUs: number) => void): void {
    this.advanceHooks.push(hook);
  }

  /**
   * Virtual mode: move time forward by `us`, running due timers at their own instants.
   * Real mode: just run whatever is due (real time cannot be pushed).
   */
  advance(us: number): void {
    if (!this.isVirtual) {
      this.runDue();
      return;
    }
    const targetUs = this.virtualNowUs + Math.max(0, us);
    while (this.timers.length > 0 && this.timers[0].dueUs <= targetUs) {
      const timer = this.timers.shift() as Timer;
      this.virtualNowUs = Math.max(this.virtualNowUs, timer.dueUs);
      timer.fn();
    }
    this.virtualNowUs = targetUs;
    this.notifyAdvance();
  }

  /** Run the timers already due (both modes). Re-entrant calls are ignored. */
  runDue(): void {
    if (this.running || this.timers.length === 0) return;
    const nowUs = this.nowUs();
    if (this.timers[0].dueUs > nowUs) return;
    this.running = true;
    try {
      while (this.timers.length > 0 && this.timers[0].dueUs <= nowUs)
        (this.timers.shift() as Timer).fn();
    } finally {
      this.running = false;
    }
    this.notifyAdvance();
  }

  /** Drop every timer (device reset or close). */
  cancelAll(): void {
    this.timers = [];
  }

  private before(a: Timer, b: Timer): boolean {
    return a.dueUs < b.dueUs || (a.dueUs === b.dueUs && a.order < b.order);
  }

  private notifyAdvance(): void {
    const nowUs = this.nowUs();
    for (const hook of this.advanceHooks) hook(nowUs);
  }
}
