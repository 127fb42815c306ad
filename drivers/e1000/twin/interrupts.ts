/**
 * Interrupt causes, mask and moderation (8254x SDM rev 4.0 §13.4.17-21, §3.2.7, §3.4.4).
 * ICR holds pending causes; IMS the enabled ones. The line is asserted while
 * ICR & IMS != 0, and each assertion is one interrupt message to the host.
 *
 * Moderation, in virtual time:
 * - RDTR (1.024 us units): RXT0 waits until no frame arrived for RDTR; 0 = at once.
 *   RADV caps the wait from the first delayed frame (when RDTR != 0). RDTR.FPD flushes.
 * - TIDV: TXDW of a descriptor with IDE waits until no such descriptor completed for
 *   TIDV; TADV caps it. A descriptor without IDE raises TXDW at once.
 * - ITR (256 ns units): at least ITR between two assertions; causes arriving sooner
 *   assert the line when the interval ends.
 */
import type { SimClock } from '../../../runtime/sim/clock.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { DELAY_MASK, DELAY_UNIT_US, ICR, ITR_UNIT_US } from './bits.js';
import { REG } from './registers.js';

const NO_TIMER = 0;

export class E1000Interrupts {
  private asserted = false;
  private lastAssertUs = -Infinity;
  private itrTimer = NO_TIMER;
  private rxPacketTimer = NO_TIMER;
  private rxAbsoluteTimer = NO_TIMER;
  private txPacketTimer = NO_TIMER;
  private txAbsoluteTimer = NO_TIMER;

  constructor(
    private readonly file: BarFile,
    private readonly clock: SimClock,
    private readonly signal: () => void,
  ) {}

  get causes(): number {
    return this.file.peek(REG.ICR);
  }

  get mask(): number {
    return this.file.peek(REG.IMS);
  }

  raise(causes: number): void {
    if (causes === 0) return;
    this.file.setBits(REG.ICR, causes);
    this.update();
  }

  /** Software read of ICR: returns the causes and clears them (deasserting the line). */
  readCauses(): number {
    const value = this.causes;
    this.file.poke(REG.ICR, 0);
    this.update();
    return value;
  }

  /** Software write of 1s to ICR clears those causes. */
  clearCauses(mask: number): void {
    this.file.clearBits(REG.ICR, mask);
    this.update();
  }

  enable(mask: number): void {
    this.file.setBits(REG.IMS, mask);
    this.update();
  }

  disable(mask: number): void {
    this.file.clearBits(REG.IMS, mask);
    this.update();
  }

  /** A frame was written back: RXT0, now or after the receive delay timers. */
  rxFrameDone(): void {
    const packetDelayUs = (this.file.peek(REG.RDTR) & DELAY_MASK) * DELAY_UNIT_US;
    if (packetDelayUs === 0) {
      this.fireRx();
      return;
    }
    this.rxPacketTimer = this.stop(this.rxPacketTimer);
    this.rxPacketTimer = this.clock.schedule(packetDelayUs, () => this.fireRx());
    const absoluteDelayUs = (this.file.peek(REG.RADV) & DELAY_MASK) * DELAY_UNIT_US;
    if (absoluteDelayUs > 0 && this.rxAbsoluteTimer === NO_TIMER) {
      this.rxAbsoluteTimer = this.clock.schedule(absoluteDelayUs, () => this.fireRx());
    }
  }

  /** RDTR.FPD: raise a pending delayed RXT0 now. */
  flushRxDelay(): void {
    if (this.rxPacketTimer !== NO_TIMER || this.rxAbsoluteTimer !== NO_TIMER) this.fireRx();
  }

  /** A transmit descriptor with RS was written back; `delayed` when it had IDE. */
  txDescriptorDone(delayed: boolean): void {
    const packetDelayUs = (this.file.peek(REG.TIDV) & DELAY_MASK) * DELAY_UNIT_US;
    if (!delayed || packetDelayUs === 0) {
      this.fireTx();
      return;
    }
    this.txPacketTimer = this.stop(this.txPacketTimer);
    this.txPacketTimer = this.clock.schedule(packetDelayUs, () => this.fireTx());
    const absoluteDelayUs = (this.file.peek(REG.TADV) & DELAY_MASK) * DELAY_UNIT_US;
    if (absoluteDelayUs > 0 && this.txAbsoluteTimer === NO_TIMER) {
      this.txAbsoluteTimer = this.clock.schedule(absoluteDelayUs, () => this.fireTx());
    }
  }

  /** Forget every pending timer and deassert (device reset). */
  reset(): void {
    this.itrTimer = this.stop(this.itrTimer);
    this.rxPacketTimer = this.stop(this.rxPacketTimer);
    this.rxAbsoluteTimer = this.stop(this.rxAbsoluteTimer);
    this.txPacketTimer = this.stop(this.txPacketTimer);
    this.txAbsoluteTimer = this.stop(this.txAbsoluteTimer);
    this.asserted = false;
    this.lastAssertUs = -Infinity;
  }

  private fireRx(): void {
    this.rxPacketTimer = this.stop(this.rxPacketTimer);
    this.rxAbsoluteTimer = this.stop(this.rxAbsoluteTimer);
    this.raise(ICR.RXT0);
  }

  private fireTx(): void {
    this.txPacketTimer = this.stop(this.txPacketTimer);
    this.txAbsoluteTimer = this.stop(this.txAbsoluteTimer);
    this.raise(ICR.TXDW);
  }

  private update(): void {
    const pending = (this.causes & this.mask) !== 0;
    if (!pending) {
      this.asserted = false;
      return;
    }
    if (this.asserted || this.itrTimer !== NO_TIMER) return;
    const intervalUs = (this.file.peek(REG.ITR) & DELAY_MASK) * ITR_UNIT_US;
    const waitUs = this.lastAssertUs + intervalUs - this.clock.nowUs();
    if (intervalUs > 0 && waitUs > 0) {
      this.itrTimer = this.clock.schedule(waitUs, () => {
        this.itrTimer = NO_TIMER;
        this.update();
      });
      return;
    }
    this.asserted = true;
    this.lastAssertUs = this.clock.nowUs();
    this.signal();
  }

  /**
   * Cancel `timer` if it is set; returns NO_TIMER for the caller's field. (Each field is
   * named where it is stopped: a computed `this[name]` costs a megamorphic lookup, and
   * this runs for every burst the twin completes.)
   */
  private stop(timer: number): number {
    if (timer !== NO_TIMER) this.clock.cancel(timer);
    return NO_TIMER;
  }
}
