/**
 * The transmit queue (8254x SDM §3.3, §3.4): frames are copied into pooled DMA buffers and
 * described by legacy descriptors (the spec's `on post`: EOP | IFCS | RS), or, with
 * checksum offload, by a TCP/IP context descriptor and data descriptors (§3.3.6-7). A
 * frame larger than one buffer takes several descriptors, EOP on the last only; a
 * gathered frame (several segments) takes at least one per segment.
 *
 * Ownership: the driver owns TDT and writes it once per burst (ring.flush()); the device
 * owns TDH. The device writes status.DD back only for descriptors with RS (§3.3.3.1; with
 * RS clear, QEMU never writes DD), and each write-back is a DMA write. So RS is the
 * ring's business, in all three formats alike (cmd byte 11, bit 3): it goes on every
 * `txReportEvery`th descriptor and on the last one of each flush (config default 32, as
 * DPDK's tx_rs_thresh; 1 = every descriptor), and a slot comes back when the reported
 * slot covering it has DD. Descriptors here are written without RS; post() and commit()
 * set it where the rule says. Reclaim returns each slot's buffer to the pool (once the
 * pool is shared; before, slot i's buffer stays slot i's) and counts a frame at each slot
 * but those marked as ending none (endsNoFrame), so completions may arrive in groups; while
 * no such slot is in flight (partialSlots), it counts a run's slots at once.
 * Backpressure: a frame is taken only if the ring and the pool have room for all of it,
 * so "accepted" means "queued whole".
 *
 * Buffers: slot i always sends from buffer i of the pool (the pool has a buffer per
 * slot), so a frame costs no pool alloc/free and reclaim has no buffer to give back. This
 * holds for the copying paths, and for zero-copy (tx-buffers.ts) as long as its caller
 * sends buffers in the order it took them: the buffers it holds are then those of the
 * next free slots (`lent`, from the tail on). A zero-copy caller that sends or gives back
 * out of that order, or a copying send while it holds buffers, makes the queue share the
 * pool (sharePool()) from then on: every buffer then comes from the pool's free list.
 */
import type { TxOffload } from '../../runtime/nic.js';
import { ETH_HEADER_BYTES } from '../../runtime/packet/ethernet.js';
import { TxDataBits, TxDataDtypDtyp, type TxRing } from './generated/index.js';
import { BufferPool, copyChunk, copyInto } from './buffer-pool.js';
import { frameSizeError, configError, txNoRoomError } from './errors.js';
import {
  CHECKSUM_HARDWARE,
  CHECKSUM_NONE,
  CHECKSUM_SOFTWARE,
  type ChecksumPlan,
  type TxChecksum,
} from './tx-checksum.js';

const NO_BUFFER = -1;
/**
 * A module-local copy of the imported copyInto for the per-frame path, as MIN_FRAME_BYTES
 * below: optimized code reads an imported binding with a TDZ check each time (about 6
 * instructions a frame, callgrind fwd b32).
 */
const copyFrame = copyInto;
/** A module-local copy: checkSize() runs per frame, and optimized code re-reads an imported binding at each use. */
const MIN_FRAME_BYTES = ETH_HEADER_BYTES;
/** A data descriptor's command; RS is added by ring.commit() where the report rule puts it. */
const EXTENDED_CMD = TxDataBits.cmd.DEXT | TxDataBits.cmd.IFCS;

export class TxQueue {
  /** Frames and bytes queued, frames completed, frames refused for want of room. */
  packets = 0;
  bytes = 0;
  completedFrames = 0;
  refusedFrames = 0;
  /**
   * Data descriptors past the first of each frame (a frame over several buffers, or a
   * gathered one): descriptors = packets + this, so the per-frame path counts nothing here.
   */
  private extraDescriptors = 0;
  multiDescriptorFrames = 0;
  gatheredFrames = 0;
  /** Most descriptors in flight at once. */
  highWater = 0;
  /**
   * 1 for each slot in flight whose descriptor ends no frame (a context descriptor, a
   * frame's leading buffers), 0 otherwise: reclaim sets it back to 0, so a whole-frame
   * send (the per-frame path) writes nothing here.
   */
  private readonly endsNoFrame: Uint8Array;
  /**
   * How many slots endsNoFrame marks. While none, every slot reclaimed completes a frame,
   * and reclaim() counts them without reading endsNoFrame slot by slot.
   */
  private partialSlots = 0;
  /**
   * Slot i sends from buffer i (true until sharePool()); else buffers come from the pool.
   * Tested as `=== true`: V8 does not learn that the field only ever holds a boolean, so a
   * bare truth test of `true` runs through every falsy kind of value first (12
   * instructions, callgrind), and the per-frame paths test it once or twice a frame.
   */
  private slotBuffers = true;
  /**
   * Slot mode only: buffers lent to a zero-copy caller and not yet sent, those of the
   * slots from the tail on (lendSlotBuffer()).
   */
  private lent = 0;
  private readonly bufferBytes: number;
  /** The longest frame one buffer carries: the smaller of the buffer and maxFrameBytes. */
  private readonly oneBufferBytes: number;
  /** Every pool buffer's IOVA by index: slot i's buffer in slot mode. */
  private readonly slotIovas: ArrayLike<number>;

