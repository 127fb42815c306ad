/**
 * The baseline of the driver benchmarks: the least TypeScript that does the e1000's
 * descriptor work, written by hand over typed arrays as a plain userspace driver would
 * (ixy's style): datasheet offsets typed in, slot i always using buffer i, no spec, no
 * generated code, no checks beyond what the job needs. It runs on the same twin as the
 * driver and asks it for the same device work, so a ratio to it is the driver's overhead.
 */
import type { DmaRegion, Mmio } from '../runtime/types.js';
import type { SimDevice } from '../runtime/sim/index.js';

/** Ring size and buffer bytes of both sides (the driver is opened with the same). */
export const RING = 256;
export const BUFFER_BYTES = 2048;
/** Datasheet offsets and bits typed by hand, as a plain driver would (8254x SDM §13, §3). */
const REG = {
  RCTL: 0x100,
  TCTL: 0x400,
  RDBAL: 0x2800,
  RDBAH: 0x2804,
  RDLEN: 0x2808,
  RDH: 0x2810,
  RDT: 0x2818,
  TDBAL: 0x3800,
  TDBAH: 0x3804,
  TDLEN: 0x3808,
  TDH: 0x3810,
  TDT: 0x3818,
};
const RCTL_EN_BAM_SECRC = 0x0400_8002;
const TCTL_EN_PSP = 0x0a;
const CMD_EOP_IFCS = 0x03;
const CMD_RS = 0x08;
/** TX legacy cmd is byte 11: bits 24..31 of the descriptor's third 32-bit word (§3.3.3). */
const CMD_SHIFT = 24;
/**
 * RS (a DD write-back) on every 32nd TX descriptor and on the last of each burst, as the
 * driver does by default (txReportEvery): the same device work on both sides.
 */
const REPORT_EVERY = 32;
const DD = 0x01;
const EOP = 0x02;
const TWO_POW_32 = 2 ** 32;
/**
 * An IOVA's low word by `>>> 0`, as the driver's generated code takes it: `iova % 2 ** 32`
 * on a number past 2^31 is a floating-point remainder, several times slower.
 */
const low32 = (iova: number): number => iova >>> 0;
/**
 * Frames are copied as the driver copies them (buffer-pool.ts copyInto): through
 * TypedArray.prototype.set held in a constant, which V8 calls directly; `dst.set(src, at)`
 * costs a generic property lookup per call (about 3 ns). Both sides copy at the same speed.
 */
const typedArraySet = Uint8Array.prototype.set;

/** Ring, buffers and bookkeeping of the baseline: slot i always uses buffer i (as ixy does). */
class HandRing {
  readonly desc: DmaRegion;
  readonly bufs: DmaRegion;
  clean = 0;
  tail = 0;
  /** TX: what TDT holds, slots posted with RS, and slots since the last one. */
  flushed = 0;
  readonly reported = new Uint8Array(RING);
  sinceReport = 0;
  constructor(device: SimDevice) {
    this.desc = device.dma.alloc(RING * 16, 128);
    this.bufs = device.dma.alloc(RING * BUFFER_BYTES, 128);
  }
  program(mmio: Mmio, base: number): void {
    mmio.write32(base, low32(this.desc.iova));
    mmio.write32(base + 4, Math.floor(this.desc.iova / TWO_POW_32));
    mmio.write32(base + 8, RING * 16);
    mmio.write32(base + 0x10, 0);
    mmio.write32(base + 0x18, 0);
  }
}

export class HandPort {
  readonly mmio: Mmio;
  readonly tx: HandRing;
  readonly rx: HandRing;
  private readonly rxViews: Uint8Array[] = [];
  private readonly rxViewLengths = new Int32Array(RING).fill(-1);
  packets = 0;

  constructor(readonly device: SimDevice) {
    device.enableBusMaster();
    this.mmio = device.bar(0);
    this.tx = new HandRing(device);
    this.rx = new HandRing(device);
    this.tx.program(this.mmio, REG.TDBAL);
    this.rx.program(this.mmio, REG.RDBAL);
    // Slot i always uses buffer i, both ways: each address is written once, here.
    for (const ring of [this.rx, this.tx]) {
      const d = ring.desc.u32;
      for (let i = 0; i < RING; i++) {
        const iova = ring.bufs.iova + i * BUFFER_BYTES;
        d[i * 4] = low32(iova);
        d[i * 4 + 1] = Math.floor(iova / TWO_POW_32);
      }
    }
    this.mmio.write32(REG.TCTL, TCTL_EN_PSP);
    this.rx.tail = RING - 1;
    this.mmio.write32(REG.RDT, RING - 1);
    this.mmio.write32(REG.RCTL, RCTL_EN_BAM_SECRC);
  }

