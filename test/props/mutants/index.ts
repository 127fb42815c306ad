/**
 * Every planted defect the ring suite must catch (test/props/mutants.test.ts): the five of
 * shared/docs/hardware.md (the completion defect in two forms), one more rule of the suite,
 * two self-consistent spec mistakes only the e1000 twin can see, and two breaches of
 * batched status reports.
 */
import { completionByHead, completionUnconditional } from './completion-by-head.js';
import { frameLargerThanBuffer } from './frame-larger-than-buffer.js';
import type { Mutant } from './mutant.js';
import { reportForgottenOnFlush, unreportedSlotTakenEarly } from './report-batching.js';
import { rsAtBit2 } from './rs-at-bit-2.js';
import { rxBufferReusedEarly } from './rx-buffer-reused-early.js';
import { softwareWritesHead } from './software-writes-head.js';
import { rxLengthMisplaced, tailRegisterMisplaced } from './spec-layout.js';
import { tailReadBack } from './tail-read-back.js';

export type { Mutant } from './mutant.js';

export const MUTANTS: readonly Mutant[] = [
  softwareWritesHead,
  rsAtBit2,
  tailReadBack,
  completionByHead,
  completionUnconditional,
  frameLargerThanBuffer,
  rxBufferReusedEarly,
  tailRegisterMisplaced,
  rxLengthMisplaced,
  reportForgottenOnFlush,
  unreportedSlotTakenEarly,
];
