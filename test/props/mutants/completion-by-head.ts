/**
 * "A received packet is detected by the descriptor's status.DD bit, never by comparing
 * register values." Two rings that skip the DD check: one takes a slot back as soon as
 * the head register has moved past it, one takes every handed-over slot unconditionally.
 * Only a device that moves its head before writing DD (a late completion, which the
 * generic model injects) tells the first from a correct ring; the second fails anywhere.
 */
import { asRingClass, type Mutant, type RingBase } from './mutant.js';

export const completionByHead: Mutant = {
  name: 'completion-by-head',
  defect: 'completion decided by the head register, not status.DD',
  wrap: (Base) =>
    asRingClass(
      class CompletionByHead extends (Base as RingBase) {
        protected override isDone(slot: number): boolean {
          return slot !== this.deviceHead();
        }
      },
    ),
  rings: ['tx', 'rx'],
  caughtBy: ['tx/model', 'rx/model'],
};

export const completionUnconditional: Mutant = {
  name: 'completion-unconditional',
  defect: 'completion without any DD check',
  wrap: (Base) =>
    asRingClass(
      class CompletionUnconditional extends (Base as RingBase) {
        protected override isDone(): boolean {
          return true;
        }
      },
    ),
  rings: ['tx', 'rx'],
  // The e1000 twin writes every TX slot back within the tail write itself, so on it
  // "done" and "handed over" coincide for TX; RX shows the difference.
  caughtBy: ['tx/model', 'rx/model', 'rx/e1000-twin'],
};
