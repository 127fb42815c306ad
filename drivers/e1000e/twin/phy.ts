/**
 * The 82574L's PHY: the IEEE registers and the Marvell-layout PHY Specific Status behave
 * as the e1000 twin's 88E1011 (same link, loopback and reset behaviour); what differs is
 * its identifier (PHY_ID2 0x0CB1: Marvell OUI, model 0x2B, revision 1) and the page
 * select register (22), which software may write (only page 0, copper, is modelled).
 */
import { Phy, PHY_REG } from '../../e1000/twin/phy.js';

const PHY_ID2_82574 = 0x0cb1;
const PAGE_REG = 22;
const PAGE_MASK = 0xff;

export class Phy82574 extends Phy {
  private page = 0;

  override reset(): void {
    super.reset();
    this.page = 0;
  }

  override readable(reg: number): boolean {
    return reg === PAGE_REG || super.readable(reg);
  }

  override writable(reg: number): boolean {
    return reg === PAGE_REG || super.writable(reg);
  }

  override read(reg: number): number {
    if (reg === PHY_REG.ID2) return PHY_ID2_82574;
    if (reg === PAGE_REG) return this.page;
    return super.read(reg);
  }

  override write(reg: number, value: number): void {
    if (reg === PAGE_REG) this.page = value & PAGE_MASK;
    else super.write(reg, value);
  }
}
