/**
 * 82574L interrupts in two modes.
 *
 * - INTx / MSI (default): the 8254x model (the e1000 twin's E1000Interrupts: ICR, IMS,
 *   RDTR/RADV, TIDV/TADV and ITR moderation), receive and transmit completions of both
 *   queues raising RXT0 and TXDW; each assertion is one message on the device's single
 *   interrupt source.
 * - MSI-X (when software has enabled it; `setMsix`): each queue completes with its own
 *   cause (RXQ0, RXQ1, TXQ0, TXQ1; the rest are "other" and also set OTHER). IVAR routes
 *   each of the five to a vector (entry valid bit), and a cause that is pending and
 *   enabled in IMS sends one message on its vector, at most once per EITR interval of
 *   that vector (later ones are held until the interval ends). A message auto-clears the
 *   causes EIAC names from ICR, and with CTRL_EXT.EIAME masks IAM's from IMS. The delay
 *   timers (RDTR, TIDV...) do not apply in this mode.
 *
 * Every message, in either mode, counts in IAC.
 */
import type { SimClock } from '../../../runtime/sim/clock.js';
import { SimInterruptSource } from '../../../runtime/sim/interrupts.js';
import type { BarFile } from '../../../runtime/sim/register-file.js';
import { DELAY_MASK, ITR_UNIT_US } from '../../e1000/twin/bits.js';
import { E1000Interrupts } from '../../e1000/twin/interrupts.js';
import { CTRL_EXT, ICR, IVAR, OTHER_CAUSES, RXQ, TXQ } from './bits.js';
import { MSIX_VECTORS, REG, STAT_EXTRA, WORD_BYTES } from './registers.js';

const NO_TIMER = 0;
/** The five MSI-X causes in IVAR entry order. */
const MSIX_CAUSES = [ICR.RXQ0, ICR.RXQ1, ICR.TXQ0, ICR.TXQ1, ICR.OTHER] as const;

export type RxInterrupts = Pick<E1000Interrupts, 'rxFrameDone' | 'raise'>;
export type TxInterrupts = Pick<E1000Interrupts, 'txDescriptorDone' | 'raise'>;

export class E1000eInterrupts {
  /** Causes, mask and the INTx/MSI moderation: the 8254x logic. */
  readonly base: E1000Interrupts;
  private msix = false;
  private readonly sources: SimInterruptSource[];
  private readonly lastMessageUs = new Float64Array(MSIX_VECTORS).fill(-Infinity);
  private readonly held = new Uint8Array(MSIX_VECTORS);
  private readonly timers = new Float64Array(MSIX_VECTORS);
  /** Messages sent per vector (MSI-X) since power-on. */
  readonly messages = new Float64Array(MSIX_VECTORS);

  constructor(
    private readonly file: BarFile,
    private readonly clock: SimClock,
    signal: () => void,
  ) {
    this.base = new E1000Interrupts(file, clock, () => {
      this.countMessage();
      signal();
    });
    this.sources = Array.from({ length: MSIX_VECTORS }, () => new SimInterruptSource(clock));
  }

  /** Software enabled (or disabled) MSI-X in the function's PCI capability. */
  setMsix(on: boolean): void {
    this.msix = on;
  }

  get msixEnabled(): boolean {
    return this.msix;
  }

  /** The interrupt source of MSI-X vector `n` (an eventfd on VFIO). */
  vector(n: number): SimInterruptSource {
    return this.sources[n];
  }

  /** Completion reporting for receive queue `q`. */
  rxQueue(q: number): RxInterrupts {
    return {
      rxFrameDone: () => (this.msix ? this.raise(RXQ[q]) : this.base.rxFrameDone()),
      raise: (causes) => this.raise(causes),
    };
  }

  /** Completion reporting for transmit queue `q`. */
  txQueue(q: number): TxInterrupts {
    return {
      txDescriptorDone: (delayed) =>
        this.msix ? this.raise(TXQ[q]) : this.base.txDescriptorDone(delayed),
      raise: (causes) => this.raise(causes),
    };
  }

  /** Set `causes` in ICR and deliver what is enabled, by the mode in force. */
  raise(causes: number): void {
    if (!this.msix) {
      this.base.raise(causes);
      return;
    }
    const withOther = causes & OTHER_CAUSES ? causes | ICR.OTHER : causes;
    this.file.setBits(REG.ICR, withOther);
    this.notifyPending();
  }

  /** A software write to IMS: enabling a cause may release a pending message. */
  enable(mask: number): void {
    this.base.enable(mask);
    if (this.msix) this.notifyPending();
  }

  reset(): void {
    this.base.reset();
    for (let v = 0; v < MSIX_VECTORS; v++) this.cancel(v);
    this.held.fill(0);
    this.lastMessageUs.fill(-Infinity);
  }

  /** Every MSI-X cause pending in ICR and enabled in IMS goes to its vector. */
  private notifyPending(): void {
    const pending = this.file.peek(REG.ICR) & this.file.peek(REG.IMS);
    const ivar = this.file.peek(REG.IVAR);
    for (let entry = 0; entry < MSIX_CAUSES.length; entry++) {
      const cause = MSIX_CAUSES[entry];
      if ((pending & cause) === 0) continue;
      const field = (ivar >>> (entry * IVAR.ENTRY_BITS)) & ((1 << IVAR.ENTRY_BITS) - 1);
      if ((field & IVAR.VALID) === 0) continue; // an unrouted cause sends nothing
      this.send(field & IVAR.VECTOR_MASK, cause);
    }
  }

  /** One message on `vector` for `cause`, unless its EITR interval holds it. */
  private send(vector: number, cause: number): void {
    if (vector >= MSIX_VECTORS) return;
    const intervalUs = (this.file.peek(REG.EITR0 + vector * WORD_BYTES) & DELAY_MASK) * ITR_UNIT_US;
    const waitUs = this.lastMessageUs[vector] + intervalUs - this.clock.nowUs();
    if (intervalUs > 0 && waitUs > 0) {
      this.held[vector] = 1;
      if (this.timers[vector] === NO_TIMER) {
        this.timers[vector] = this.clock.schedule(waitUs, () => {
          this.timers[vector] = NO_TIMER;
          if (this.held[vector]) this.notifyPending();
        });
      }
      return;
    }
    this.held[vector] = 0;
    this.lastMessageUs[vector] = this.clock.nowUs();
    this.messages[vector]++;
    this.countMessage();
    this.autoClear(cause);
    this.sources[vector].signal();
  }

  /** EIAC clears the cause from ICR; with EIAME, IAM's bits for it leave IMS. */
  private autoClear(cause: number): void {
    const eiac = this.file.peek(REG.EIAC) & cause;
    if (eiac) this.file.clearBits(REG.ICR, eiac);
    if (this.file.peek(REG.CTRL_EXT) & CTRL_EXT.EIAME)
      this.file.clearBits(REG.IMS, this.file.peek(REG.IAM) & cause);
  }

  private countMessage(): void {
    this.file.addSaturating(STAT_EXTRA.IAC, 1);
  }

  private cancel(vector: number): void {
    if (this.timers[vector] !== NO_TIMER) this.clock.cancel(this.timers[vector]);
    this.timers[vector] = NO_TIMER;
  }
}
