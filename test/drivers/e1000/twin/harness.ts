/**
 * Register-level test harness for the e1000 twin: plain datasheet offsets and bits
 * (8254x SDM rev 4.0), no driver and no generated code. Frames and checksums are built
 * here independently of the twin's own code, so the tests are an outside oracle.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';
import { parseIr, type Device as IrDevice } from '../../../../spec/ir.js';
import type { DmaRegion } from '../../../../runtime/types.js';
import type { SimDevice, SimDeviceOptions } from '../../../../runtime/sim/index.js';
import {
  openE1000Twin,
  type E1000Twin,
  type E1000TwinOptions,
} from '../../../../drivers/e1000/twin/index.js';

export const R = {
  CTRL: 0x0000,
  STATUS: 0x0008,
  EECD: 0x0010,
  EERD: 0x0014,
  MDIC: 0x0020,
  VET: 0x0038,
  ICR: 0x00c0,
  ITR: 0x00c4,
  ICS: 0x00c8,
  IMS: 0x00d0,
  IMC: 0x00d8,
  RCTL: 0x0100,
  TCTL: 0x0400,
  RDBAL: 0x2800,
  RDBAH: 0x2804,
  RDLEN: 0x2808,
  RDH: 0x2810,
  RDT: 0x2818,
  RDTR: 0x2820,
  RADV: 0x282c,
  TDBAL: 0x3800,
  TDBAH: 0x3804,
  TDLEN: 0x3808,
  TDH: 0x3810,
  TDT: 0x3818,
  TIDV: 0x3820,
  TADV: 0x382c,
  RXCSUM: 0x5000,
  MTA: 0x5200,
  RAL0: 0x5400,
  RAH0: 0x5404,
  VFTA: 0x5600,
  // statistics
  MPC: 0x4010,
  PRC64: 0x405c,
  PRC127: 0x4060,
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
  ROC: 0x40ac,
  TPR: 0x40d0,
  TPT: 0x40d4,
  PTC64: 0x40d8,
  PTC1522: 0x40ec,
  MPTC: 0x40f0,
  BPTC: 0x40f4,
} as const;

export const CMD = {
  EOP: 0x01,
  IFCS: 0x02,
  IC: 0x04,
  RS: 0x08,
  DEXT: 0x20,
  VLE: 0x40,
  IDE: 0x80,
} as const;
export const RX_STATUS = {
  DD: 0x01,
  EOP: 0x02,
  IXSM: 0x04,
  VP: 0x08,
  TCPCS: 0x20,
  IPCS: 0x40,
} as const;
export const RX_ERRORS = { TCPE: 0x20, IPE: 0x40 } as const;
export const ICR_BITS = {
  TXDW: 1 << 0,
  TXQE: 1 << 1,
  LSC: 1 << 2,
  RXDMT0: 1 << 4,
  RXO: 1 << 6,
  RXT0: 1 << 7,
  MDAC: 1 << 9,
} as const;
export const RCTL_BITS = {
  EN: 1 << 1,
  SBP: 1 << 2,
  UPE: 1 << 3,
  MPE: 1 << 4,
  LPE: 1 << 5,
  BAM: 1 << 15,
  VFE: 1 << 18,
  BSEX: 1 << 25,
  SECRC: 1 << 26,
} as const;
export const TCTL_EN_PSP = (1 << 1) | (1 << 3);
export const CTRL_VME = 1 << 30;
export const CTRL_RST = 1 << 26;
export const TWIN_MAC = Uint8Array.from([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);

/**
 * The smallest IR an e1000 twin can open: identity and BAR 0, no registers. The plugin
 * models the hardware from its own constants, so register-level tests need nothing more
 * (every access is then "unknown" to the spec, which these tests ignore).
 */
export function bareE1000Ir(): IrDevice {
  return parseIr({
    irVersion: 1,
    name: 'e1000',
    source: { file: 'bare', hash: '0' },
    pci: [{ vendor: 0x8086, device: 0x100e }],
    bars: [{ index: 0, kind: 'mmio', size: 128 * 1024 }],
    constants: [],
    registers: [],
    descriptors: [],
    rings: [],
    sequences: [],
  });
}

export interface Twin {
  dev: SimDevice;
  twin: E1000Twin;
  rd(offset: number): number;
  wr(offset: number, value: number): void;
}

