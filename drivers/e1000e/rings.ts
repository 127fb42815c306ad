/**
 * The 82574L's rings. Queue n's five ring registers sit n x stride above queue 0's (the
 * spec's rx1/tx1 against rx0/tx0; the stride is read from the generated layouts and
 * checked, for all ten registers, when this module loads), so queue n is queue 0's ring
 * class on a view of BAR 0 shifted by n x stride.
 *
 * - Transmit: queue 0 is the 8254x transmit ring (same registers, descriptors, post and
 *   completion; see test/drivers/e1000e/spec.test.ts), so the e1000's generated TxRing
 *   serves both queues and the e1000's TxQueue drives them unchanged.
 * - Receive: the spec's rx0 (extended descriptors). The e1000 RxQueue reads five
 *   written-back fields per slot (DD, EOP, length, status, errors); the extended writeback
 *   has them with the legacy bit meanings (status low byte, errors = bits 31:24), so its
 *   codec is what RxQueue finds as `rxLegacy`.
 */
import type { DmaAllocator, Mmio } from '../../runtime/types.js';
import type { RingLayout, RingOptions } from '../../runtime/index.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { TX_RING_LAYOUT, TxRing } from '../e1000/generated/index.js';
import {
  RX0_RING_LAYOUT,
  RX1_RING_LAYOUT,
  Rx0Ring,
  TX0_RING_LAYOUT,
  TX1_RING_LAYOUT,
} from './generated/index.js';

const ROLES = ['baseLo', 'baseHi', 'length', 'head', 'tail'] as const;
const shifts = (a: RingLayout, b: RingLayout) => ROLES.map((r) => b.registers[r] - a.registers[r]);

/** Byte distance between queue 1's ring registers and queue 0's. */
export const QUEUE_STRIDE = checkedStride();

function checkedStride(): number {
  const all = [
    ...shifts(TX0_RING_LAYOUT, TX1_RING_LAYOUT),
    ...shifts(RX0_RING_LAYOUT, RX1_RING_LAYOUT),
  ];
  if (all.some((s) => s !== all[0]) || shifts(TX_RING_LAYOUT, TX0_RING_LAYOUT).some((s) => s)) {
    throw new NicdlError(
      'E_SPEC_LAYOUT',
      'e1000e rings: tx0 must sit at the e1000 tx registers and every queue-1 register one stride above queue 0 (regenerate both drivers)',
      ExitCode.internal,
      { shifts: all },
    );
  }
  return all[0];
}

/** BAR 0 as queue `n`'s ring registers see it: every offset moved up by n x QUEUE_STRIDE. */
export class QueueMmio implements Mmio {
  constructor(
    private readonly bar: Mmio,
    private readonly shift: number,
  ) {}

  get size(): number {
    return this.bar.size;
  }

  read32(offset: number): number {
    return this.bar.read32(offset + this.shift);
  }

  write32(offset: number, value: number): void {
    this.bar.write32(offset + this.shift, value);
  }
}

const queueBar = (bar: Mmio, queue: number): Mmio =>
  queue === 0 ? bar : new QueueMmio(bar, queue * QUEUE_STRIDE);

/** Transmit queue `queue`: the 8254x ring on its registers. */
export function allocateTxRing(
  bar: Mmio,
  dma: DmaAllocator,
  queue: number,
  options: RingOptions,
): TxRing {
  return TxRing.allocate(queueBar(bar, queue), dma, options);
}

/** A receive queue with its writeback codec where the e1000 RxQueue looks for it. */
export class ExtendedRxRing extends Rx0Ring {
  get rxLegacy() {
    return this.rxExtendedWriteback;
  }
}

/** Receive queue `queue` (extended descriptors). */
export function allocateRxRing(
  bar: Mmio,
  dma: DmaAllocator,
  queue: number,
  options: RingOptions,
): ExtendedRxRing {
  return new ExtendedRxRing(
    queueBar(bar, queue),
    ExtendedRxRing.allocateRegion(RX0_RING_LAYOUT, dma, options),
    options,
  );
}
