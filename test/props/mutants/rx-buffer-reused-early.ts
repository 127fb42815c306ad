/**
 * Not in the original report, but the rule it breaks is one of the suite's: an RX buffer
 * is never posted again before its consumer released it. A driver that refills with a
 * buffer as soon as the ring returns it — while the frame in it is still being read.
 */
import type { Mutant } from './mutant.js';

export const rxBufferReusedEarly: Mutant = {
  name: 'rx-buffer-reused-early',
  defect: 'an RX buffer posted again before its consumer released it',
  driver: { recycleBeforeRelease: true },
  rings: ['rx'],
  caughtBy: ['rx/model', 'rx/e1000-twin'],
};
