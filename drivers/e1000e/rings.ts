/**
 * The 82574L's rings, built so the 8254x queue code drives them unchanged.
 *
 * - Transmit: each queue is the 8254x transmit ring (same descriptors, post, completion;
 *   the spec's tx0 and tx1 say so) at queue 0's registers + n x stride. So queue n is
 *   the e1000's generated TxRing on a view of BAR 0 shifted by n x stride; the stride
 *   comes from the generated layouts (tx1 − tx0) and the equivalences are checked here
 *   when the module loads, and against both IRs in test/drivers/e1000e.
 * - Receive: the spec's own rx0/rx1 (extended descriptors). The e1000 RxQueue reads five
 *   written-back fields per slot (DD, EOP, length, status, errors); the extended
 *   writeback has them with the same bit meanings (status low byte = legacy status,
 *   errors byte = bits 31:24), so the writeback codec is handed to it as `rxLegacy`.
 */
import type { DmaAllocator, Mmio } from '../../runtime/types.js';
import { DescriptorRing, type RingOptions } from '../../runtime/index.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { TX_RING_LAYOUT, TxRing } from '../e1000/generated/index.js';
import {
  RX0_RING_LAYOUT,
  RX1_RING_LAYOUT,
  Rx0Ring,
  Rx1Ring,
  TX0_RING_LAYOUT,
  TX1_RING_LAYOUT,
} from './generated/index.js';

const ROLES = ['baseLo', 'baseHi', 'length', 'head', 'tail'] as const;

/** Byte distance between queue 1's transmit registers and queue 0's (the same for all five). */
export const QUEUE_STRIDE = uniformShift();

function uniformShift(): number {
  const shifts = ROLES.map((r) => TX1_RING_LAYOUT.registers[r] - TX0_RING_LAYOUT.registers[r]);
  const e1000Same = ROLES.every(
    (r) => TX_RING_LAYOUT.registers[r] === TX0_RING_LAYOUT.registers[r],
  );
  if (!e1000Same || shifts.some((s) => s !== shifts[0])) {
    throw new NicdlError(
      'E_SPEC_LAYOUT',
      'e1000e tx rings: tx0 must sit at the e1000 tx ring registers and tx1 at one fixed distance above (regenerate both drivers)',
      ExitCode.internal,
      { shifts },
    );
  }
  return shifts[0];
}

/** BAR 0 as queue `n`'s registers see it: every offset moved up by n x QUEUE_STRIDE. */
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

/** Transmit queue `queue`: the 8254x ring on its registers. */
export function allocateTxRing(
  bar: Mmio,
  dma: DmaAllocator,
  queue: number,
  options: RingOptions,
): TxRing {
  return TxRing.allocate(
    queue === 0 ? bar : new QueueMmio(bar, queue * QUEUE_STRIDE),
    dma,
    options,
  );
}

/** Receive queue 0 with its writeback codec where the e1000 RxQueue looks for it. */
class Rx0 extends Rx0Ring {
  get rxLegacy() {
    return this.rxExtendedWriteback;
  }
}

/** Receive queue 1, the same. */
class Rx1 extends Rx1Ring {
  get rxLegacy() {
    return this.rxExtendedWriteback;
  }
}

export type ExtendedRxRing = Rx0 | Rx1;

/** Receive queue `queue` (extended descriptors). */
export function allocateRxRing(
  bar: Mmio,
  dma: DmaAllocator,
  queue: number,
  options: RingOptions,
): ExtendedRxRing {
  if (queue === 0)
    return new Rx0(bar, DescriptorRing.allocateRegion(RX0_RING_LAYOUT, dma, options), options);
  return new Rx1(bar, DescriptorRing.allocateRegion(RX1_RING_LAYOUT, dma, options), options);
}
