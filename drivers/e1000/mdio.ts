/**
 * The internal PHY's registers, one MDIO transaction at a time through MDIC (8254x SDM
 * §13.4.7), using the spec's mdic_read / mdic_write sequences: they write MDIC and poll
 * MDIC.R with the spec's time limit. A PHY that never answers is E_TIMEOUT naming MDIC;
 * one that answers with MDIC.E set (no PHY at that address, unknown register) is E_PHY.
 */
import type { Clock, Mmio } from '../../runtime/types.js';
import { ExitCode, NicdlError } from '../../spec/errors.js';
import { MDIC, mdic_read, mdic_write, type Registers } from './generated/index.js';
import { asRegisterTimeout } from './errors.js';

/** A PHY register as the spec declares it in `space phy`. */
export interface PhyRegister {
  name: string;
  offset: number;
}

export class Mdio {
  constructor(
    private readonly mmio: Mmio,
    private readonly regs: Registers,
    private readonly clock: Clock,
  ) {}

  /** Read PHY register `reg` (8254x SDM §13.4.7: write REGADD/PHYADD/OP=READ, poll R, take DATA). */
  async read(reg: PhyRegister): Promise<number> {
    try {
      await mdic_read(this.mmio, this.clock, { reg: reg.offset });
    } catch (e) {
      throw asRegisterTimeout(e, 'MDIC', `PHY read of ${reg.name}`);
    }
    return this.result(reg, 'read');
  }

  /** Write `value` to PHY register `reg` (8254x SDM §13.4.7: DATA, REGADD/PHYADD/OP=WRITE, poll R). */
  async write(reg: PhyRegister, value: number): Promise<void> {
    try {
      await mdic_write(this.mmio, this.clock, { reg: reg.offset, value });
    } catch (e) {
      throw asRegisterTimeout(e, 'MDIC', `PHY write of ${reg.name}`);
    }
    this.result(reg, 'write');
  }

  /** MDIC after R came back: E means the transaction failed (§13.4.7). */
  private result(reg: PhyRegister, op: 'read' | 'write'): number {
    const mdic = this.regs.MDIC.read();
    if (MDIC.E.get(mdic)) {
      throw new NicdlError(
        'E_PHY',
        `PHY ${op} of ${reg.name} (register ${reg.offset}) failed: MDIC.E set, the PHY did not answer`,
        ExitCode.deviceFault,
        {
          register: reg.name,
          phyRegister: reg.offset,
          mdic,
        },
      );
    }
    return MDIC.DATA.get(mdic);
  }
}
