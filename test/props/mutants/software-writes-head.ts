/**
 * "RX ownership reversed. It writes RDH." A ring whose flush, after handing buffers over
 * with the tail, also moves the head to match — as if software owned it.
 */
import { asRingClass, type Mutant, type RingBase } from './mutant.js';

export const softwareWritesHead: Mutant = {
  name: 'software-writes-head',
  defect: 'RX ownership reversed: software writes RDH',
  wrap: (Base) =>
    asRingClass(
      class WritesHead extends (Base as RingBase) {
        override flush(): void {
          super.flush();
          this.mmio.write32(this.layout.registers.head, this.tail);
        }
      },
    ),
  rings: ['rx'],
  caughtBy: ['rx/model', 'rx/e1000-twin'],
};
