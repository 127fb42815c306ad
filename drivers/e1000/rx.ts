/**
 * The receive queue (8254x SDM §3.2). The driver posts empty buffers; the device fills
 * them, writes each descriptor back (length, checksum, status with DD last, errors) and
 * advances RDH, which the driver never reads or writes after init. A frame is found by
 * its descriptors' DD bits: the oldest posted slot first, then on until the one with EOP
 * (a frame larger than one buffer spans several; they are joined here). Only when DD is
 * set on every descriptor up to EOP is the frame taken (§3.2.3.1: DD before the rest).
 *
 * Slot i always receives into buffer i of the pool. A frame is lent to the callback only
 * while it runs (the NicDriver contract), so by the time receive() refills, every buffer
 * of a slot taken back is free again: no buffer changes hands, and the per-frame path
 * has no allocator to go through.
 *
 * After the burst every free slot gets its buffer back and RDT is written once, to one
 * past the last slot refilled (ring.flush()): one slot always stays empty, so RDT never
 * catches up with RDH and "full" differs from "empty" (§3.2.6).
 */
import type { RxMeta } from '../../runtime/nic.js';
import { RxFrameMeta } from './rx-meta.js';
import { RxLegacyBits, type RxLegacy, type RxRing } from './generated/index.js';
import type { BufferPool } from './buffer-pool.js';
import { copyInto } from './buffer-pool.js';
import type { RxChecksum } from './rx-checksum.js';

/** Error bits that make a frame unusable (§3.2.3.2); IPE/TCPE only mark a checksum. */
const ERRORS = RxLegacyBits.errors;
const STATUS = RxLegacyBits.status;
const FRAME_ERRORS = ERRORS.CE | ERRORS.SE | ERRORS.SEQ | ERRORS.CXE | ERRORS.RXE;
const ERROR_BITS = 8;

export type FrameHandler = (frame: Uint8Array, meta: RxMeta) => void;

/**
 * What RxQueue needs of a receive ring: the runtime ring's bookkeeping, and per slot the
 * written-back DD, EOP, length, status and errors with the legacy descriptor's bit
 * meanings (§3.2.3). The e1000's RxRing; also another device's ring whose written-back
 * status and error bits mean the same (the 82574L's extended descriptors).
 */
export type RxQueueRing = Pick<
  RxRing,
  | 'init'
  | 'inUse'
  | 'clean'
  | 'free'
  | 'postBound'
  | 'flush'
  | 'count'
  | 'takeOldest'
  | 'tail'
  | 'layout'
> & {
  readonly rxLegacy: Pick<RxLegacy, 'statusDD' | 'statusEOP' | 'length' | 'status' | 'errors'>;
};

export class RxQueue {
  packets = 0;
  bytes = 0;
  descriptors = 0;
  multiDescriptorFrames = 0;
  /** Frames dropped by the driver: per error bit (index = bit number), too long, empty. */
  readonly droppedByErrorBit = new Float64Array(ERROR_BITS);
  droppedOversize = 0;
  droppedEmpty = 0;
  /** Most descriptors taken back in one receive() call. */
  highWater = 0;
  private readonly meta: RxFrameMeta;
  /** Joins frames that span several buffers (allocated only when frames can). */
  private readonly joined: Uint8Array;
  private joinedView: Uint8Array;
  /** Status and errors of the last frame takeJoined() joined (from its last descriptor). */
  private joinedStatus = 0;
  private joinedErrors = 0;
  /** receive() calls in progress: more than one when a callback receives too. */
  private depth = 0;

  constructor(
    readonly ring: RxQueueRing,
    readonly pool: BufferPool,
    private readonly checksum: RxChecksum,
    /** Longest frame delivered; longer ones are dropped (counted). */
    private readonly maxFrameBytes: number,
    /** The queue number reported in RxMeta.queue. */
    queue = 0,
  ) {
    pool.requireBufferPerSlot(ring.count, 'slot i receives into buffer i');
    this.meta = new RxFrameMeta(queue, checksum, (slot, length, descriptors) =>
      descriptors === 1 ? pool.view(slot, length) : this.joinedView,
    );
    this.joined = new Uint8Array(maxFrameBytes > pool.bufferBytes ? maxFrameBytes : 0);
    this.joinedView = this.joined;
  }

  /** Program the ring (RDH = RDT = 0), post a buffer in every slot but one, RDT = count - 1 (§14.4). */
  start(): void {
    this.ring.init();
    this.refill();
  }

  /** Whether the oldest posted slot holds a received descriptor. */
  ready(): boolean {
    return this.ring.inUse > 0 && this.ring.rxLegacy.statusDD(this.ring.clean);
  }