  constructor(
    readonly ring: TxRing,
    readonly pool: BufferPool,
    private readonly checksum: TxChecksum,
    /** The largest frame this queue sends (the driver's maxFrameBytes). */
    readonly maxFrameBytes: number,
  ) {
    pool.requireBufferPerSlot(ring.count, 'slot i sends from buffer i');
    this.endsNoFrame = new Uint8Array(ring.count);
    this.bufferBytes = pool.bufferBytes;
    this.oneBufferBytes = Math.min(pool.bufferBytes, maxFrameBytes);
    this.slotIovas = pool.iovaTable();
  }

  /**
   * From now on take every buffer from the pool, as zero-copy senders do: the buffers of
   * the slots in flight are handed out of the pool, and come back to it at reclaim (their
   * cookie is their buffer). Idempotent.
   */
  sharePool(): void {
    if (this.slotBuffers !== true) return;
    this.slotBuffers = false;
    const ring = this.ring;
    for (let n = 0, slot = ring.clean; n < ring.inUse; n++) {
      const buffer = ring.cookieAt(slot);
      if (buffer !== NO_BUFFER) this.pool.take(buffer);
      slot = slot + 1 === ring.count ? 0 : slot + 1;
    }
    // Buffers lent in slot mode stay the caller's.
    for (let n = 0, slot = ring.tail; n < this.lent; n++) {
      this.pool.take(slot);
      slot = slot + 1 === ring.count ? 0 : slot + 1;
    }
    this.lent = 0;
  }

  /** Whether buffers come from the pool's free list (after sharePool()). */
  get pooled(): boolean {
    return this.slotBuffers !== true;
  }

  /**
   * Slot mode: lend the caller the buffer of the next free slot not lent yet, for a
   * zero-copy send; -1 when every free slot's buffer is lent (after a reclaim).
   */
  lendSlotBuffer(): number {
    const ring = this.ring;
    if (ring.free() === this.lent) {
      this.reclaim();
      if (ring.free() === this.lent) return -1;
    }
    return this.slotFromTail(this.lent++);
  }

  /**
   * Slot mode: take back lent `buffer` unsent. True when it was the last one lent (slot
   * mode goes on); otherwise the queue shares the pool from now on and this returns false,
   * leaving the caller to give `buffer` back to the pool (which refuses one never lent).
   */
  returnSlotBuffer(buffer: number): boolean {
    if (this.lent === 0) return false;
    if (buffer === this.slotFromTail(this.lent - 1)) {
      this.lent--;
      return true;
    }
    this.sharePool();
    return false;
  }

  /** The slot `k` on from the tail, round the ring: in slot mode, lent buffer k (from 0). */
  private slotFromTail(k: number): number {
    const slot = this.ring.tail + k;
    return slot >= this.ring.count ? slot - this.ring.count : slot;
  }

  /** Program the ring (base, length, head = tail = 0) while TCTL.EN is off (§14.5). */
  init(): void {
    this.ring.init();
    // Slot i's address is written once, here, not on the per-frame path's first ring cycle.
    this.ring.bindBuffers(this.slotIovas);
    this.endsNoFrame.fill(0);
    this.partialSlots = 0;
    this.lent = 0;
    this.pool.reset();
    this.checksum.invalidate();
  }

  /**
   * Queue whole frames from the start of `frames` while there is room; one TDT write.
   * Returns how many were queued. Throws E_FRAME_SIZE (nothing queued) for a bad size.
   */
  transmit(frames: readonly Uint8Array[], offload: TxOffload | undefined): number {
    this.checkSizes(frames);
    let sent = 0;
    while (sent < frames.length && this.queueSized(frames[sent], offload)) sent++;
    this.refusedFrames += frames.length - sent;
    this.flush();
    return sent;
  }

