/**
 * The device side of DMA in the twin: what an IOMMU would let the device reach. Every
 * access the device makes is checked against the regions currently mapped; an access
 * that is not wholly inside one mapping is blocked and recorded as a fault with its
 * IOVA, length and direction — as an IOMMU blocks it and logs a DMAR fault. The plugin
 * is told (a false return, or 0 from a typed read) and decides what the device does
 * next: QEMU's e1000, for one, still writes DD back after a failed buffer read.
 *
 * The check is stricter than a real IOMMU, which maps whole 4 KiB pages: here every byte
 * past a region's requested size faults, so off-by-one overruns are caught.
 */
import type { DmaDirection, EventLog } from './event-log.js';
import { BoundedList, type DmaFault } from './records.js';

const TWO_POW_32 = 2 ** 32;
/** Copies at most this long are done byte by byte, avoiding a subarray allocation. */
const SMALL_COPY_BYTES = 64;

/** One mapped region as the device sees it. */
export interface MappedRegion {
  readonly iova: number;
  readonly size: number;
  readonly u8: Uint8Array;
  readonly view: DataView;
}

/** Told about device writes, so CPU-write tracking does not report them as the CPU's. */
export interface DeviceWriteObserver {
  deviceWrote(region: MappedRegion, offset: number, length: number): void;
}

export class IovaSpace {
  /** Mapped regions, sorted by IOVA. */
  private regions: MappedRegion[] = [];
  /** Ranges that were mapped once and have been freed, to name the fault. */
  private freed: { iova: number; size: number }[] = [];
  /** The region the last successful access hit (most accesses hit the same one again). */
  private hit: MappedRegion | undefined;
  /** Region-relative offset found by the last successful locate(). */
  private hitOffset = 0;
  /** Region-relative offset found by the last successful probe(). */
  probedOffset = 0;
  private busMasterOn = false;
  /** Bumped whenever what the device can reach changes: map, unmap, bus mastering. */
  generation = 0;
  log: EventLog | null = null;
  observer: DeviceWriteObserver | undefined;

  constructor(
    readonly faults: BoundedList<DmaFault>,
    private readonly now: () => number,
  ) {}

  /** Bus mastering: with it off every device access is blocked. */
  get busMaster(): boolean {
    return this.busMasterOn;
  }

  set busMaster(on: boolean) {
    if (on !== this.busMasterOn) this.generation++;
    this.busMasterOn = on;
  }

  map(region: MappedRegion): void {
    this.generation++;
    let i = this.regions.length;
    while (i > 0 && this.regions[i - 1].iova > region.iova) i--;
    this.regions.splice(i, 0, region);
    this.freed = this.freed.filter(
      (f) => f.iova + f.size <= region.iova || f.iova >= region.iova + region.size,
    );
  }

  unmap(region: MappedRegion): void {
    const i = this.regions.indexOf(region);
    if (i < 0) return;
    this.generation++;
    this.regions.splice(i, 1);
    this.freed.push({ iova: region.iova, size: region.size });
    if (this.hit === region) this.hit = undefined;
  }

  /** Regions currently mapped, by IOVA. */
  mapped(): readonly MappedRegion[] {
    return this.regions;
  }

  /** Device reads `length` bytes at `iova` into `dst[dstOffset..]`. False (and a fault) if blocked. */
  copyOut(iova: number, dst: Uint8Array, dstOffset: number, length: number, tag: string): boolean {
    if (length === 0) return true;
    const region = this.locate(iova, length, 'read', tag);
    if (region === undefined) return false;
    const src = region.u8;
    const off = this.hitOffset;
    if (length <= SMALL_COPY_BYTES)
      for (let i = 0; i < length; i++) dst[dstOffset + i] = src[off + i];
    else dst.set(src.subarray(off, off + length), dstOffset);
    if (this.log !== null) this.logTransfer('dma-read', iova, length, tag, src, off);
    return true;
  }