export function openTwin(
  options: E1000TwinOptions = {},
  sim: SimDeviceOptions = {},
  ir: IrDevice = bareE1000Ir(),
): Twin {
  const { device, twin } = openE1000Twin(ir, { rctlQuietUs: 0, ...options }, { log: true, ...sim });
  device.enableBusMaster();
  const bar = device.bar(0);
  return { dev: device, twin, rd: (o) => bar.read32(o), wr: (o, v) => bar.write32(o, v) };
}

const lo32 = (iova: number) => iova % 2 ** 32;
const hi32 = (iova: number) => Math.floor(iova / 2 ** 32);

export interface TxRing {
  ring: DmaRegion;
  count: number;
  tail: number;
  /** Write a legacy descriptor at the tail (not yet handed to the device). */
  postLegacy(
    buffer: number,
    length: number,
    cmd: number,
    extra?: { cso?: number; css?: number; special?: number },
  ): number;
  /** Write 16 raw bytes at the tail. */
  postRaw(bytes: Uint8Array): number;
  /** Hand everything posted to the device: one TDT write. */
  flush(): void;
  status(slot: number): number;
}

export function setupTx(t: Twin, count = 8): TxRing {
  const ring = t.dev.dma.alloc(count * 16, 128);
  t.wr(R.TDBAL, lo32(ring.iova));
  t.wr(R.TDBAH, hi32(ring.iova));
  t.wr(R.TDLEN, count * 16);
  t.wr(R.TDH, 0);
  t.wr(R.TDT, 0);
  t.wr(R.TCTL, TCTL_EN_PSP);
  const advance = (): number => {
    const slot = tx.tail;
    tx.tail = (tx.tail + 1) % count;
    return slot;
  };
  const tx: TxRing = {
    ring,
    count,
    tail: 0,
    postLegacy(buffer, length, cmd, extra = {}) {
      const d = new DataView(ring.u8.buffer, tx.tail * 16, 16);
      d.setUint32(0, lo32(buffer), true);
      d.setUint32(4, hi32(buffer), true);
      d.setUint16(8, length, true);
      d.setUint8(10, extra.cso ?? 0);
      d.setUint8(11, cmd);
      d.setUint8(12, 0);
      d.setUint8(13, extra.css ?? 0);
      d.setUint16(14, extra.special ?? 0, true);
      return advance();
    },
    postRaw(bytes) {
      ring.u8.set(bytes, tx.tail * 16);
      return advance();
    },
    flush() {
      t.wr(R.TDT, tx.tail);
    },
    status(slot) {
      return ring.u8[slot * 16 + 12];
    },
  };
  return tx;
}

export interface RxRing {
  ring: DmaRegion;
  buffers: DmaRegion[];
  count: number;
  /** Next slot software expects the device to fill. */
  next: number;
  desc(slot: number): {
    length: number;
    csum: number;
    status: number;
    errors: number;
    special: number;
  };
  data(slot: number, length?: number): Uint8Array;
  /** Give `slot` back to the device (clear status, advance RDT). */
  recycle(slot: number): void;
}

/** RX ring with every slot but one posted (RDT = count - 1), buffers of `bufferBytes`. */
export function setupRx(
  t: Twin,
  opts: { count?: number; bufferBytes?: number; rctl?: number } = {},
): RxRing {
  const count = opts.count ?? 8;
  const bufferBytes = opts.bufferBytes ?? 2048;
  const ring = t.dev.dma.alloc(count * 16, 128);
  const buffers = Array.from({ length: count }, () => t.dev.dma.alloc(bufferBytes));
  const view = new DataView(ring.u8.buffer);
  buffers.forEach((b, i) => {
    view.setUint32(i * 16, lo32(b.iova), true);
    view.setUint32(i * 16 + 4, hi32(b.iova), true);
  });
  t.wr(R.RDBAL, lo32(ring.iova));
  t.wr(R.RDBAH, hi32(ring.iova));
  t.wr(R.RDLEN, count * 16);
  t.wr(R.RDH, 0);
  t.wr(R.RDT, count - 1);
  t.wr(R.RCTL, opts.rctl ?? RCTL_BITS.EN | RCTL_BITS.BAM | RCTL_BITS.SECRC);
  const rx: RxRing = {
    ring,
    buffers,
    count,
    next: 0,
    desc(slot) {
      const o = slot * 16;
      return {
        length: view.getUint16(o + 8, true),
        csum: view.getUint16(o + 10, true),
        status: view.getUint8(o + 12),
        errors: view.getUint8(o + 13),
        special: view.getUint16(o + 14, true),
      };
    },
    data(slot, length = rx.desc(slot).length) {
      return buffers[slot].u8.slice(0, length);
    },
    recycle(slot) {
      view.setUint8(slot * 16 + 12, 0);
      t.wr(R.RDT, slot);
    },
  };
  return rx;
}