  /** Deliver up to `max` frames to `onFrame`, then refill and write RDT once. */
  receive(max: number, onFrame: FrameHandler): number {
    const ring = this.ring;
    const d = ring.rxLegacy;
    // This call's counts, added to the totals once at its end (also when a callback
    // throws); a frame counts as received when it is handed to onFrame.
    let frames = 0;
    let bytes = 0;
    let descriptors = 0;
    this.depth++;
    try {
      while (frames < max && ring.inUse > 0) {
        // One load of the oldest slot's status: DD and EOP are in the same byte.
        const status = d.status(ring.clean);
        if ((status & STATUS.DD) === 0) break;
        if ((status & STATUS.EOP) !== 0) {
          const slot = ring.takeOldest();
          descriptors++;
          const length = d.length(slot);
          const errors = d.errors(slot);
          if (!this.acceptable(length, errors)) continue;
          frames++;
          bytes += length;
          onFrame(this.pool.view(slot, length), this.describe(slot, length, status, errors, 1));
          continue;
        }
        const n = this.completeFrameDescriptors();
        if (n === 0) break;
        descriptors += n;
        const first = ring.clean;
        const frame = this.takeJoined(n);
        if (frame === undefined) continue;
        frames++;
        bytes += frame.length;
        const meta = this.describe(first, frame.length, this.joinedStatus, this.joinedErrors, n);
        onFrame(frame, meta);
      }
    } finally {
      this.depth--;
      this.packets += frames;
      this.bytes += bytes;
      this.descriptors += descriptors;
      if (descriptors > this.highWater) this.highWater = descriptors;
      // A receive() from inside a callback leaves the refill to the outermost one: the
      // slots it would post again include the one whose buffer that callback still reads.
      if (this.depth === 0) this.refill();
    }
    return frames;
  }

  /** Give every free slot its buffer and hand them over with one RDT write. */
  refill(): void {
    const ring = this.ring;
    ring.postBound(ring.free(), this.pool.iovaTable());
    ring.flush();
  }

  /**
   * Descriptors of the oldest frame, counted through the one with EOP, when every one of
   * them has DD; 0 when the frame is not complete (or nothing arrived).
   */
  private completeFrameDescriptors(): number {
    const ring = this.ring;
    const d = ring.rxLegacy;
    const count = ring.count;
    const posted = ring.inUse;
    let slot = ring.clean;
    for (let n = 1; n <= posted; n++) {
      const status = d.status(slot); // one load: DD and EOP are in the same byte
      if ((status & STATUS.DD) === 0) return 0;
      if ((status & STATUS.EOP) !== 0) return n;
      slot = slot + 1 === count ? 0 : slot + 1;
    }
    return 0;
  }

  /**
   * A frame over `n` descriptors, each buffer copied into `joined`; undefined when it is
   * dropped. Its status and errors (the last descriptor's) are left in joinedStatus/Errors.
   */
  private takeJoined(n: number): Uint8Array | undefined {
    const ring = this.ring;
    const d = ring.rxLegacy;
    const pool = this.pool;
    const joined = this.joined;
    let length = 0;
    let status = 0;
    let errors = 0;
    for (let i = 0; i < n; i++) {
      const slot = ring.takeOldest();
      const bytes = d.length(slot);
      // The buffer's view is the pool's cached one (a full buffer's length repeats).
      if (length + bytes <= joined.length) copyInto(joined, pool.view(slot, bytes), length);
      length += bytes;
      status = d.status(slot);
      errors = d.errors(slot);
    }
    this.multiDescriptorFrames++;
    if (!this.acceptable(length, errors)) return undefined;
    this.joinedStatus = status;
    this.joinedErrors = errors;
    if (this.joinedView.length !== length) this.joinedView = joined.subarray(0, length);
    return this.joinedView;
  }

  /** Frames with receive errors, longer than the maximum, or empty are dropped (counted). */
  private acceptable(length: number, errors: number): boolean {
    if ((errors & FRAME_ERRORS) === 0 && length !== 0 && length <= this.maxFrameBytes) return true;
    this.countDrop(length, errors);
    return false;
  }

  /** Out of the per-frame path, so that path stays small enough for V8 to inline whole. */
  private countDrop(length: number, errors: number): void {
    if ((errors & FRAME_ERRORS) !== 0) {
      for (let bit = 0; bit < ERROR_BITS; bit++)
        if ((errors & FRAME_ERRORS & (1 << bit)) !== 0) this.droppedByErrorBit[bit]++;
    } else if (length > this.maxFrameBytes) {
      this.droppedOversize++;
    } else {
      this.droppedEmpty++;
    }
  }

  /**
   * The RxMeta of the frame from `slot` (one object, reused: the callback must copy what
   * it keeps). Its checksum verdict is judged only if the callback reads it (rx-meta.ts);
   * the device's verdict is counted here, whether read or not.
   */
  private describe(
    slot: number,
    length: number,
    status: number,
    errors: number,
    descriptors: number,
  ): RxMeta {
    const meta = this.meta;
    meta.length = length;
    meta.errors = errors;
    meta.descriptors = descriptors;
    meta.status = status;
    meta.slot = slot;
    meta.judged = 0;
    this.checksum.countDevice(status, errors);
    return meta;
  }
}
