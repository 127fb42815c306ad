/**
 * Descriptor layouts, 16 bytes each, little-endian (8254x SDM rev 4.0 §3.2.3, §3.3.3,
 * §3.3.6, §3.3.7), written independently of the spec.
 */

export const DESC_BYTES = 16;

/** Legacy receive descriptor, §3.2.3. */
export const RXD = {
  ADDR: 0,
  LENGTH: 8,
  CSUM: 10,
  STATUS: 12,
  ERRORS: 13,
  SPECIAL: 14,
  /** Bytes 8..15: what the device writes back. */
  WRITEBACK: 8,
  WRITEBACK_BYTES: 8,
} as const;

/** Receive status bits, §3.2.3.1. */
export const RXD_STATUS = {
  DD: 1 << 0,
  EOP: 1 << 1,
  IXSM: 1 << 2,
  VP: 1 << 3,
  TCPCS: 1 << 5,
  IPCS: 1 << 6,
} as const;

/** Receive error bits, §3.2.3.2. */
export const RXD_ERRORS = {
  TCPE: 1 << 5,
  IPE: 1 << 6,
} as const;

/** Transmit descriptors (every format keeps cmd at 11 and status at 12), §3.3.3. */
export const TXD = {
  ADDR: 0,
  LENGTH: 8,
  /** Legacy: checksum offset. Context/data: DTYP in bits 7:4 (and length bits 19:16). */
  CSO_OR_DTYP: 10,
  CMD: 11,
  STATUS: 12,
  /** Legacy: checksum start. Data: POPTS. Context: HDRLEN. */
  CSS_OR_POPTS: 13,
  SPECIAL: 14,
} as const;

/** Command bits of legacy and data descriptors (DCMD), §3.3.3.1 and §3.3.7.1. */
export const TXD_CMD = {
  EOP: 1 << 0,
  IFCS: 1 << 1,
  /** Legacy: insert checksum. Data/context: TSE. */
  IC_OR_TSE: 1 << 2,
  RS: 1 << 3,
  /** Legacy only: report packet sent (82544). */
  RPS: 1 << 4,
  DEXT: 1 << 5,
  VLE: 1 << 6,
  IDE: 1 << 7,
} as const;

/** Transmit status bits, §3.3.3.2. */
export const TXD_STATUS = {
  DD: 1 << 0,
  EC: 1 << 1,
  LC: 1 << 2,
} as const;

/** DTYP values (bits 7:4 of byte 10) of extended descriptors, §3.3.6/§3.3.7. */
export const DTYP_SHIFT = 4;
export const DTYP_MASK = 0xf;
export const DTYP_CONTEXT = 0;
export const DTYP_DATA = 1;
/** Data descriptor DTALEN / context PAYLEN: 20 bits, §3.3.7. */
export const EXT_LENGTH_MASK = 0xfffff;

/** TCP/IP context descriptor, §3.3.6. */
export const TXCTX = {
  IPCSS: 0,
  IPCSO: 1,
  IPCSE: 2,
  TUCSS: 4,
  TUCSO: 5,
  TUCSE: 6,
} as const;

/** TUCMD bits of the context descriptor (byte 11), §3.3.6.1. */
export const TUCMD = {
  TCP: 1 << 0,
  IP: 1 << 1,
  TSE: 1 << 2,
  RS: 1 << 3,
} as const;

/** POPTS of the first data descriptor (byte 13), §3.3.7.2. */
export const POPTS = {
  IXSM: 1 << 0,
  TXSM: 1 << 1,
} as const;