  /** Device writes `src[srcOffset..srcOffset+length]` to `iova`. False (and a fault) if blocked. */
  copyIn(iova: number, src: Uint8Array, srcOffset: number, length: number, tag: string): boolean {
    if (length === 0) return true;
    const region = this.locate(iova, length, 'write', tag);
    if (region === undefined) return false;
    const dst = region.u8;
    const off = this.hitOffset;
    if (length <= SMALL_COPY_BYTES)
      for (let i = 0; i < length; i++) dst[off + i] = src[srcOffset + i];
    else dst.set(src.subarray(srcOffset, srcOffset + length), off);
    this.observer?.deviceWrote(region, off, length);
    if (this.log !== null) this.logTransfer('dma-write', iova, length, tag, dst, off);
    return true;
  }

  /** Device reads `length` bytes (a copy), or undefined if blocked. Allocates: not for hot paths. */
  read(iova: number, length: number, tag = 'dma'): Uint8Array | undefined {
    const out = new Uint8Array(length);
    return this.copyOut(iova, out, 0, length, tag) ? out : undefined;
  }

  /** Device writes `bytes` at `iova`; false if blocked. */
  write(iova: number, bytes: Uint8Array, tag = 'dma'): boolean {
    return this.copyIn(iova, bytes, 0, bytes.length, tag);
  }

  /** Little-endian typed reads by the device; 0 when blocked (the fault is recorded). */
  readU8(iova: number, tag = 'dma'): number {
    const region = this.locate(iova, 1, 'read', tag);
    if (region === undefined) return 0;
    const value = region.u8[this.hitOffset];
    if (this.log !== null) this.logTransfer('dma-read', iova, 1, tag, region.u8, this.hitOffset);
    return value;
  }

  readU16(iova: number, tag = 'dma'): number {
    const region = this.locate(iova, 2, 'read', tag);
    if (region === undefined) return 0;
    const value = region.view.getUint16(this.hitOffset, true);
    if (this.log !== null) this.logTransfer('dma-read', iova, 2, tag, region.u8, this.hitOffset);
    return value;
  }

  readU32(iova: number, tag = 'dma'): number {
    const region = this.locate(iova, 4, 'read', tag);
    if (region === undefined) return 0;
    const value = region.view.getUint32(this.hitOffset, true);
    if (this.log !== null) this.logTransfer('dma-read', iova, 4, tag, region.u8, this.hitOffset);
    return value;
  }

  /** A 64-bit read as a number (exact below 2^53, which every IOVA is). */
  readU64(iova: number, tag = 'dma'): number {
    const region = this.locate(iova, 8, 'read', tag);
    if (region === undefined) return 0;
    const off = this.hitOffset;
    const value =
      region.view.getUint32(off, true) + region.view.getUint32(off + 4, true) * TWO_POW_32;
    if (this.log !== null) this.logTransfer('dma-read', iova, 8, tag, region.u8, off);
    return value;
  }

  writeU8(iova: number, value: number, tag = 'dma'): boolean {
    const region = this.locate(iova, 1, 'write', tag);
    if (region === undefined) return false;
    region.u8[this.hitOffset] = value;
    this.afterTypedWrite(region, iova, 1, tag);
    return true;
  }

  writeU16(iova: number, value: number, tag = 'dma'): boolean {
    const region = this.locate(iova, 2, 'write', tag);
    if (region === undefined) return false;
    region.view.setUint16(this.hitOffset, value, true);
    this.afterTypedWrite(region, iova, 2, tag);
    return true;
  }

  writeU32(iova: number, value: number, tag = 'dma'): boolean {
    const region = this.locate(iova, 4, 'write', tag);
    if (region === undefined) return false;
    region.view.setUint32(this.hitOffset, value >>> 0, true);
    this.afterTypedWrite(region, iova, 4, tag);
    return true;
  }