  /**
   * Queue one frame without the doorbell (flush() hands queued frames to the device);
   * false when there is no room. For forwarding from inside a receive callback.
   */
  queue(frame: Uint8Array, offload: TxOffload | undefined): boolean {
    const length = frame.length;
    // One range check stands for both the size rule and "fits one buffer".
    const oneBuffer =
      offload === undefined && length >= MIN_FRAME_BYTES && length <= this.oneBufferBytes;
    // The forwarding case first, with no layer between (about 2 ns a frame, fwd b32): slot
    // mode, nothing lent, a free slot; the frame goes into the tail slot's own buffer.
    const ring = this.ring;
    if (oneBuffer && this.lent === 0 && this.slotBuffers === true && ring.free() !== 0) {
      copyFrame(this.pool.bytes, frame, this.pool.offset(ring.tail));
      // postWholeFrame() in slot mode, written out: one call less per frame.
      if (!ring.postOwnBuffer(length, this.slotIovas)) this.throwNoRoom();
      this.packets++;
      this.bytes += length;
      return true;
    }
    const queued = oneBuffer ? this.queueOneBuffer(frame) : this.queueOther(frame, offload);
    if (!queued) this.refusedFrames++;
    return queued;
  }

  /** queue() of a frame with an offload, or longer than one buffer, or of a bad size (throws). */
  private queueOther(frame: Uint8Array, offload: TxOffload | undefined): boolean {
    this.checkSize(0, frame.length);
    return this.queueChecked(frame, offload);
  }

  /** Queue a frame whose size was checked: no offload and one buffer goes straight there. */
  private queueSized(frame: Uint8Array, offload: TxOffload | undefined): boolean {
    return offload === undefined && frame.length <= this.bufferBytes
      ? this.queueOneBuffer(frame)
      : this.queueChecked(frame, offload);
  }

  /** Hand every queued frame to the device: one TDT write, none when nothing is new. */
  flush(): void {
    this.ring.flush();
    const used = this.ring.inUse;
    if (used > this.highWater) this.highWater = used;
  }

  private queueChecked(frame: Uint8Array, offload: TxOffload | undefined): boolean {
    const wanted = offload !== undefined && (offload.ipv4 === true || offload.l4 === true);
    return this.queueFrame(frame, wanted ? this.checksum.plan(frame, offload) : CHECKSUM_NONE);
  }

  /**
   * Queue one frame made of `segments` (scatter-gather): each segment goes out from its
   * own buffer(s), EOP on the frame's last descriptor; empty segments are skipped.
   * Returns false when there is no room (nothing queued). Checksum offload needs the
   * device (not software) and the IPv4 and TCP/UDP headers within the first segment.
   */
  transmitGather(segments: readonly Uint8Array[], offload: TxOffload | undefined): boolean {
    let total = 0;
    let buffers = 0;
    let last = -1;
    for (let i = 0; i < segments.length; i++) {
      const n = segments[i].length;
      total += n;
      buffers += Math.ceil(n / this.bufferBytes);
      if (n > 0) last = i;
    }
    this.checkSize(0, total);
    const wanted = offload !== undefined && (offload.ipv4 === true || offload.l4 === true);
    const first = segments[0];
    const plan = wanted ? this.checksum.plan(first, offload, total) : CHECKSUM_NONE;
    if (plan === CHECKSUM_SOFTWARE) {
      throw configError(
        'E_OFFLOAD',
        'checksums for a gathered frame need checksumOffload (the device computes them across segments)',
        {},
      );
    }
    const ok = this.reserveRoom(
      buffers,
      plan === CHECKSUM_HARDWARE && this.checksum.needsContext(total),
    );
    if (ok) {
      this.queueContextIfNeeded(plan, total);
      for (let i = 0; i <= last; i++)
        this.queueSegment(segments[i], plan, i === 0, i === last, first);
      this.countFrame(total, buffers);
      this.gatheredFrames++;
    } else {
      this.refusedFrames++;
    }
    this.flush();
    return ok;
  }

  /**
   * Zero-copy: queue `buffer`, already holding a frame of `length` bytes, as one legacy
   * descriptor (no doorbell). False when the ring is full; the buffer then stays the
   * caller's. The caller got the buffer from lendSlotBuffer() or the pool, and checked the
   * length.
   */
  queueBuffer(buffer: number, length: number): boolean {
    // In order, in slot mode: the oldest lent buffer is the tail slot's own, its slot free.
    // (Short on purpose: this runs per frame and V8 inlines small functions.)
    if (this.lent !== 0 && buffer === this.ring.tail) {
      this.lent--;
      this.postWholeFrame(buffer, length);
      return true;
    }
    return this.queuePoolBuffer(buffer, length);
  }

