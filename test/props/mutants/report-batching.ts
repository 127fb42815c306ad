/**
 * Batched status reports (RingOptions.reportEvery > 1): the device writes DD back only
 * for descriptors with RS, so a ring that reports every Nth descriptor must still end
 * every flush on a reported one and take a slot back only once the reported slot
 * covering it is done. Two rings that break it:
 * - one that never sets RS after posting (flush() leaves the last slot handed over
 *   unreported): the device would never say those slots are done;
 * - one that takes a slot posted without RS back at once, since "there is no DD to wait
 *   for": its buffer returns while the device may still read it. The e1000 twin processes
 *   every descriptor within the tail write, so only the model, whose device steps the
 *   suite controls, can catch it early.
 * Neither shows with reportEvery 1, where every descriptor reports.
 */
import { asRingClass, type Mutant, type RingBase } from './mutant.js';

export const reportForgottenOnFlush: Mutant = {
  name: 'report-forgotten-on-flush',
  defect: 'flush() hands slots over without RS on the last one',
  wrap: (Base) =>
    asRingClass(
      class ReportForgottenOnFlush extends (Base as RingBase) {
        protected override setReport(): void {}
      },
    ),
  rings: ['tx'],
  caughtBy: ['tx/model', 'tx/e1000-twin'],
};

export const unreportedSlotTakenEarly: Mutant = {
  name: 'unreported-slot-taken-early',
  defect: 'a slot posted without RS is taken back without waiting for a covering DD',
  wrap: (Base) =>
    asRingClass(
      class UnreportedSlotTakenEarly extends (Base as RingBase) {
        protected override slotDone(slot: number): boolean {
          return !this.reportsAt(slot) || super.slotDone(slot);
        }
      },
    ),
  rings: ['tx'],
  caughtBy: ['tx/model'],
  passes: ['tx/e1000-twin'],
};
