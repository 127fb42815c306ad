/**
 * The internal PHY (Marvell 88E1011 in the 82540EM/82545EM), reached through MDIC at MDIO
 * address 1 only (8254x SDM rev 4.0 §13.4.7, and QEMU 7.2 answers nowhere else). Registers
 * 0-15 are IEEE 802.3 clause 22/40; 16-21 are 88E1011 specific. Link bits follow the
 * twin's link state; PHY_CTRL.LOOPBACK (bit 14) turns transmitted frames around.
 */
import { MDIC } from './bits.js';

export const PHY_ADDRESS = 1;
const PHY_REGISTERS = 32;

export const PHY_REG = {
  CTRL: 0,
  STATUS: 1,
  ID1: 2,
  ID2: 3,
  AUTONEG_ADV: 4,
  LP_ABILITY: 5,
  AUTONEG_EXP: 6,
  GIGA_CTRL: 9,
  GIGA_STATUS: 10,
  EXT_STATUS: 15,
  SPEC_CTRL: 16,
  SPEC_STATUS: 17,
  EXT_SPEC_CTRL: 20,
  RX_ERRORS: 21,
} as const;

/** PHY Control, IEEE 802.3 22.2.4.1. */
export const PHY_CTRL = {
  SPEED_MSB: 1 << 6,
  DUPLEX: 1 << 8,
  RESTART_AN: 1 << 9,
  POWER_DOWN: 1 << 11,
  ANENABLE: 1 << 12,
  LOOPBACK: 1 << 14,
  RESET: 1 << 15,
} as const;

/** PHY Status, IEEE 802.3 22.2.4.2. */
export const PHY_STATUS = {
  EXT_CAPS: 1 << 0,
  LINK: 1 << 2,
  AN_ABILITY: 1 << 3,
  AN_COMPLETE: 1 << 5,
  MF_PREAMBLE: 1 << 6,
  EXT_STATUS: 1 << 8,
  T10_HD: 1 << 11,
  T10_FD: 1 << 12,
  TX100_HD: 1 << 13,
  TX100_FD: 1 << 14,
} as const;

/** 88E1011 PHY Specific Status (register 17): link, resolved, full duplex, 1000 Mb/s. */
const SPEC_STATUS_LINK = 1 << 10;
const SPEC_STATUS_UP_1000_FD = (2 << 14) | (1 << 13) | (1 << 11);

/** Power-on values (88E1011 defaults with auto-negotiation finished at 1000 Mb/s full duplex). */
const RESET_VALUES: [number, number][] = [
  [PHY_REG.CTRL, PHY_CTRL.ANENABLE | PHY_CTRL.DUPLEX | PHY_CTRL.SPEED_MSB],
  [
    PHY_REG.STATUS,
    PHY_STATUS.EXT_CAPS |
      PHY_STATUS.AN_ABILITY |
      PHY_STATUS.AN_COMPLETE |
      PHY_STATUS.MF_PREAMBLE |
      PHY_STATUS.EXT_STATUS |
      PHY_STATUS.T10_HD |
      PHY_STATUS.T10_FD |
      PHY_STATUS.TX100_HD |
      PHY_STATUS.TX100_FD,
  ],
  [PHY_REG.ID1, 0x0141], // Marvell OUI
  [PHY_REG.ID2, 0x0c20], // 88E1011, as the 82540EM reports it
  [PHY_REG.AUTONEG_ADV, 0x0de1], // 802.3 selector, 10/100 half/full, symmetric and asymmetric pause
  [PHY_REG.LP_ABILITY, 0x41e1], // partner: same 10/100 abilities, acknowledged
  [PHY_REG.AUTONEG_EXP, 0x0001], // partner can auto-negotiate
  [PHY_REG.GIGA_CTRL, 0x0300], // advertise 1000BASE-T half and full duplex
  [PHY_REG.GIGA_STATUS, 0x3c00], // partner 1000BASE-T half/full, local and remote receiver OK
  [PHY_REG.EXT_STATUS, 0x3000], // 1000BASE-T half and full duplex capable
  [PHY_REG.SPEC_CTRL, 0x0060], // automatic MDI/MDI-X crossover
];

