/**
 * Bit positions of the 82574L registers where they differ from the 8254x's or do not
 * exist there, from the 82574 datasheet, written independently of the spec. Bits the two
 * share (RCTL, TCTL, RAH, RXCSUM's offload bits...) come from the e1000 twin's bits.ts.
 */
const bit = (n: number): number => 2 ** n;

/** Device Control: the PCIe master disable handshake before a reset. */
export const CTRL = {
  GIO_MASTER_DISABLE: bit(2),
} as const;

/** Device Status. */
export const STATUS = {
  GIO_MASTER_EN: bit(19),
} as const;

/** NVM control: the auto-read after reset is done. */
export const EECD = {
  AUTO_RD: bit(9),
} as const;

/** EEPROM Read in the 8257x layout (not the 8254x's: DONE is bit 1, ADDR starts at bit 2). */
export const EERD = {
  START: bit(0),
  DONE: bit(1),
  ADDR_SHIFT: 2,
  ADDR_MASK: 0x3fff,
  DATA_SHIFT: 16,
} as const;

/** Interrupt causes the 82574L adds (ICR, ICS, IMS, IMC, IAM, EIAC). */
export const ICR = {
  TXDW: bit(0),
  TXQE: bit(1),
  LSC: bit(2),
  RXDMT0: bit(4),
  RXO: bit(6),
  RXT0: bit(7),
  MDAC: bit(9),
  SRPD: bit(16),
  ACK: bit(17),
  MNG: bit(18),
  RXQ0: bit(20),
  RXQ1: bit(21),
  TXQ0: bit(22),
  TXQ1: bit(23),
  OTHER: bit(24),
  INT_ASSERTED: bit(31),
} as const;

/** Causes that MSI-X reports through the "other" vector. */
export const OTHER_CAUSES = ICR.LSC | ICR.RXO | ICR.MDAC | ICR.SRPD | ICR.ACK | ICR.MNG;
/** Receive and transmit causes of queue n, in MSI-X mode. */
export const RXQ = [ICR.RXQ0, ICR.RXQ1] as const;
export const TXQ = [ICR.TXQ0, ICR.TXQ1] as const;

/** Interrupt Vector Allocation: a 4-bit entry per cause, vector in bits 2:0, bit 3 valid. */
export const IVAR = {
  ENTRY_BITS: 4,
  VECTOR_MASK: 0x7,
  VALID: bit(3),
  /** Entry order: RxQ0, RxQ1, TxQ0, TxQ1, other. */
  RXQ0_ENTRY: 0,
  TXQ0_ENTRY: 2,
  OTHER_ENTRY: 4,
  TX_INT_EVERY_WB: bit(31),
} as const;

/** Extended Device Control. */
export const CTRL_EXT = {
  ASDCHK: bit(12),
  EE_RST: bit(13),
  EIAME: bit(24),
  IAME: bit(27),
  DRV_LOAD: bit(28),
} as const;

/** Receive Filter Control: extended receive descriptors. */
export const RFCTL = {
  EXTEN: bit(15),
} as const;

/** Receive Checksum Control: the packet checksum gives way to the RSS hash. */
export const RXCSUM = {
  PCSD: bit(13),
} as const;

/** Multiple Receive Queues Command. */
export const MRQC = {
  MRQE_MASK: 0x3,
  MRQE_RSS: 1,
  TCPIPV4: bit(16),
  IPV4: bit(17),
} as const;

/** RSS hash types written back in the extended descriptor's MRQ field (bits 3:0). */
export const RSS_TYPE = {
  NONE: 0,
  TCP_IPV4: 1,
  IPV4: 2,
} as const;
/** MRQ bits 12:8: the queue RSS chose (QEMU writes it at bit 8). */
export const MRQ_QUEUE_SHIFT = 8;

/** Redirection table: an entry is one byte; its bit 7 names the queue. */
export const RETA = {
  ENTRIES: 128,
  INDEX_MASK: 0x7f,
  QUEUE_BIT: bit(7),
} as const;

/** Transmit Arbitration Count: the queue may transmit. */
export const TARC = {
  ENABLE: bit(10),
  RESET: 0x403,
} as const;

/** Extended receive descriptor, writeback layout (bytes). */
export const RXD_EXT = {
  MRQ: 0,
  RSS_HASH: 4,
  IP_ID: 4,
  CSUM: 6,
  STATUS_ERROR: 8,
  LENGTH: 12,
  VLAN: 14,
  /** Legacy error byte → bits 31:24 of the status/error double word. */
  ERRORS_SHIFT: 24,
  /** Extended status: the IP identification is valid (PCSD = 0). */
  STATUS_IPIDV: bit(9),
  /** Extended status: UDP checksum computed (besides TCPCS). */
  STATUS_UDPCS: bit(4),
} as const;