// ---- frames -------------------------------------------------------------------------

export function ethernet(
  dst: Uint8Array,
  src: Uint8Array,
  type: number,
  payload: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  f.set(payload, 14);
  return f;
}

export const PEER_MAC = Uint8Array.from([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);
export const BROADCAST = new Uint8Array(6).fill(0xff);

/** A frame to the twin's MAC of exactly `length` bytes (without FCS), payload counting up. */
export function frameTo(dst: Uint8Array, length: number, seed = 0): Uint8Array {
  const payload = Uint8Array.from({ length: length - 14 }, (_, i) => (i + seed) & 0xff);
  return ethernet(dst, PEER_MAC, 0x88b5, payload);
}

/** Reference ones'-complement checksum (RFC 1071), written here as the test oracle. */
export function inetChecksum(bytes: Uint8Array, seed = 0): number {
  let sum = seed;
  for (let i = 0; i < bytes.length; i += 2)
    sum += (bytes[i] << 8) + (i + 1 < bytes.length ? bytes[i + 1] : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function pseudoHeaderSum(ip: Uint8Array, protocol: number, l4Length: number): number {
  let sum = protocol + l4Length;
  for (let i = 12; i < 20; i += 2) sum += (ip[i] << 8) + ip[i + 1];
  return sum;
}

/**
 * An Ethernet + IPv4 + UDP/TCP frame. `checksums`: 'valid' fills correct checksums,
 * 'offload' zeroes the IP checksum and seeds the L4 one with the pseudo-header sum, as
 * software prepares a frame for checksum offload.
 */
export function ipv4Frame(
  protocol: 'udp' | 'tcp',
  payload: Uint8Array,
  checksums: 'valid' | 'offload',
): Uint8Array {
  const l4Header = protocol === 'udp' ? 8 : 20;
  const l4 = new Uint8Array(l4Header + payload.length);
  l4.set(payload, l4Header);
  const dv = new DataView(l4.buffer);
  dv.setUint16(0, 5000);
  dv.setUint16(2, 6000);
  if (protocol === 'udp') dv.setUint16(4, l4.length);
  else {
    dv.setUint32(4, 12345);
    l4[12] = 5 << 4;
    l4[13] = 0x18;
    dv.setUint16(14, 1024);
  }
  const ip = new Uint8Array(20);
  const iv = new DataView(ip.buffer);
  ip[0] = 0x45;
  iv.setUint16(2, 20 + l4.length);
  iv.setUint16(4, 7);
  ip[8] = 64;
  ip[9] = protocol === 'udp' ? 17 : 6;
  ip.set([10, 0, 0, 1], 12);
  ip.set([10, 0, 0, 2], 16);
  const csumAt = protocol === 'udp' ? 6 : 16;
  const pseudo = pseudoHeaderSum(ip, ip[9], l4.length);
  if (checksums === 'valid') {
    iv.setUint16(10, inetChecksum(ip));
    let c = inetChecksum(l4, pseudo);
    if (c === 0 && protocol === 'udp') c = 0xffff;
    dv.setUint16(csumAt, c);
  } else {
    let s = pseudo;
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    dv.setUint16(csumAt, s);
  }
  const packet = new Uint8Array(20 + l4.length);
  packet.set(ip, 0);
  packet.set(l4, 20);
  return ethernet(TWIN_MAC, PEER_MAC, 0x0800, packet);
}

export function fcsOf(frame: Uint8Array): number {
  return zlibCrc32(frame) >>> 0;
}

export function hex(n: number): string {
  return '0x' + (n >>> 0).toString(16);
}