const READABLE = new Set<number>(Object.values(PHY_REG));
const WRITABLE = new Set<number>([
  PHY_REG.CTRL,
  PHY_REG.AUTONEG_ADV,
  PHY_REG.GIGA_CTRL,
  PHY_REG.SPEC_CTRL,
  PHY_REG.EXT_SPEC_CTRL,
]);
/** PHY_CTRL bits that clear themselves once their action is done (at once, in the twin). */
const CTRL_SELF_CLEARING = PHY_CTRL.RESET | PHY_CTRL.RESTART_AN;

export class Phy {
  private readonly regs = new Uint16Array(PHY_REGISTERS);

  constructor(private readonly linkUp: () => boolean) {
    this.reset();
  }

  reset(): void {
    this.regs.fill(0);
    for (const [reg, value] of RESET_VALUES) this.regs[reg] = value;
  }

  /** Whether the PHY answers a read (unknown registers make MDIC report E). */
  readable(reg: number): boolean {
    return READABLE.has(reg);
  }

  writable(reg: number): boolean {
    return WRITABLE.has(reg);
  }

  read(reg: number): number {
    const link = this.linkUp() && !this.poweredDown;
    if (reg === PHY_REG.STATUS)
      return link ? this.regs[reg] | PHY_STATUS.LINK : this.regs[reg] & ~PHY_STATUS.AN_COMPLETE;
    if (reg === PHY_REG.SPEC_STATUS) return link ? SPEC_STATUS_LINK | SPEC_STATUS_UP_1000_FD : 0;
    return this.regs[reg];
  }

  write(reg: number, value: number): void {
    if (reg === PHY_REG.CTRL && (value & PHY_CTRL.RESET) !== 0) {
      this.reset();
      // A reset keeps the newly written configuration bits except the self-clearing ones.
      this.regs[reg] = value & ~CTRL_SELF_CLEARING;
      return;
    }
    this.regs[reg] = reg === PHY_REG.CTRL ? value & ~CTRL_SELF_CLEARING : value;
  }

  get loopback(): boolean {
    return (this.regs[PHY_REG.CTRL] & PHY_CTRL.LOOPBACK) !== 0;
  }

  get poweredDown(): boolean {
    return (this.regs[PHY_REG.CTRL] & PHY_CTRL.POWER_DOWN) !== 0;
  }
}

/**
 * One MDIO transaction through MDIC (§13.4.7), finished at once: the value MDIC holds
 * afterwards, with R set, DATA read for a read, E set when no PHY answers (any address
 * but PHY_ADDRESS) or the register does not exist or cannot be written.
 */
export function mdicTransaction(phy: Phy, value: number): number {
  const reg = (value >>> MDIC.REGADD_SHIFT) & MDIC.REGADD_MASK;
  const phyAddress = (value >>> MDIC.PHYADD_SHIFT) & MDIC.PHYADD_MASK;
  const op = (value >>> MDIC.OP_SHIFT) & MDIC.OP_MASK;
  let result = value & ~(MDIC.R | MDIC.E);
  if (phyAddress !== PHY_ADDRESS) {
    result |= MDIC.E;
  } else if (op === MDIC.OP_READ) {
    result = phy.readable(reg) ? (result & ~MDIC.DATA_MASK) | phy.read(reg) : result | MDIC.E;
  } else if (op === MDIC.OP_WRITE) {
    if (phy.writable(reg)) phy.write(reg, value & MDIC.DATA_MASK);
    else result |= MDIC.E;
  } else {
    result |= MDIC.E;
  }
  return (result | MDIC.R) >>> 0;
}
