/**
 * 82574L register offsets in BAR 0 the twin models beyond the 8254x's, written from the
 * 82574 datasheet's register summary independently of drivers/e1000e/e1000e.nicdl (the
 * twin models the hardware; a spec that misplaces a register fails on it). Registers at
 * the same offset as on the 8254x (filters, statistics, queue 0's rings, the moderation
 * timers) come from the e1000 twin's map.
 */
import { REG as E1000_REG } from '../../e1000/twin/registers.js';
import type { RingRegisters } from '../../e1000/twin/ring-registers.js';

export const REG = {
  ...E1000_REG,
  /** Extended Interrupt Auto Clear. */
  EIAC: 0x00dc,
  /** Interrupt Acknowledge Auto Mask. */
  IAM: 0x00e0,
  /** Interrupt Vector Allocation. */
  IVAR: 0x00e4,
  /** Extended Interrupt Throttling, vector 0 (then one word per vector). */
  EITR0: 0x00e8,
  /** Receive Filter Control. */
  RFCTL: 0x5008,
  /** Multiple Receive Queues Command. */
  MRQC: 0x5818,
  /** Redirection Table, 32 words. */
  RETA: 0x5c00,
  /** RSS Random Key, 10 words. */
  RSSRK: 0x5c80,
  /** Transmit Arbitration Count, queue 0 (queue 1 is QUEUE_STRIDE above). */
  TARC0: 0x3840,
  /** Receive / Transmit Descriptor Control, queue 0. */
  RXDCTL: 0x2828,
  TXDCTL: 0x3828,
} as const;

/** Queue n's ring registers sit n x 0x100 above queue 0's. */
export const QUEUE_STRIDE = 0x100;
export const QUEUES = 2;
export const MSIX_VECTORS = 5;
export const RETA_WORDS = 32;
export const RSS_KEY_WORDS = 10;
export const WORD_BYTES = 4;

/** Ring registers of receive queue `q`. */
export function rxRing(q: number): RingRegisters {
  const o = q * QUEUE_STRIDE;
  return {
    baseLo: REG.RDBAL + o,
    baseHi: REG.RDBAH + o,
    length: REG.RDLEN + o,
    head: REG.RDH + o,
    tail: REG.RDT + o,
  };
}

/** Ring registers of transmit queue `q`. */
export function txRing(q: number): RingRegisters {
  const o = q * QUEUE_STRIDE;
  return {
    baseLo: REG.TDBAL + o,
    baseHi: REG.TDBAH + o,
    length: REG.TDLEN + o,
    head: REG.TDH + o,
    tail: REG.TDT + o,
  };
}

/** The interrupt statistics the 82574L adds after the 8254x block; clear on read. */
export const STAT_EXTRA = {
  IAC: 0x4100,
  ICRXPTC: 0x4104,
  ICRXATC: 0x4108,
  ICTXPTC: 0x410c,
  ICTXATC: 0x4110,
  ICTXQEC: 0x4118,
  ICTXQMTC: 0x411c,
  ICRXDMTC: 0x4120,
  ICRXOC: 0x4124,
} as const;