  writeU64(iova: number, value: number, tag = 'dma'): boolean {
    const region = this.locate(iova, 8, 'write', tag);
    if (region === undefined) return false;
    region.view.setUint32(this.hitOffset, value % TWO_POW_32, true);
    region.view.setUint32(this.hitOffset + 4, Math.floor(value / TWO_POW_32), true);
    this.afterTypedWrite(region, iova, 8, tag);
    return true;
  }

  /**
   * The mapped region holding all of [iova, iova+length), with `probedOffset` set to where
   * `iova` is in it; undefined when the device could not reach all of it — and nothing
   * recorded. For a device model's fast path over a range it touches many times (a
   * descriptor ring): it then reads and writes the region's bytes itself, and falls back
   * to the accessors above (which record faults) when the probe fails. Such direct
   * accesses are neither logged nor observed: take the fast path only while `direct`,
   * and probe again when `generation` moves (see RingWindow).
   */
  probe(iova: number, length: number): MappedRegion | undefined {
    if (!this.busMaster) return undefined;
    const region = this.find(iova);
    if (region === undefined || iova + length > region.iova + region.size) return undefined;
    // `| 0`: regions are far below 2 GiB, and the difference of two heap numbers is a heap
    // number, which would make every later offset sum a floating-point one.
    this.probedOffset = (iova - region.iova) | 0;
    return region;
  }

  /** Whether a device model may access probed memory itself: no log or observer to tell. */
  get direct(): boolean {
    return this.log === null && this.observer === undefined;
  }

  /**
   * Whether the device may touch [iova, iova+length) in `direction`, recording a fault
   * if not. For plugins that check a whole buffer before moving it piecewise.
   */
  check(iova: number, length: number, direction: DmaDirection, tag: string): boolean {
    return length === 0 || this.locate(iova, length, direction, tag) !== undefined;
  }

  private afterTypedWrite(region: MappedRegion, iova: number, length: number, tag: string): void {
    this.observer?.deviceWrote(region, this.hitOffset, length);
    if (this.log !== null)
      this.logTransfer('dma-write', iova, length, tag, region.u8, this.hitOffset);
  }

  /** The region holding all of [iova, iova+length), with hitOffset set; or a recorded fault. */
  private locate(
    iova: number,
    length: number,
    direction: DmaDirection,
    tag: string,
  ): MappedRegion | undefined {
    if (!this.busMaster) return this.fault(iova, length, direction, tag, 'bus-master-off');
    const cached = this.hit;
    if (cached !== undefined && iova >= cached.iova && iova + length <= cached.iova + cached.size) {
      this.hitOffset = iova - cached.iova;
      return cached;
    }
    const region = this.find(iova);
    if (region === undefined) {
      const wasFreed = this.freed.some((f) => iova >= f.iova && iova < f.iova + f.size);
      return this.fault(iova, length, direction, tag, wasFreed ? 'freed' : 'unmapped');
    }
    if (iova + length > region.iova + region.size)
      return this.fault(iova, length, direction, tag, 'out-of-range');
    this.hit = region;
    this.hitOffset = iova - region.iova;
    return region;
  }

  /** Binary search for the region whose range contains `iova`. */
  private find(iova: number): MappedRegion | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid];
      if (iova < r.iova) hi = mid - 1;
      else if (iova >= r.iova + r.size) lo = mid + 1;
      else return r;
    }
    return undefined;
  }

  private fault(
    iova: number,
    length: number,
    direction: DmaDirection,
    tag: string,
    reason: string,
  ): undefined {
    const timeUs = this.now();
    this.faults.push({ iova, length, direction, tag, reason, timeUs });
    this.log?.push({ kind: 'dma-fault', iova, length, direction, tag, reason });
    return undefined;
  }

  private logTransfer(
    kind: 'dma-read' | 'dma-write',
    iova: number,
    length: number,
    tag: string,
    bytes: Uint8Array,
    offset: number,
  ): void {
    const log = this.log as EventLog;
    log.push({ kind, iova, length, tag, data: log.snapshot(bytes, offset, length) });
  }
}
