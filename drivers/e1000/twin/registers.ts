/**
 * e1000 register offsets in BAR 0, written from the 8254x SDM rev 4.0 (§13.2, Table
 * 13-2), independently of drivers/e1000/e1000.nicdl: the twin models the hardware, so a
 * spec that puts a register at the wrong offset is caught by the twin as it would be
 * by the device.
 */

export const REG = {
  CTRL: 0x0000, // §13.4.1
  STATUS: 0x0008, // §13.4.2
  EECD: 0x0010, // §13.4.3
  EERD: 0x0014, // §13.4.4
  CTRL_EXT: 0x0018, // §13.4.6
  MDIC: 0x0020, // §13.4.7
  VET: 0x0038, // §13.4.11
  ICR: 0x00c0, // §13.4.17
  ITR: 0x00c4, // §13.4.18
  ICS: 0x00c8, // §13.4.19
  IMS: 0x00d0, // §13.4.20
  IMC: 0x00d8, // §13.4.21
  RCTL: 0x0100, // §13.4.22
  TCTL: 0x0400, // §13.4.33
  RDBAL: 0x2800, // §13.4.25
  RDBAH: 0x2804, // §13.4.26
  RDLEN: 0x2808, // §13.4.27
  RDH: 0x2810, // §13.4.28
  RDT: 0x2818, // §13.4.29
  RDTR: 0x2820, // §13.4.30
  RADV: 0x282c, // §13.4.31
  TDBAL: 0x3800, // §13.4.36
  TDBAH: 0x3804, // §13.4.37
  TDLEN: 0x3808, // §13.4.38
  TDH: 0x3810, // §13.4.39
  TDT: 0x3818, // §13.4.40
  TIDV: 0x3820, // §13.4.41
  TADV: 0x382c, // §13.4.44
  RXCSUM: 0x5000, // §13.4.47
  MTA: 0x5200, // §13.5.1, 128 entries
  RAL0: 0x5400, // §13.5.2, 16 entries
  RAH0: 0x5404, // §13.5.3
  VFTA: 0x5600, // §13.5.4, 128 entries
} as const;

export const MTA_ENTRIES = 128;
export const VFTA_ENTRIES = 128;
export const RECEIVE_ADDRESSES = 16;
/** RAL[n]/RAH[n] pairs are 8 bytes apart. */
export const RECEIVE_ADDRESS_STRIDE = 8;
export const WORD_BYTES = 4;

/** Statistics registers, §13.7. All clear on read; 64-bit ones are low/high pairs. */
export const STAT = {
  CRCERRS: 0x4000,
  ALGNERRC: 0x4004,
  SYMERRS: 0x4008,
  RXERRC: 0x400c,
  MPC: 0x4010,
  SCC: 0x4014,
  ECOL: 0x4018,
  MCC: 0x401c,
  LATECOL: 0x4020,
  COLC: 0x4028,
  DC: 0x4030,
  TNCRS: 0x4034,
  SEC: 0x4038,
  CEXTERR: 0x403c,
  RLEC: 0x4040,
  XONRXC: 0x4048,
  XONTXC: 0x404c,
  XOFFRXC: 0x4050,
  XOFFTXC: 0x4054,
  FCRUC: 0x4058,
  PRC64: 0x405c,
  PRC127: 0x4060,
  PRC255: 0x4064,
  PRC511: 0x4068,
  PRC1023: 0x406c,
  PRC1522: 0x4070,
  GPRC: 0x4074,
  BPRC: 0x4078,
  MPRC: 0x407c,
  GPTC: 0x4080,
  GORCL: 0x4088,
  GORCH: 0x408c,
  GOTCL: 0x4090,
  GOTCH: 0x4094,
  RNBC: 0x40a0,
  RUC: 0x40a4,
  RFC: 0x40a8,
  ROC: 0x40ac,
  RJC: 0x40b0,
  MGTPRC: 0x40b4,
  MGTPDC: 0x40b8,
  MGTPTC: 0x40bc,
  TORL: 0x40c0,
  TORH: 0x40c4,
  TOTL: 0x40c8,
  TOTH: 0x40cc,
  TPR: 0x40d0,
  TPT: 0x40d4,
  PTC64: 0x40d8,
  PTC127: 0x40dc,
  PTC255: 0x40e0,
  PTC511: 0x40e4,
  PTC1023: 0x40e8,
  PTC1522: 0x40ec,
  MPTC: 0x40f0,
  BPTC: 0x40f4,
  TSCTC: 0x40f8,
  TSCTFC: 0x40fc,
} as const;

/** First and last statistics register (§13.7): the whole block clears on read. */
export const STATS_FIRST = 0x4000;
export const STATS_LAST = 0x40fc;
/** The high halves of the 64-bit counters: reading one returns it and clears the pair. */
export const STATS_HIGH_WORDS: readonly number[] = [STAT.GORCH, STAT.GOTCH, STAT.TORH, STAT.TOTH];
