/**
 * Waiting for received frames, by polling or by interrupt (8254x SDM §13.4.17-21).
 *
 * - poll (default): every cause stays masked (IMC all, bring-up's reset sequence); a wait
 *   checks the next RX descriptor's DD bit every `pollIntervalUs` on the driver's clock.
 * - interrupt: IMS enables RXT0 (frame received, after RDTR/RADV/ITR moderation), RXO
 *   (overrun), RXDMT0 (few free descriptors) and LSC (link change); a wait sleeps on the
 *   backend's interrupt source (an eventfd on VFIO, emulated on the twin), then reads ICR,
 *   which acknowledges the causes — on VFIO INTx that read is what lowers the line
 *   before the source unmasks it at the next wait.
 */
import type { Clock, InterruptSource } from '../../runtime/types.js';
import { ICR, IRQ_ALL, type Registers } from './generated/index.js';

/** How often a poll-mode wait looks at the ring, in microseconds of the driver's clock. */
export const POLL_INTERVAL_US = 50;
const US_PER_MS = 1000;

export class InterruptControl {
  /** Interrupts the source reported, and ICR reads that found causes. */
  interrupts = 0;
  linkChanges = 0;
  overruns = 0;
  private readonly source: InterruptSource | undefined;

  constructor(
    private readonly regs: Registers,
    private readonly clock: Clock,
    readonly mode: 'poll' | 'interrupt',
    source: InterruptSource | undefined,
  ) {
    this.source = mode === 'interrupt' ? source : undefined;
  }

  /** Whether waits really sleep on interrupts (interrupt mode on a backend that has them). */
  get interruptDriven(): boolean {
    return this.source !== undefined;
  }

  /** Unmask the receive causes in interrupt mode (§13.4.20: IMS is write-1-to-set). */
  enable(): void {
    if (!this.source) return;
    this.regs.IMS.setFields((w) => w.RXT0(1).RXO(1).RXDMT0(1).LSC(1));
  }

  /** Mask every cause (§13.4.21) and drop pending ones by reading ICR. */
  disable(): void {
    this.regs.IMC.write(IRQ_ALL);
    this.acknowledge();
  }

  /** Read ICR (clears it, §13.4.17) and count what it reported. */
  acknowledge(): number {
    const causes = this.regs.ICR.readAndClear();
    if (ICR.LSC.get(causes)) this.linkChanges++;
    if (ICR.RXO.get(causes)) this.overruns++;
    return causes;
  }

  /**
   * Wait until `ready()` or `timeoutMs` passes: on the interrupt source when there is one,
   * else by polling `ready()` every POLL_INTERVAL_US.
   */
  async wait(timeoutMs: number, ready: () => boolean): Promise<void> {
    if (ready()) return;
    if (this.source) {
      const n = await this.source.wait(timeoutMs);
      if (n > 0) {
        this.interrupts += n;
        this.acknowledge();
      }
      return;
    }
    const deadlineUs = this.clock.nowUs() + timeoutMs * US_PER_MS;
    while (!ready() && this.clock.nowUs() < deadlineUs) {
      await this.clock.sleepUs(Math.min(POLL_INTERVAL_US, deadlineUs - this.clock.nowUs()));
    }
  }
}
