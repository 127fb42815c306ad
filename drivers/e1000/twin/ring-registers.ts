/**
 * The five registers of one descriptor ring, by BAR offset. The e1000 has one receive
 * and one transmit ring (below); a device with more queues (the 82574L twin) gives each
 * engine its own set, the engines themselves being the same.
 */
import { REG } from './registers.js';

export interface RingRegisters {
  baseLo: number;
  baseHi: number;
  /** Ring length in bytes (xDLEN). */
  length: number;
  head: number;
  tail: number;
}

/** The transmit ring, §13.4.36-40. */
export const TX_RING: RingRegisters = {
  baseLo: REG.TDBAL,
  baseHi: REG.TDBAH,
  length: REG.TDLEN,
  head: REG.TDH,
  tail: REG.TDT,
};

/** The receive ring, §13.4.25-29. */
export const RX_RING: RingRegisters = {
  baseLo: REG.RDBAL,
  baseHi: REG.RDBAH,
  length: REG.RDLEN,
  head: REG.RDH,
  tail: REG.RDT,
};