  /** queueBuffer() of a buffer from the pool, shared from now on if it was not yet. */
  private queuePoolBuffer(buffer: number, length: number): boolean {
    const ring = this.ring;
    this.sharePool();
    if (ring.free() === 0) {
      this.reclaim();
      if (ring.free() === 0) {
        this.refusedFrames++;
        return false;
      }
    }
    this.postWholeFrame(buffer, length);
    return true;
  }

  /** Take back every completed descriptor and its buffer; returns frames completed. */
  reclaim(): number {
    const ring = this.ring;
    let slot = ring.clean;
    const taken = ring.reclaim();
    const pooled = this.slotBuffers !== true;
    // Nothing to give back and every slot a whole frame: the count is the slots taken.
    let frames = taken;
    if (pooled || this.partialSlots !== 0) {
      frames = 0;
      for (let n = taken; n > 0; n--) {
        if (pooled) {
          const buffer = ring.cookieAt(slot);
          if (buffer !== NO_BUFFER) this.pool.free(buffer);
        }
        if (this.endsNoFrame[slot] === 0) {
          frames++;
        } else {
          this.endsNoFrame[slot] = 0;
          this.partialSlots--;
        }
        slot = slot + 1 === ring.count ? 0 : slot + 1;
      }
    }
    this.completedFrames += frames;
    return frames;
  }

  /** Data descriptors queued (context descriptors not included: tx-checksum.ts counts those). */
  get descriptors(): number {
    return this.packets + this.extraDescriptors;
  }

  /** Slots the device has not given back yet. */
  get inFlight(): number {
    return this.ring.inUse;
  }

  private queueFrame(frame: Uint8Array, plan: ChecksumPlan): boolean {
    const length = frame.length;
    if (plan === CHECKSUM_NONE && length <= this.bufferBytes) return this.queueOneBuffer(frame);
    const buffers = this.buffersFor(length);
    if (
      !this.reserveRoom(buffers, plan === CHECKSUM_HARDWARE && this.checksum.needsContext(length))
    )
      return false;
    this.queueContextIfNeeded(plan, length);
    this.queueSegment(frame, plan, true, true, frame);
    this.countFrame(length, buffers);
    return true;
  }

  /**
   * A frame with no offload that fits one buffer, as one descriptor: transmit()'s path, and
   * queue()'s when its slot-mode shortcut does not apply (pool shared, a buffer lent, room
   * to make).
   */
  private queueOneBuffer(frame: Uint8Array): boolean {
    if (!this.reserveRoom(1, false)) return false;
    const pool = this.pool;
    const buffer = this.takeBuffer();
    copyFrame(pool.bytes, frame, pool.offset(buffer));
    this.postWholeFrame(buffer, frame.length);
    return true;
  }

  /** One descriptor carrying a whole frame of `length` bytes from `buffer` (EOP). */
  private postWholeFrame(buffer: number, length: number): void {
    // In slot mode `buffer` is the tail slot's own, and the slot may still hold its address.
    const posted =
      this.slotBuffers === true
        ? this.ring.postOwnBuffer(length, this.slotIovas)
        : this.ring.post(this.pool.iova(buffer), length, buffer, true);
    // Every caller made room first (a lent buffer's slot is a free one).
    if (!posted) this.throwNoRoom();
    this.packets++;
    this.bytes += length;
  }

  /**
   * Room for `buffers` data descriptors (+ a context): reclaim first if short. A copy must
   * not land in a buffer lent to a zero-copy caller (the tail slot's): a loan ends slot mode.
   */
  private reserveRoom(buffers: number, context: boolean): boolean {
    const needed = buffers + (context ? 1 : 0);
    // The per-frame case, kept short: nothing lent and room already.
    if (this.lent === 0 && this.ring.free() >= needed && this.pool.available >= buffers)
      return true;
    return this.makeRoom(needed, buffers);
  }

  /** reserveRoom() when a buffer is lent or room is short: share the pool, reclaim. */
  private makeRoom(needed: number, buffers: number): boolean {
    if (this.lent !== 0) this.sharePool();
    if (this.ring.free() >= needed && this.pool.available >= buffers) return true;
    this.reclaim();
    return this.ring.free() >= needed && this.pool.available >= buffers;
  }

  private throwNoRoom(): never {
    throw txNoRoomError(this.ring.tail, this.ring.inUse);
  }

  private queueContextIfNeeded(plan: ChecksumPlan, frameBytes: number): void {
    if (plan !== CHECKSUM_HARDWARE || !this.checksum.needsContext(frameBytes)) return;
    const slot = this.ring.reserve();
    this.checksum.writeContext(this.ring, slot, frameBytes);
    this.endsNoFrame[slot] = 1;
    this.partialSlots++;
    this.ring.commit(NO_BUFFER);
  }

