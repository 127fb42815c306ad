/**
 * 8254x facts the driver needs that e1000.nicdl does not carry as constants: units of
 * timer fields, the RCTL buffer-size table, the long-packet limits, the multicast hash
 * window, and the one QEMU behaviour drivers must plan for. Every offset, bit and field
 * width still comes from the generated code; these are the datasheet's numbers *about*
 * those fields. Section numbers are the 8254x SDM rev 4.0's.
 */
import { MTA, RctlBsize, RctlMo, StatusSpeed } from './generated/index.js';

/** ITR.INTERVAL counts 256 ns units (8254x SDM §13.4.18). */
export const ITR_UNIT_NS = 256;
/** RDTR, RADV, TIDV and TADV count 1.024 µs units (8254x SDM §13.4.30, §13.4.31, §13.4.41, §13.4.44). */
export const DELAY_UNIT_NS = 1024;
/** TIDV must not be 0 (8254x SDM §13.4.41): the smallest value, one unit. */
export const TIDV_MIN_UNITS = 1;

/** RCTL.BSEX multiplies the BSIZE buffer size by 16 (8254x SDM §13.4.22). */
export const BSEX_MULTIPLIER = 16;

/** Frames longer than this (CRC included) need RCTL.LPE (8254x SDM §13.4.22, 802.3 + VLAN tag). */
export const LONG_PACKET_THRESHOLD_BYTES = 1522;
/** The longest frame LPE admits, CRC included (8254x SDM §13.4.22: "up to 16384 bytes"). */
export const LONG_PACKET_MAX_BYTES = 16384;
/** Ethernet frame check sequence, appended by the MAC on TX and stripped with RCTL.SECRC. */
export const FCS_BYTES = 4;

/** One way RCTL can describe a receive buffer size. */
export interface RxBufferEncoding {
  bytes: number;
  bsize: RctlBsize;
  bsex: 0 | 1;
}

/**
 * Every receive buffer size RCTL can select (8254x SDM §13.4.22, table under BSIZE):
 * BSIZE names its size with BSEX = 0 (B2048 = 2048 bytes); BSEX = 1 multiplies it by 16
 * and makes B2048 reserved. The byte counts come from the generated enum's names.
 */
export const RX_BUFFER_ENCODINGS: readonly RxBufferEncoding[] = (() => {
  const out: RxBufferEncoding[] = [];
  for (const [name, bsize] of Object.entries(RctlBsize) as [string, RctlBsize][]) {
    const bytes = Number(name.slice(1));
    out.push({ bytes, bsize, bsex: 0 });
    if (bsize !== RctlBsize.B2048) out.push({ bytes: bytes * BSEX_MULTIPLIER, bsize, bsex: 1 });
  }
  return out.sort((a, b) => a.bytes - b.bytes);
})();

/**
 * RCTL.MO picks which 12 destination-address bits index the MTA (8254x SDM §13.4.22,
 * §13.5.1): the right shift applied to address bytes 5:4 taken as one 16-bit value
 * (byte 5 high), i.e. the window's lowest address bit minus 32.
 */
export const MTA_HASH_SHIFT: Readonly<Record<RctlMo, number>> = {
  [RctlMo.BITS_47_36]: 4,
  [RctlMo.BITS_46_35]: 3,
  [RctlMo.BITS_45_34]: 2,
  [RctlMo.BITS_43_32]: 0,
};
/** Bits in one MTA or VFTA entry (32-bit registers, §13.5.1, §13.5.4). */
export const FILTER_BITS_PER_ENTRY = 32;
/** Hash buckets of the multicast table: MTA count x 32 = 4096 (§13.5.1). */
export const MTA_HASH_BUCKETS = MTA.count * FILTER_BITS_PER_ENTRY;

/** STATUS.SPEED / PHY speed encodings in Mb/s (8254x SDM §13.4.2). */
export const SPEED_MBPS: Readonly<Record<number, number>> = {
  [StatusSpeed.S10]: 10,
  [StatusSpeed.S100]: 100,
  [StatusSpeed.S1000]: 1000,
};

/**
 * QEMU 7.2's e1000 ignores received frames for 1 s of virtual time after any RCTL write
 * (shared/docs/hardware.md). Not in the datasheet: the driver writes RCTL once at
 * bring-up and waits this long where a later write is unavoidable (MAC loopback).
 */
export const QEMU_RCTL_QUIET_US = 1_000_000;
