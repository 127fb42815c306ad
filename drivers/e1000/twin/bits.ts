/**
 * Bit positions of the e1000 registers the twin models, from the 8254x SDM rev 4.0
 * (section per register). Written independently of the spec, on purpose.
 */

const bit = (n: number): number => 2 ** n;

/** Device Control, §13.4.1. */
export const CTRL = {
  FD: bit(0),
  SLU: bit(6),
  SPEED_1000: 2 * bit(8),
  RST: bit(26),
  VME: bit(30),
  PHY_RST: bit(31),
} as const;

/** Device Status, §13.4.2. */
export const STATUS = {
  FD: bit(0),
  LU: bit(1),
  SPEED_1000: 2 * bit(6),
} as const;

/** EEPROM/Flash Control, §13.4.3 (bit-banged access is not modelled, only its handshake). */
export const EECD = {
  SK: bit(0),
  CS: bit(1),
  DI: bit(2),
  FWE_MASK: 3 * bit(4),
  EE_REQ: bit(6),
  EE_GNT: bit(7),
  EE_PRES: bit(8),
} as const;

/** EEPROM Read, §13.4.4, in the 82540EP/EM and 82545 layout. */
export const EERD = {
  START: bit(0),
  DONE: bit(4),
  ADDR_SHIFT: 8,
  ADDR_MASK: 0xff,
  DATA_SHIFT: 16,
} as const;

/** MDI Control, §13.4.7. */
export const MDIC = {
  DATA_MASK: 0xffff,
  REGADD_SHIFT: 16,
  REGADD_MASK: 0x1f,
  PHYADD_SHIFT: 21,
  PHYADD_MASK: 0x1f,
  OP_SHIFT: 26,
  OP_MASK: 0x3,
  OP_WRITE: 1,
  OP_READ: 2,
  R: bit(28),
  I: bit(29),
  E: bit(30),
} as const;

/** Interrupt causes: ICR, ICS, IMS and IMC share this layout, §13.4.17. */
export const ICR = {
  TXDW: bit(0),
  TXQE: bit(1),
  LSC: bit(2),
  RXDMT0: bit(4),
  RXO: bit(6),
  RXT0: bit(7),
  MDAC: bit(9),
} as const;

/** Receive Control, §13.4.22. */
export const RCTL = {
  EN: bit(1),
  SBP: bit(2),
  UPE: bit(3),
  MPE: bit(4),
  LPE: bit(5),
  LBM_SHIFT: 6,
  LBM_MASK: 0x3,
  RDMTS_SHIFT: 8,
  RDMTS_MASK: 0x3,
  MO_SHIFT: 12,
  MO_MASK: 0x3,
  BAM: bit(15),
  BSIZE_SHIFT: 16,
  BSIZE_MASK: 0x3,
  VFE: bit(18),
  BSEX: bit(25),
  SECRC: bit(26),
} as const;

/** Transmit Control, §13.4.33. */
export const TCTL = {
  EN: bit(1),
  PSP: bit(3),
  SWXOFF: bit(22),
} as const;

/** Receive Address High, §13.5.3. */
export const RAH = {
  ADDR_MASK: 0xffff,
  AV: bit(31),
} as const;

/** Receive Checksum Control, §13.4.47. */
export const RXCSUM = {
  PCSS_MASK: 0xff,
  IPOFLD: bit(8),
  TUOFLD: bit(9),
} as const;

/** Receive Delay Timer, §13.4.30: FPD flushes the pending delay. */
export const RDTR = {
  DELAY_MASK: 0xffff,
  FPD: bit(31),
} as const;

/** Ring registers: heads and tails are 16 bits, §13.4.28/§13.4.39. */
export const RING_INDEX_MASK = 0xffff;
/** xDLEN keeps bits 19:7: a multiple of 128 bytes, §13.4.27/§13.4.38. */
export const RING_LENGTH_MASK = 0xfff80;
/** xDBAL bits 3:0 are ignored: descriptors are 16-byte aligned, §13.4.25. */
export const RING_BASE_LOW_MASK = 0xffff_fff0;
/** ITR, RDTR, RADV, TIDV and TADV keep a 16-bit interval, §13.4.18/§13.4.30-31/§13.4.41/§13.4.44. */
export const DELAY_MASK = 0xffff;
/** Timer units: RDTR, RADV, TIDV, TADV count 1.024 us; ITR counts 256 ns. */
export const DELAY_UNIT_US = 1.024;
export const ITR_UNIT_US = 0.256;