  /**
   * Copy `segment` into as many buffers as it needs and describe each. `firstOfFrame`:
   * the checksum fields live in its first buffer; `lastOfFrame`: EOP goes on its end.
   */
  private queueSegment(
    segment: Uint8Array,
    plan: ChecksumPlan,
    firstOfFrame: boolean,
    lastOfFrame: boolean,
    headers: Uint8Array,
  ): void {
    const pool = this.pool;
    const bytes = pool.bytes;
    const length = segment.length;
    // In slot mode the segment's buffers are those of the next slots, consecutive in pool
    // memory unless they wrap: then one copy fills them all.
    const inPlace =
      this.slotBuffers === true && this.ring.tail + this.buffersFor(length) <= this.ring.count;
    if (inPlace) copyInto(bytes, segment, pool.offset(this.ring.tail));
    let offset = 0;
    while (offset < length) {
      const chunk = Math.min(this.bufferBytes, length - offset);
      const buffer = this.takeBuffer();
      const base = pool.offset(buffer);
      if (!inPlace) copyChunk(bytes, base, segment, offset, chunk);
      const frameStart = firstOfFrame && offset === 0;
      if (frameStart) this.applyChecksum(plan, bytes, base, headers);
      offset += chunk;
      const eop = lastOfFrame && offset === length;
      if (plan === CHECKSUM_HARDWARE)
        this.postData(pool.iova(buffer), chunk, buffer, eop, frameStart);
      else this.postLegacy(pool.iova(buffer), chunk, buffer, eop);
    }
  }

  private applyChecksum(
    plan: ChecksumPlan,
    bytes: Uint8Array,
    base: number,
    frame: Uint8Array,
  ): void {
    if (plan === CHECKSUM_HARDWARE) this.checksum.seed(bytes, base, frame);
    else if (plan === CHECKSUM_SOFTWARE) this.checksum.insert(bytes, base, frame);
  }

  /** A legacy descriptor as the spec's `on post` writes it (cmd EOP only on the last). */
  private postLegacy(iova: number, length: number, buffer: number, eop: boolean): void {
    const slot = this.ring.tail;
    this.ring.post(iova, length, buffer, eop);
    this.markEnd(slot, eop);
  }

  /** A TCP/IP data descriptor (§3.3.7): DEXT, DTYP = data, POPTS on the frame's first. */
  private postData(
    iova: number,
    length: number,
    buffer: number,
    eop: boolean,
    firstOfFrame: boolean,
  ): void {
    const ring = this.ring;
    const slot = ring.reserve();
    const d = ring.txData;
    d.setAddr(slot, iova);
    d.setLength(slot, length);
    d.setDtyp(slot, 0);
    d.setDtypDTYP(slot, TxDataDtypDtyp.DATA);
    d.setCmd(slot, EXTENDED_CMD | (eop ? TxDataBits.cmd.EOP : 0));
    d.setStatus(slot, 0);
    d.setPopts(slot, firstOfFrame ? this.checksum.popts() : 0);
    d.setSpecial(slot, 0);
    this.markEnd(slot, eop);
    ring.commit(buffer);
  }

  /** Mark `slot` when it does not end its frame (counted as partial until reclaimed). */
  private markEnd(slot: number, eop: boolean): void {
    if (eop) return;
    this.endsNoFrame[slot] = 1;
    this.partialSlots++;
  }

  /** The buffer for the next slot posted: that slot's own, or one from the pool. */
  private takeBuffer(): number {
    return this.slotBuffers === true ? this.ring.tail : this.pool.alloc();
  }

  private buffersFor(length: number): number {
    return Math.ceil(length / this.bufferBytes);
  }

  private countFrame(length: number, descriptors: number): void {
    this.packets++;
    this.bytes += length;
    this.extraDescriptors += descriptors - 1;
    if (descriptors > 1) this.multiDescriptorFrames++;
  }

  /** Every frame checked before any is queued: a bad one means nothing was sent. */
  private checkSizes(frames: readonly Uint8Array[]): void {
    for (let i = 0; i < frames.length; i++) this.checkSize(i, frames[i].length);
  }

  private checkSize(index: number, bytes: number): void {
    if (bytes < MIN_FRAME_BYTES || bytes > this.maxFrameBytes)
      throw frameSizeError(index, bytes, MIN_FRAME_BYTES, this.maxFrameBytes);
  }
}
