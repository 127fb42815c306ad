/**
 * "TX tail read back from TDT then +1." A ring that, for every frame it posts, reads the
 * tail register, adds one and writes it back, instead of keeping its tail in memory.
 */
import { asRingClass, type Mutant, type RingBase } from './mutant.js';

export const tailReadBack: Mutant = {
  name: 'tail-read-back',
  defect: 'TX tail read back from TDT then +1',
  wrap: (Base) =>
    asRingClass(
      class TailReadBack extends (Base as RingBase) {
        override post(iova: number, length: number, cookie?: number, last?: boolean): boolean {
          const ok = super.post(iova, length, cookie, last);
          if (ok) {
            const tail = this.layout.registers.tail;
            this.mmio.write32(tail, this.mmio.read32(tail) + 1);
          }
          return ok;
        }
      },
    ),
  rings: ['tx'],
  caughtBy: ['tx/model', 'tx/e1000-twin'],
};