  /**
   * Free TX slots, oldest first, a run at a time: the slots up to the next one posted with
   * RS are done when its DD is (flushTx() ends every hand-over on such a slot).
   */
  reclaimTx(): void {
    const t = this.tx;
    const u8 = t.desc.u8;
    while (t.clean !== t.flushed) {
      let last = t.clean;
      while (t.reported[last] === 0) last = (last + 1) % RING;
      if ((u8[last * 16 + 12] & DD) === 0) return;
      u8[last * 16 + 12] = 0;
      t.reported[last] = 0;
      t.clean = (last + 1) % RING;
    }
  }

  /** Copy `src` into the next TX slot's buffer and describe it; false when full. */
  queueTx(src: Uint8Array): boolean {
    if (!this.txRoom()) return false;
    const t = this.tx;
    typedArraySet.call(t.bufs.u8, src, t.tail * BUFFER_BYTES);
    this.describeTx(src.length);
    return true;
  }

  /**
   * Zero-copy: describe the next slot's buffer, which already holds a frame, as `length`
   * bytes; false when the ring is full (a generator resending pre-filled buffers).
   */
  resendTx(length: number): boolean {
    if (!this.txRoom()) return false;
    this.describeTx(length);
    return true;
  }

  /** Whether the tail slot may be filled (one slot always stays empty), reclaiming if not. */
  private txRoom(): boolean {
    const t = this.tx;
    const next = (t.tail + 1) % RING;
    if (next !== t.clean) return true;
    this.reclaimTx();
    return next !== t.clean;
  }

  /** Every TX buffer filled with `frame`, for resendTx(). */
  prefillTx(frame: Uint8Array): void {
    for (let s = 0; s < RING; s++) this.tx.bufs.u8.set(frame, s * BUFFER_BYTES);
  }

  /**
   * The tail slot's descriptor words past the address (set once, in the constructor: slot
   * i always sends from buffer i), whole little-endian words as the generated fill()
   * writes them: length, cso 0 and cmd; status, css and special, all 0. Then the slot is
   * posted: the tail moves on.
   */
  private describeTx(length: number): void {
    const t = this.tx;
    const s = t.tail;
    const u32 = t.desc.u32;
    const report = ++t.sinceReport === REPORT_EVERY;
    if (report) t.sinceReport = 0;
    t.reported[s] = report ? 1 : 0;
    u32[s * 4 + 2] = length | ((report ? CMD_EOP_IFCS | CMD_RS : CMD_EOP_IFCS) << CMD_SHIFT);
    u32[s * 4 + 3] = 0;
    t.tail = (s + 1) % RING;
  }

  /** One TDT write for what was queued; its last slot gets RS if it lacks it. */
  flushTx(): void {
    const t = this.tx;
    if (t.tail === t.flushed) return;
    const last = (t.tail + RING - 1) % RING;
    if (t.reported[last] === 0) {
      t.reported[last] = 1;
      t.desc.u8[last * 16 + 11] |= CMD_RS;
    }
    t.sinceReport = 0;
    t.flushed = t.tail;
    this.mmio.write32(REG.TDT, t.tail);
  }

  /** Take up to `max` received frames (one descriptor each) to `each`, refill, one RDT write. */
  receive(max: number, each: (frame: Uint8Array) => void): number {
    const r = this.rx;
    const u8 = r.desc.u8;
    const u16 = r.desc.u16;
    let n = 0;
    while (n < max && (u8[r.clean * 16 + 12] & (DD | EOP)) === (DD | EOP)) {
      const s = r.clean;
      const len = u16[s * 8 + 4];
      if (this.rxViewLengths[s] !== len) {
        this.rxViews[s] = r.bufs.u8.subarray(s * BUFFER_BYTES, s * BUFFER_BYTES + len);
        this.rxViewLengths[s] = len;
      }
      each(this.rxViews[s]);
      u16[s * 8 + 6] = 0; // status and errors in one store, as the generated fill()
      r.clean = (s + 1) % RING;
      n++;
    }
    if (n > 0) {
      r.tail = (r.tail + n) % RING;
      this.mmio.write32(REG.RDT, r.tail);
    }
    return n;
  }
}
